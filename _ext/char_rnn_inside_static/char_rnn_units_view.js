/* The "units" view of _ext/char_rnn_inside.py: a passage coloured by one GRU unit's state h, a bar
 * of the update gate z under each character (the unit's, or its layer's mean), and the five likeliest
 * next characters of the character pointed at or selected, at the slider's temperature.
 *
 * It only draws: charRNN.trace gives h, z and the probabilities (traced again only when the passage
 * changes), charRNN.atTemperature the distribution at a temperature. Each character carries what it
 * shows as data-h and data-z, the readout as data-index, data-h, data-z and data-temperature, each bar
 * as data-char and data-probability: the page's tests compare them with charRNN.
 */
(function () {
  "use strict";

  const inside = window.charRNNInside;
  const TOP = 5; // next characters shown as bars
  const WHOLE_NUMBER = /^[0-9]+$/; // digits only: no "0x10", "1e2", "12.0" or "-3"
  const ANY = "any"; // the picker's value for a unit chosen by layer and number

  function mean(values) {
    let sum = 0;
    for (const value of values) sum += value;
    return sum / values.length;
  }

  function setUp(root, data) {
    const part = inside.parts(root);
    const charRNN = window.charRNN;
    const textBox = part("text");
    const picker = part("unit");
    const anyUnit = part("any-unit");
    const layerBox = part("layer");
    const numberBox = part("number");
    const slider = part("temperature");
    const readout = part("readout");
    const bars = part("bars");
    const gates = Array.from(root.querySelectorAll('[data-role="gate"]'));
    // Units per layer, from the model itself.
    const sizes = charRNN.trace(charRNN.vocabulary[0]).h.map((layer) => layer[0].length);
    let traced = null; // {text, chars, trace, meanZ: [layer][step]} of the passage drawn
    let unit = null; // {layer (1-based), unit} of the colours drawn, or null

    data.units.forEach((found, index) => {
      const option = new Option(`${found.label}: layer ${found.layer}, unit ${found.unit} ` +
                                `(r = ${inside.signed(found.correlation, 3)})`, String(index));
      Object.assign(option.dataset, {feature: found.feature, layer: found.layer, unit: found.unit,
                                     correlation: found.correlation});
      picker.append(option);
    });
    picker.append(new Option("any unit, by layer and number", ANY));
    sizes.forEach((_, index) => layerBox.append(new Option(String(index + 1), String(index + 1))));

    /* The unit chosen, {layer, unit}, or {error} in the fields' words. */
    function chosen() {
      if (picker.value !== ANY) {
        const found = data.units[Number(picker.value)];
        return {layer: found.layer, unit: found.unit};
      }
      const layer = Number(layerBox.value);
      const typed = numberBox.value;
      const value = typed.trim();
      const last = sizes[layer - 1] - 1;
      if (!WHOLE_NUMBER.test(value) || Number(value) > last) {
        return {error: `Unit number must be a whole number from 0 to ${last}, in digits (layer ${layer} has ` +
                       `${last + 1} units). Received: ${typed === "" ? "nothing" : `"${typed}"`}.`};
      }
      return {layer: layer, unit: Number(value)};
    }

    function gateOfLayer() {
      return gates.find((gate) => gate.checked).value === "mean";
    }

    /* The readout and the bars of character `index` (null: what to do instead). */
    function show(index) {
      if (index === null || unit === null) {
        readout.textContent = unit === null ? "" : "Choose a character to read its numbers here.";
        for (const key of ["index", "h", "z", "temperature"]) delete readout.dataset[key];
        bars.replaceChildren();
        return;
      }
      const {trace, meanZ} = traced;
      const l = unit.layer - 1;
      const h = trace.h[l][index][unit.unit];
      const z = gateOfLayer() ? meanZ[l][index] : trace.z[l][index][unit.unit];
      const temperature = Number(slider.value);
      const top = inside.likeliest(charRNN.atTemperature(trace.probabilities[index], temperature), TOP);
      inside.drawBars(bars, top);
      Object.assign(readout.dataset, {index: index, h: h, z: z, temperature: temperature});
      readout.textContent = `Character ${inside.shown(traced.chars[index])}, position ${index}: ` +
        `state h ${inside.signed(h, 2)}, ` +
        `${gateOfLayer() ? "layer's mean update gate" : "update gate"} ${z.toFixed(2)}; most likely next at ` +
        `temperature ${temperature.toFixed(2)}: ` +
        top.map(({char: next, probability}) => `${inside.shown(next)} ${inside.percent(probability)}`).join(", ") +
        ".";
    }

    const passage = inside.passage(part("passage"), show);

    /* Colour every character by the chosen unit (or clear the colours and say what is wrong). */
    function colour() {
      const choice = chosen();
      const spans = passage.spans();
      if (choice.error) {
        unit = null;
        spans.forEach((span) => {
          inside.unpaint(span);
          delete span.dataset.h;
          delete span.dataset.z;
        });
        inside.showMessage(root, choice.error);
        passage.refresh();
        return;
      }
      unit = choice;
      const l = unit.layer - 1;
      const layerMean = gateOfLayer();
      spans.forEach((span, t) => {
        const h = traced.trace.h[l][t][unit.unit];
        const z = layerMean ? traced.meanZ[l][t] : traced.trace.z[l][t][unit.unit];
        inside.paint(span, "state", h);
        span.style.borderBottomColor = inside.css(inside.rgb("gate", z));
        span.dataset.h = String(h);
        span.dataset.z = String(z);
      });
      inside.clearMessage(root);
      passage.refresh();
    }

    /* Trace the passage if it changed, draw it, colour it. */
    function render() {
      const text = textBox.value;
      const problem = inside.textProblem("Passage", text, 1, Number(textBox.dataset.max));
      if (problem) {
        traced = null;
        unit = null;
        passage.draw("", 0);
        inside.showMessage(root, problem);
        return;
      }
      if (!traced || traced.text !== text) {
        const trace = charRNN.trace(text);
        traced = {text: text, chars: Array.from(text), trace: trace, meanZ: trace.z.map((layer) => layer.map(mean))};
        unit = null;
        passage.draw(text, traced.chars.length);
      }
      colour();
    }

    picker.addEventListener("change", () => {
      anyUnit.hidden = picker.value !== ANY;
      if (traced) colour();
    });
    for (const box of [layerBox, numberBox, ...gates]) {
      box.addEventListener(box === numberBox ? "input" : "change", () => {
        if (traced) colour();
      });
    }
    slider.addEventListener("input", () => {
      part("temperature-value").value = Number(slider.value).toFixed(2);
      passage.refresh();
    });
    inside.watchText(root, render);
    anyUnit.hidden = picker.value !== ANY;
    render();
  }

  inside.setUpViews("units", setUp);
})();
