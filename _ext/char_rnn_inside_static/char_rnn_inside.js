/* Drawing helpers shared by the views of _ext/char_rnn_inside.py: colour scales and their legends,
 * the passage drawn as characters the reader can select (pointer, touch or keyboard), the bars of the
 * likeliest next characters, characters and numbers in words, checking what the reader typed, and
 * starting a view once the model is in. Plain script (no modules: the page also works from file://);
 * it defines window.charRNNInside. The model is window.charRNN (char_rnn_engine.js, loaded before).
 */
(function () {
  "use strict";

  const DEBOUNCE_MILLISECONDS = 250; // the passage is traced again this long after the last key
  const NEWLINE_GLYPH = "\u23ce"; // a line break is drawn as "⏎" before the break itself, as in the figures

  // --- colours ------------------------------------------------------------------------------

  /* Colour stops [value, [r, g, b]], interpolated in sRGB; all three are colour-blind safe. */
  const SCALES = {
    state: [[-1, [33, 102, 172]], [0, [247, 247, 247]], [1, [178, 24, 43]]], // blue, white, red (RdBu)
    gate: [[0, [247, 247, 247]], [1, [37, 37, 37]]], // pale: overwrites; dark: keeps
    share: [[0, [255, 245, 235]], [0.5, [253, 141, 60]], [1, [127, 39, 4]]], // oranges
  };

  /* The colour of `value` on `scale` ("state", "gate" or "share"), values outside it clamped. */
  function rgb(scale, value) {
    const stops = SCALES[scale];
    const clamped = Math.min(Math.max(value, stops[0][0]), stops[stops.length - 1][0]);
    let i = 1;
    while (i < stops.length - 1 && clamped > stops[i][0]) i++;
    const [low, lowColour] = stops[i - 1];
    const [high, highColour] = stops[i];
    const f = (clamped - low) / (high - low);
    return lowColour.map((c, k) => Math.round(c + f * (highColour[k] - c)));
  }

  function css(colour) {
    return `rgb(${colour.join(", ")})`;
  }

  /* WCAG's relative luminance of an sRGB colour. */
  function luminance(colour) {
    const [r, g, b] = colour.map((c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }

  /* A character's background from `scale`, its text black or white, whichever contrasts more
   * (at least 4.58:1 for any background). */
  function paint(element, scale, value) {
    const colour = rgb(scale, value);
    const l = luminance(colour);
    element.style.backgroundColor = css(colour);
    element.style.color = (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? "#000" : "#fff";
  }

  function unpaint(element) {
    element.style.backgroundColor = "";
    element.style.color = "";
    element.style.borderBottomColor = "";
  }

  /* Each legend's bar ([data-scale]) as a gradient over its scale, from the same stops. */
  function drawLegends(root) {
    root.querySelectorAll("[data-scale]").forEach((bar) => {
      const stops = SCALES[bar.dataset.scale];
      const low = stops[0][0];
      const high = stops[stops.length - 1][0];
      const colours = Array.from({length: 11}, (_, i) => css(rgb(bar.dataset.scale, low + (high - low) * i / 10)));
      bar.style.backgroundImage = `linear-gradient(to right, ${colours.join(", ")})`;
    });
  }

  // --- characters and numbers in words ------------------------------------------------------

  /* A character as the reader can read it (the engine's wording, shared with the writer). */
  function shown(char) {
    return window.charRNN.describeCharacter(char);
  }

  /* `value` with `digits` decimals and a true minus sign ("−0.41"; no sign on a rounded 0). */
  function signed(value, digits) {
    const text = value.toFixed(digits);
    return Number(text) === 0 ? (0).toFixed(digits) : text.replace("-", "\u2212");
  }

  /* A probability as a percentage: "41 %", "4.2 %". */
  function percent(p) {
    return p >= 0.095 ? `${Math.round(100 * p)} %` : `${(100 * p).toFixed(1)} %`;
  }

  /* What is wrong with the passage `text` typed in the box `field`, in the box's words, or null.
   * `minimum`: the characters the view needs; `maximum`: the box's data-max. */
  function textProblem(field, text, minimum, maximum) {
    const chars = Array.from(text);
    if (chars.length === 0) return `${field} is empty: type a few characters for the model to read.`;
    if (chars.length < minimum) {
      return `${field} needs at least ${minimum} characters: the model reads up to one and predicts the next. ` +
             `Received: ${chars.length}.`;
    }
    if (chars.length > maximum) {
      return `${field} is longer than ${maximum} characters: shorten it. Received: ${chars.length} characters.`;
    }
    const unknown = window.charRNN.unknownCharacters(text);
    if (unknown.length) {
      return `${field} contains characters the model never saw: ${unknown.map(shown).join(", ")}. ` +
             `Use ${window.charRNN.describeVocabulary()}`; // ends with the marks: no full stop after "?"
    }
    return null;
  }

  // --- the passage, one selectable character per span ---------------------------------------

  /* The passage drawn in `box` (a listbox, one tab stop): the arrow keys, Home and End move the
   * selection (aria-activedescendant), a click or a tap selects, a moving pointer previews.
   * onShow(index) is called with the character to show (the one pointed at, else the selected one,
   * else null). Returns {draw(text, selectable), select(index), refresh(), spans(), selected()}. */
  function passage(box, onShow) {
    let spans = [];
    let selectable = 0; // the first `selectable` characters can be chosen
    let selected = null;
    let pointed = null;

    function indexOf(target) {
      const span = target.closest && target.closest("[role='option']");
      if (!span || !box.contains(span)) return null;
      const index = Number(span.dataset.index);
      return index < selectable ? index : null;
    }

    function refresh() {
      onShow(pointed !== null ? pointed : selected);
    }

    /* Scroll the box (never the page) so that the span shows. */
    function keepVisible(span) {
      const top = span.offsetTop;
      const bottom = top + span.offsetHeight;
      if (top < box.scrollTop) box.scrollTop = top;
      else if (bottom > box.scrollTop + box.clientHeight) box.scrollTop = bottom - box.clientHeight;
    }

    function select(index) {
      if (selected !== null && spans[selected]) spans[selected].removeAttribute("aria-selected");
      selected = index;
      if (index === null) {
        box.removeAttribute("aria-activedescendant");
      } else {
        spans[index].setAttribute("aria-selected", "true");
        box.setAttribute("aria-activedescendant", spans[index].id);
        keepVisible(spans[index]);
      }
      refresh();
    }

    function draw(text, count) {
      spans = Array.from(text, (char, index) => {
        const span = document.createElement("span");
        span.id = `${box.id}-${index}`;
        span.setAttribute("role", "option");
        span.dataset.index = String(index);
        span.textContent = char === "\n" ? `${NEWLINE_GLYPH}\n` : char;
        const name = window.charRNN.characterNames[char];
        if (name) span.setAttribute("aria-label", name);
        if (index >= count) span.setAttribute("aria-disabled", "true");
        return span;
      });
      box.replaceChildren(...spans);
      selectable = count;
      pointed = null;
      const keep = selected === null || count === 0 ? null : Math.min(selected, count - 1);
      selected = null;
      if (keep === null) box.removeAttribute("aria-activedescendant");
      select(keep);
    }

    let pointer = null; // where the pointer last moved, "x,y"
    box.addEventListener("pointermove", (event) => {
      const where = `${event.clientX},${event.clientY}`;
      if (where === pointer) return; // the text scrolled under a still pointer: the keyboard leads
      pointer = where;
      const index = indexOf(event.target);
      if (index !== pointed) {
        pointed = index;
        refresh();
      }
    });
    box.addEventListener("pointerleave", () => {
      if (pointed !== null) {
        pointed = null;
        refresh();
      }
    });
    box.addEventListener("click", (event) => {
      const index = indexOf(event.target);
      if (index !== null) select(index);
    });
    // Tabbing in (not clicking: the click selects) selects the first character when none is.
    box.addEventListener("focus", () => {
      if (selected === null && selectable > 0 && box.matches(":focus-visible")) select(0);
    });
    box.addEventListener("keydown", (event) => {
      if (selectable === 0 || event.altKey || event.ctrlKey || event.metaKey) return;
      const current = selected === null ? -1 : selected;
      const moves = {ArrowLeft: current - 1, ArrowUp: current - 1, ArrowRight: current + 1,
                     ArrowDown: current + 1, Home: 0, End: selectable - 1};
      if (!(event.key in moves)) return;
      event.preventDefault(); // the box, not the page, moves
      pointed = null;
      select(Math.min(Math.max(moves[event.key], 0), selectable - 1));
    });

    return {draw: draw, select: select, refresh: refresh,
            spans: () => spans, selected: () => selected};
  }

  // --- the next characters ------------------------------------------------------------------

  /* The `count` likeliest classes of `distribution`: [{char, probability}], likeliest first. */
  function likeliest(distribution, count) {
    const vocabulary = window.charRNN.vocabulary;
    return Array.from(distribution.keys())
      .sort((a, b) => distribution[b] - distribution[a] || a - b)
      .slice(0, count)
      .map((index) => ({char: vocabulary[index], probability: distribution[index]}));
  }

  /* `top` ({char, probability}) as bars in the list `list`, each item with data-char and data-probability. */
  function drawBars(list, top) {
    list.replaceChildren(...top.map(({char, probability}) => {
      const item = document.createElement("li");
      item.dataset.char = char;
      item.dataset.probability = String(probability);
      const name = document.createElement("span");
      name.className = "char-rnn-inside-bar-char";
      name.textContent = shown(char);
      const track = document.createElement("span");
      track.className = "char-rnn-inside-bar-track";
      const bar = document.createElement("span");
      bar.className = "char-rnn-inside-bar";
      bar.style.width = `${(100 * probability).toFixed(2)}%`;
      track.append(bar);
      const value = document.createElement("span");
      value.className = "char-rnn-inside-bar-value";
      value.textContent = percent(probability);
      item.append(name, track, value);
      return item;
    }));
  }

  // --- a view's life ------------------------------------------------------------------------

  /* The element of `root` with data-role `role`. */
  function parts(root) {
    return (role) => root.querySelector(`[data-role="${role}"]`);
  }

  function showMessage(root, text) {
    const message = parts(root)("message");
    message.textContent = text;
    message.hidden = false;
    root.dataset.state = "error";
  }

  function clearMessage(root) {
    const message = parts(root)("message");
    message.textContent = "";
    message.hidden = true;
    root.dataset.state = "ready";
  }

  /* Calls render() when the passage box changes, once the reader pauses (state "pending" until then). */
  function watchText(root, render) {
    const box = parts(root)("text");
    let timer = 0;
    box.addEventListener("input", () => {
      root.dataset.state = "pending";
      clearTimeout(timer);
      timer = setTimeout(render, DEBOUNCE_MILLISECONDS);
    });
  }

  function failed(root, error) {
    console.error(error); // the developer's detail; the reader gets what to do
    showMessage(root, "The model could not be loaded, so this view cannot run. Reload the page; if this " +
                      "message comes back, the copy of the site you are reading lacks the model's weights " +
                      "(char_rnn.web.js): please report it.");
    parts(root)("status").textContent = "";
    root.dataset.state = "failed";
  }

  /* Runs setUp(root, data) for each view `view` of the page once the model is loaded; data is the
   * page data the widget embeds ({passage, units}), and the passage box starts with its passage. */
  function setUpViews(view, setUp) {
    function start() {
      document.querySelectorAll(`.char-rnn-inside[data-view="${view}"]`).forEach((root) => {
        const part = parts(root);
        const data = JSON.parse(part("data").textContent);
        drawLegends(root);
        part("text").value = data.passage;
        const model = window.charRNN;
        if (!model || !model.ready) {
          failed(root, new Error("charRNNInside: window.charRNN is missing: char_rnn_engine.js must load first."));
          return;
        }
        model.ready.then(() => {
          part("status").textContent = "";
          setUp(root, data);
        }, (error) => failed(root, error));
      });
    }
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }

  window.charRNNInside = Object.freeze({
    rgb: rgb, css: css, paint: paint, unpaint: unpaint, shown: shown, signed: signed, percent: percent,
    textProblem: textProblem, passage: passage, likeliest: likeliest, drawBars: drawBars, parts: parts,
    showMessage: showMessage, clearMessage: clearMessage, watchText: watchText, setUpViews: setUpViews,
  });
})();
