"""axe-core on every built page, on a desktop (1400 x 900) and on a phone (390 x 844): WCAG 2 A/AA.

Opt in with ``RNN_BOOK_SITE_TEST=1`` after ``jupyter-book build . -W``, like ``test_site.py``.
axe-core comes from the ``axe-playwright-python`` wheel (a dev extra), which bundles a
current build as a plain ``axe.min.js``: Selenium injects it into each page, no npm step.
axe runs every rule tagged WCAG 2.0, 2.1 or 2.2 level A or AA, the ones it marks
experimental included (label-content-name-mismatch is one: a speech user names a control by
the text on screen), colour contrast on the phone only for a page whose phone shows text the
desktop does not show or styles otherwise (see CONTRAST). No page may have a critical or a
serious violation; the assertion prints the count of violating elements per page and impact,
moderate and minor included.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from browser import DESKTOP, PHONE, content_pages, open_page, requires_built_site, unavailable
from companion.browser import wait_until_typeset

if TYPE_CHECKING:
    from selenium.webdriver import Chrome

pytestmark = [requires_built_site,
              # 56-58 s of CPU for both screens (67-69 s with colour contrast on both), 35-37 s wall alone
              pytest.mark.expected_seconds(60)]

WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
IMPACTS = ("critical", "serious", "moderate", "minor")
FORBIDDEN = ("critical", "serious")
SCREENS = (DESKTOP, PHONE)

# Runs axe's rules for `tags` on the page, only those in `only` (if not empty), none in `skip`:
# {version, violations: [{id, impact, help, targets}]}, one target (a CSS selector) per violating element.
RUN_AXE = """
const [tags, only, skip, done] = [arguments[0], arguments[1], arguments[2], arguments[arguments.length - 1]];
const rules = axe.getRules(tags).map((rule) => rule.ruleId)
  .filter((id) => (only.length === 0 || only.includes(id)) && !skip.includes(id));
axe.run(document, {runOnly: {type: "rule", values: rules}, resultTypes: ["violations"]}).then(
  (results) => done({version: axe.version, violations: results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((node) => node.target.join(" "))}))}),
  (error) => done({error: String(error)}));
"""
# axe's colour-contrast rule takes most of its time (17.6 of 19.2 s on the desktop, 17.3 of 19.0 s on
# the phone, for the whole site). It runs on the desktop; on the phone only for a page whose phone
# shows a text element the desktop does not, or styles one otherwise. Contrast depends on a text's
# colour, the background behind it and its size and weight (axe's large-text threshold), and the
# theme's CSS could set these by width, so this is checked, not assumed: TEXT_STYLES gives, per
# visible element with text of its own, its colour, the background of its nearest opaque box, its font
# size and weight, keyed by its place in the document. (On this site the phone's are a subset of the
# desktop's, with the same styles, on every page.)
CONTRAST = "color-contrast"
TEXT_STYLES = """
const visible = (el) => {
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  return box.width > 0 && box.height > 0 && style.visibility !== "hidden" && style.display !== "none"
    && parseFloat(style.opacity) > 0;
};
const background = (el) => {
  for (let box = el; box; box = box.parentElement) {
    const color = getComputedStyle(box).backgroundColor;
    if (color !== "rgba(0, 0, 0, 0)" && color !== "transparent") return color;
  }
  return "canvas";
};
const place = (el) => {
  const steps = [];
  for (let node = el; node && node !== document.body; node = node.parentElement) {
    steps.unshift(`${node.tagName}${Array.prototype.indexOf.call(node.parentElement.children, node)}`);
  }
  return steps.join("/");
};
const styles = {};
for (const el of document.body.querySelectorAll("*")) {
  if (!Array.from(el.childNodes).some((node) => node.nodeType === Node.TEXT_NODE && node.data.trim())) continue;
  if (!visible(el)) continue;
  const style = getComputedStyle(el);
  styles[place(el)] = [style.color, background(el), style.fontSize, style.fontWeight];
}
return styles;
"""


def axe_source() -> str:
    """axe-core's ``axe.min.js``, from the axe-playwright-python wheel."""
    try:
        import axe_playwright_python
    except ImportError:
        unavailable("axe-playwright-python is not installed: pip install -e '.[dev]'")
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def audit(driver: Chrome, url: str, axe: str, only: tuple[str, ...] = (), skip: tuple[str, ...] = ()) -> dict:
    """axe's WCAG 2 A/AA violations on `url` (the rules in `only`, if given, but those in `skip`), once its
    maths is typeset, and its TEXT_STYLES."""
    open_page(driver, url)
    wait_until_typeset(driver)
    driver.execute_script(axe)
    result = driver.execute_async_script(RUN_AXE, WCAG_A_AA, list(only), list(skip))
    assert "error" not in result, f"{url}: axe-core failed: {result['error']}"
    result["text"] = driver.execute_script(TEXT_STYLES)
    return result


def counts(violations: list[dict]) -> Counter[str]:
    """Violating elements per impact (0 for an impact not found)."""
    found: Counter[str] = Counter()
    for violation in violations:
        found[violation["impact"]] += len(violation["targets"])
    return found


def table(results: dict[str, dict]) -> str:
    """One line per page: its count of violating elements per impact."""
    lines = [f"  {'page':<34}" + "".join(f"{impact:>10}" for impact in IMPACTS)]
    for page, result in results.items():
        found = counts(result["violations"])
        lines.append(f"  {page:<34}" + "".join(f"{found[impact]:>10}" for impact in IMPACTS))
    return "\n".join(lines)


def audit_site(driver: Chrome, origin: str, axe: str, skip: tuple[str, ...] = ()) -> dict[str, dict]:
    """axe's results for every page of the site, in one browser."""
    return {page: audit(driver, f"{origin}/{page}", axe, skip=skip) for page in content_pages()}


def restyled(text: dict[str, list], reference: dict[str, list]) -> list[str]:
    """The text elements of `text` (TEXT_STYLES) that `reference` lacks or styles otherwise."""
    return [place for place, style in text.items() if reference.get(place) != style]


def test_no_page_has_a_critical_or_serious_violation(browsers, origin):
    axe = axe_source()
    desktop, phone = (browsers.at(*size) for size in SCREENS)
    # The two screens are audited side by side: axe is single-threaded JavaScript, the CI
    # machine has two cores.
    with ThreadPoolExecutor(max_workers=len(SCREENS)) as pool:
        wide = pool.submit(audit_site, desktop, origin, axe)
        narrow = pool.submit(audit_site, phone, origin, axe, (CONTRAST,))
        audits = {DESKTOP: wide.result(), PHONE: narrow.result()}
    contrast_on_phone = [page for page, result in audits[PHONE].items()
                         if restyled(result["text"], audits[DESKTOP][page]["text"])]
    for page in contrast_on_phone:
        audits[PHONE][page]["violations"] += audit(phone, f"{origin}/{page}", axe, only=(CONTRAST,))["violations"]
    report = [f"{CONTRAST} at {PHONE[0]}x{PHONE[1]}: on {len(contrast_on_phone)} pages whose text differs from "
              f"the desktop's {contrast_on_phone}"]
    details = []
    for (width, height), results in audits.items():
        assert results, "no pages in the built site"
        version = next(iter(results.values()))["version"]
        report.append(f"axe-core {version}, WCAG 2 A/AA, at {width}x{height}: violating elements\n"
                      f"{table(results)}")
        details += [f"{page} at {width} px: {v['impact']} {v['id']} ({v['help']}): "
                    f"{', '.join(v['targets'][:4])}"
                    for page, result in results.items() for v in result["violations"]
                    if v["impact"] in FORBIDDEN]
    assert not details, "\n".join(report + details)


def test_restyled_names_text_the_desktop_lacks_or_styles_otherwise():
    body = ["rgb(34, 40, 50)", "rgb(255, 255, 255)", "16px", "400"]
    desktop = {"MAIN1/P0": body, "MAIN1/P1": body, "NAV0/A0": body}
    phone = {"MAIN1/P0": body, "MAIN1/P1": [*body[:2], "14px", "400"], "HEADER0/SPAN2": body}
    assert restyled(phone, desktop) == ["MAIN1/P1", "HEADER0/SPAN2"]
    assert restyled({"MAIN1/P0": body}, desktop) == []
