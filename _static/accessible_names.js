// The theme's buttons, named by what they show (axe-core: label-content-name-mismatch).
// pydata-sphinx-theme renders them from its templates; _ext/accessible_names.py fixes the
// markup Sphinx writes. Jupyter Book adds every _static/*.js to every page.
document.addEventListener("DOMContentLoaded", () => {
  // "Search Ctrl+K": aria-label="Search" hid the shortcut the button shows.
  document.querySelectorAll(".search-button-field[aria-label]")
    .forEach((button) => button.removeAttribute("aria-label"));
  // "Color mode": its sun, moon and half-circle icons are titled "Light", "Dark" and
  // "System Settings", which the name did not contain. The icons are decoration: the
  // button keeps its name. (Font Awesome turns each <i> into an <svg>, before or after
  // this runs: an untitled <i> becomes an aria-hidden <svg>.)
  document.querySelectorAll(".theme-switch-button [title], .theme-switch-button svg")
    .forEach((icon) => {
      icon.removeAttribute("title");
      icon.removeAttribute("role");
      icon.removeAttribute("aria-labelledby");
      icon.querySelectorAll("title").forEach((title) => title.remove());
      icon.setAttribute("aria-hidden", "true");
    });
});
