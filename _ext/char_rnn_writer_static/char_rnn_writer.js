/* The char-RNN writer widget: a seed text, a temperature, a length and a seed in, the model's
 * continuation out (_ext/char_rnn_writer.py writes its HTML; it finds the parts by data-role).
 *
 * It only reads the fields and draws: the model is window.charRNN, defined by char_rnn_engine.js,
 * which the page loads before this script. The widget writes with charRNN.generator, in chunks of
 * a few milliseconds so that the page stays responsive, and checks the fields itself, to answer in
 * their words ("Seed text", "Temperature") rather than in the API's.
 */
(function () {
  "use strict";

  const charRNN = window.charRNN;
  const ready = charRNN ? charRNN.ready
    : Promise.reject(new Error("charRNN: char_rnn_engine.js did not load, so window.charRNN is missing."));
  ready.catch(() => {}); // each widget shows the error; no unhandled rejection in the console

  const CHUNK_MILLISECONDS = 15; // write for this long, then let the browser paint
  const WHOLE_NUMBER = /^[0-9]+$/; // digits only: no "0x10", "1e2", "12.0" or "-3"
  /* A whole number typed in a box (spaces around it are ignored), or null. */
  function wholeNumber(typed) {
    const value = typed.trim();
    return WHOLE_NUMBER.test(value) ? Number(value) : null;
  }

  /* What the reader typed, quoted, or "nothing". */
  function received(typed) {
    return typed === "" ? "nothing" : `"${typed}"`;
  }

  function setUpWidget(root) {
    const $ = (name) => root.querySelector(`[data-role="${name}"]`);
    const form = root.querySelector("form");
    const seedText = $("text");
    const slider = $("temperature-slider");
    const temperatureBox = $("temperature");
    const lengthBox = $("length");
    const seedBox = $("seed");
    const button = $("write");
    const message = $("message");
    const output = $("output");
    const status = $("status");
    const minTemperature = Number(slider.min);
    const maxTemperature = Number(slider.max);
    const maxLength = Number(lengthBox.dataset.max);
    let run = 0; // a new run stops the one in progress

    slider.addEventListener("input", () => { temperatureBox.value = slider.value; });
    temperatureBox.addEventListener("input", () => {
      const value = Number(temperatureBox.value);
      if (temperatureBox.value !== "" && value >= minTemperature && value <= maxTemperature) {
        slider.value = String(value);
      }
    });

    /* An error replaces the previous output and its status. */
    function showError(text) {
      run++;
      message.textContent = text;
      message.hidden = false;
      output.textContent = "";
      status.textContent = "";
      root.dataset.state = "error";
    }

    /* The widget's settings, or a message saying what is wrong with them, in the fields' words. */
    function settings() {
      const text = seedText.value;
      if (text.length === 0) return {error: "Seed text is empty: type a few characters for the model to continue."};
      const unknown = charRNN.unknownCharacters(text);
      if (unknown.length) {
        const named = unknown.map(charRNN.describeCharacter).join(", ");
        return {error: `Seed text contains characters the model never saw: ${named}. ` +
                       `Use ${charRNN.describeVocabulary()}`}; // ends with the marks: no full stop after "?"
      }
      // A number box holds "" when what was typed is not a number.
      const temperature = temperatureBox.value.trim() === "" ? NaN : Number(temperatureBox.value);
      if (!(temperature >= minTemperature && temperature <= maxTemperature)) {
        const typed = temperatureBox.validity.badInput ? "something that is not a number" :
          received(temperatureBox.value);
        return {error: `Temperature must be a number from ${minTemperature} to ${maxTemperature}. ` +
                       `Received: ${typed}.`};
      }
      const nChars = wholeNumber(lengthBox.value);
      if (nChars === null || nChars < 1 || nChars > maxLength) {
        return {error: `Characters to write must be a whole number from 1 to ${maxLength}, in digits. ` +
                       `Received: ${received(lengthBox.value)}.`};
      }
      const seedValue = seedBox.value.trim();
      const seed = seedValue === "" ? undefined : wholeNumber(seedValue);
      if (seed === null || seed > charRNN.maxSeed) {
        return {error: `Random seed must be a whole number from 0 to ${charRNN.maxSeed}, in digits, ` +
                       `or empty for a new sample each time. Received: ${received(seedBox.value)}.`};
      }
      return {text: text, options: {nChars: nChars, temperature: temperature, seed: seed}};
    }

    function write() {
      const chosen = settings();
      if (chosen.error) {
        showError(chosen.error);
        return;
      }
      const thisRun = ++run;
      const job = charRNN.generator(chosen.text, chosen.options); // settings() made the API's checks
      message.textContent = "";
      message.hidden = true;
      root.dataset.state = "writing";
      output.textContent = chosen.text;
      status.textContent = "Writing…";
      const start = performance.now();
      let written = 0;
      function chunk() {
        if (thisRun !== run) return;
        const stop = performance.now() + CHUNK_MILLISECONDS;
        let piece = "";
        let next;
        while (!(next = job.characters.next()).done) {
          piece += next.value;
          if (performance.now() > stop) break;
        }
        written += piece.length;
        output.append(piece);
        if (!next.done) {
          setTimeout(chunk, 0);
          return;
        }
        const seconds = (performance.now() - start) / 1000;
        status.textContent = `${written} characters in ${seconds.toFixed(2)} s ` +
          `(${Math.round(written / Math.max(seconds, 1e-3))} characters/s), random seed ${job.seed}.`;
        root.dataset.state = "done";
      }
      setTimeout(chunk, 0);
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault(); // Enter in a box, or the button: write, and stay on the page
      write();
    });
    // In the seed text Enter is a line break; Ctrl+Enter (Cmd+Enter) writes.
    seedText.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !button.disabled) {
        event.preventDefault();
        write();
      }
    });
    ready.then(() => {
      button.disabled = false;
      root.dataset.state = "ready";
      const checkpoint = charRNN.checkpoint || {};
      status.textContent = `The course's checkpoint is loaded (${checkpoint.epochs} epochs, ` +
        `held-out loss ${checkpoint.val_loss}): type a seed and press Write.`;
    }, (error) => {
      console.error(error); // the developer's detail; the reader gets what to do
      showError("The model could not be loaded, so the writer cannot run. Reload the page; if this " +
                "message comes back, the copy of the site you are reading lacks the model's files " +
                "(char_rnn.web.js, char_rnn_engine.js): please report it.");
      root.dataset.state = "failed";
    });
  }

  function setUpWidgets() {
    document.querySelectorAll(".char-rnn-writer").forEach(setUpWidget);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpWidgets);
  } else {
    setUpWidgets();
  }
})();
