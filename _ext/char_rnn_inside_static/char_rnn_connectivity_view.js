/* The "connectivity" view of _ext/char_rnn_inside.py: choose a position in a passage, and every
 * character up to it is shaded by how much it moves the model's prediction of the character after it
 * (charRNN.connectivity: the norm of the gradient of log p(next character) with respect to each
 * step's one-hot input), relative to the largest; the readout gives the prediction in words.
 *
 * It only draws. The passage is traced again (charRNN.trace, for the predictions) only when it
 * changes; the shading is computed once per position, at most once per frame while the pointer
 * moves. Each shaded character carries data-connectivity (the norm) and data-share (norm / largest),
 * the readout data-position, data-predicted, data-predicted-probability, data-next and
 * data-next-probability: the page's tests compare them with charRNN.
 */
(function () {
  "use strict";

  const inside = window.charRNNInside;
  const STRONGEST = 3; // earlier characters the readout names

  function setUp(root) {
    const part = inside.parts(root);
    const charRNN = window.charRNN;
    const textBox = part("text");
    const readout = part("readout");
    let traced = null; // {text, chars, probabilities} of the passage drawn
    let shaded = null; // the position whose shading is drawn
    let wanted = null; // the position to shade at the next frame
    let frame = 0;

    function clearReadout(text) {
      readout.textContent = text;
      for (const key of ["position", "predicted", "predictedProbability", "next", "nextProbability"]) {
        delete readout.dataset[key];
      }
    }

    function unshade(span) {
      inside.unpaint(span);
      delete span.dataset.connectivity;
      delete span.dataset.share;
      delete span.dataset.next;
    }

    /* Shade the characters up to `position` (null: none) and say what the model predicts there. */
    function shade(position) {
      if (traced === null || position === shaded) return;
      shaded = position;
      const spans = passage.spans();
      if (position === null) {
        spans.forEach(unshade);
        clearReadout("Choose a character to shade the passage before it.");
        return;
      }
      const norms = charRNN.connectivity(traced.text, position);
      const largest = Math.max(...norms);
      const share = (t) => (largest > 0 ? norms[t] / largest : 0);
      spans.forEach((span, t) => {
        if (t > position) {
          unshade(span);
          return;
        }
        inside.paint(span, "share", share(t));
        span.dataset.connectivity = String(norms[t]);
        span.dataset.share = String(share(t));
      });
      spans[position + 1].dataset.next = "";
      const probabilities = traced.probabilities[position];
      const [predicted] = inside.likeliest(probabilities, 1);
      const next = traced.chars[position + 1];
      const nextProbability = probabilities[charRNN.vocabulary.indexOf(next.toLowerCase())];
      const strongest = Array.from(norms.keys()).sort((a, b) => norms[b] - norms[a] || b - a).slice(0, STRONGEST);
      Object.assign(readout.dataset, {position: position, predicted: predicted.char,
                                      predictedProbability: predicted.probability, next: next,
                                      nextProbability: nextProbability});
      readout.textContent = `Position ${position}, after ${inside.shown(traced.chars[position])}: the model ` +
        `predicts ${inside.shown(predicted.char)} (${inside.percent(predicted.probability)}); the passage goes ` +
        `on with ${inside.shown(next)} (${inside.percent(nextProbability)}), whose log-probability the shading ` +
        "traces back. Largest gradients: " +
        strongest.map((t) => `${inside.shown(traced.chars[t])} at ${t} (${share(t).toFixed(2)})`).join(", ") + ".";
    }

    /* Shade at the next frame: a pointer crossing many characters costs one computation per frame. */
    function show(position) {
      wanted = position;
      if (!frame) {
        frame = requestAnimationFrame(() => {
          frame = 0;
          shade(wanted);
        });
      }
    }

    const passage = inside.passage(part("passage"), show);

    /* Trace the passage if it changed and draw it; the last character has no next one to predict. */
    function render() {
      const text = textBox.value;
      const problem = inside.textProblem("Passage", text, 2, Number(textBox.dataset.max));
      if (problem) {
        traced = null;
        shaded = null;
        passage.draw("", 0);
        clearReadout("");
        inside.showMessage(root, problem);
        return;
      }
      if (!traced || traced.text !== text) {
        traced = {text: text, chars: Array.from(text), probabilities: charRNN.trace(text).probabilities};
        shaded = null;
        passage.draw(text, traced.chars.length - 1);
        if (passage.selected() === null) passage.select(traced.chars.length - 2); // the passage's last prediction
      }
      inside.clearMessage(root);
    }

    inside.watchText(root, render);
    render();
  }

  inside.setUpViews("connectivity", setUp);
})();
