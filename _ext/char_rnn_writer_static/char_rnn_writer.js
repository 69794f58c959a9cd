/* The course's char-RNN writing in the page: Keras 3's GRU and Dense layers in plain JavaScript.
 *
 * The weights come from char_rnn.web.js (written by `python -m companion.export_char_rnn`),
 * loaded before this script: it sets window.charRNNWeights = {manifest, weights (base64)}.
 * No library and no network access, so the page also works offline and from file://.
 *
 * What it computes is the chapter's OneStepGenerator: read the seed text one character at a
 * time from zero states, carrying each GRU's state, then sample a character from
 * softmax(log(p) / T), feed it back as the next input, and so on, one step per character.
 *
 * API, for the page's tests and for readers at the browser console:
 *   charRNN.ready                     a Promise, resolved once the weights are decoded
 *   charRNN.vocabulary                the characters in class order (class k = tokenizer id k + 1)
 *   charRNN.nextCharProbabilities(t)  the max_id probabilities after reading t from zero states
 *   charRNN.generate(t, {nChars, temperature, seed})   t followed by nChars sampled characters
 */
(function () {
  "use strict";

  const FORMAT = "rnn-course/char-rnn-web/1";
  const MAX_CHARS = 100000;
  const UINT32_RANGE = 4294967296;
  const exported = window.charRNNWeights;
  const vocabulary = Object.freeze(
    exported && exported.manifest && Array.isArray(exported.manifest.vocabulary)
      ? exported.manifest.vocabulary.slice() : []);
  const classOf = new Map(vocabulary.map((char, index) => [char, index]));
  let model = null; // set by load(): {gru: [layer, layer], dense: layer}

  // --- the weights --------------------------------------------------------------------------

  function decodeBase64(text) {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  /* The float32 array of one manifest entry, read little-endian whatever the host's order. */
  function readArray(view, spec) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const array = new Float32Array(count);
    for (let i = 0; i < count; i++) array[i] = view.getFloat32(spec.offset + 4 * i, true);
    return array;
  }

  function load() {
    if (!exported || !exported.manifest) {
      throw new Error("charRNN: the weights did not load (window.charRNNWeights is missing): " +
                      "char_rnn.web.js must be loaded before char_rnn_writer.js.");
    }
    const manifest = exported.manifest;
    if (manifest.format !== FORMAT || manifest.dtype !== "float32") {
      throw new Error(`charRNN: expected weights in format ${FORMAT} (float32), received ` +
                      `${manifest.format} (${manifest.dtype}): re-export the checkpoint.`);
    }
    const bytes = decodeBase64(exported.weights);
    if (bytes.length !== manifest.bytes) {
      throw new Error(`charRNN: expected ${manifest.bytes} bytes of weights, received ${bytes.length}.`);
    }
    const view = new DataView(bytes.buffer);
    const gru = [];
    let dense = null;
    let inputSize = vocabulary.length;
    for (const layer of manifest.layers) {
      const w = layer.weights;
      if (layer.class === "GRU") {
        const units = layer.units;
        const bias = readArray(view, w.bias); // [2, 3 units]: input bias, then recurrent bias
        gru.push({
          units: units, inputSize: inputSize,
          kernel: readArray(view, w.kernel), // [inputSize, 3 units], gates z, r, h
          recurrentKernel: readArray(view, w.recurrent_kernel), // [units, 3 units]
          inputBias: bias.subarray(0, 3 * units),
          recurrentBias: bias.subarray(3 * units),
        });
        inputSize = units;
      } else if (layer.class === "Dense") {
        dense = {units: layer.units, inputSize: inputSize,
                 kernel: readArray(view, w.kernel), bias: readArray(view, w.bias)};
      } else {
        throw new Error(`charRNN: unsupported layer class ${layer.class} in the weights.`);
      }
    }
    if (!gru.length || !dense || dense.units !== vocabulary.length) {
      throw new Error("charRNN: expected GRU layers and a Dense softmax over the vocabulary.");
    }
    model = {gru: gru, dense: dense};
  }

  // --- the forward pass: one time step -------------------------------------------------------

  function sigmoid(x) {
    return 1 / (1 + Math.exp(-x));
  }

  /* x·W + b for one row-major matrix W [inputs, outputs]; x is a vector or a class id (one-hot). */
  function affine(x, matrix, bias, outputs) {
    const result = Float64Array.from(bias);
    if (typeof x === "number") { // a one-hot input selects row x of the matrix
      const row = x * outputs;
      for (let j = 0; j < outputs; j++) result[j] += matrix[row + j];
      return result;
    }
    for (let i = 0; i < x.length; i++) {
      const xi = x[i];
      const row = i * outputs;
      for (let j = 0; j < outputs; j++) result[j] += xi * matrix[row + j];
    }
    return result;
  }

  /* keras.layers.GRU's cell, reset_after=True: gates z (update), r (reset), h (candidate). */
  function gruStep(layer, x, hPrev) {
    const n = layer.units;
    const xw = affine(x, layer.kernel, layer.inputBias, 3 * n); // x W + b_input
    const hu = affine(hPrev, layer.recurrentKernel, layer.recurrentBias, 3 * n); // h U + b_rec
    const h = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const z = sigmoid(xw[k] + hu[k]);
      const r = sigmoid(xw[n + k] + hu[n + k]);
      const candidate = Math.tanh(xw[2 * n + k] + r * hu[2 * n + k]);
      h[k] = z * hPrev[k] + (1 - z) * candidate;
    }
    return h;
  }

  /* One character (class id) in, the next character's probabilities and the new states out. */
  function step(classId, states) {
    let x = classId;
    const next = model.gru.map((layer, i) => (x = gruStep(layer, x, states[i])));
    const logits = affine(x, model.dense.kernel, model.dense.bias, model.dense.units);
    let max = -Infinity;
    for (const value of logits) max = Math.max(max, value);
    let sum = 0;
    for (let j = 0; j < logits.length; j++) sum += (logits[j] = Math.exp(logits[j] - max));
    for (let j = 0; j < logits.length; j++) logits[j] /= sum;
    return {probabilities: logits, states: next};
  }

  // --- arguments -----------------------------------------------------------------------------

  function checkReady(caller) {
    if (!model) {
      throw new Error(`charRNN.${caller}: the weights are not loaded yet. ` +
                      "Wait for them first: await charRNN.ready");
    }
  }

  /* The characters of `text` as typed whose lower case the model never saw, each once. */
  function unknownCharacters(text) {
    const known = (char) => Array.from(char.toLowerCase()).every((lower) => classOf.has(lower));
    return [...new Set(Array.from(text).filter((char) => !known(char)))];
  }

  /* The class ids of `text`, lower-cased as the course's CharTokenizer does. */
  function encode(caller, text) {
    if (typeof text !== "string" || text.length === 0) {
      throw new Error(`charRNN.${caller}: argument "text" must be a string of at least one ` +
                      `character (the seed the model reads). Received: ${JSON.stringify(text)}`);
    }
    const unknown = unknownCharacters(text);
    if (unknown.length) {
      throw new Error(`charRNN.${caller}: argument "text" contains characters the model never saw: ` +
                      `${unknown.map((char) => JSON.stringify(char)).join(", ")}. Known characters ` +
                      `(upper case is read as lower case): ${JSON.stringify(vocabulary.join(""))}`);
    }
    return Array.from(text.toLowerCase()).map((char) => classOf.get(char));
  }

  function checkOptions(options) {
    if (options === undefined || options === null) options = {};
    if (typeof options !== "object" || Array.isArray(options)) {
      throw new Error("charRNN.generate: argument \"options\" must be an object such as " +
                      `{nChars: 300, temperature: 0.7, seed: 42}. Received: ${String(options)}`);
    }
    const unknown = Object.keys(options).filter((k) => !["nChars", "temperature", "seed"].includes(k));
    if (unknown.length) {
      throw new Error(`charRNN.generate: unknown option(s) ${unknown.join(", ")}. ` +
                      "Expected nChars, temperature and seed.");
    }
    const nChars = options.nChars === undefined ? 50 : options.nChars;
    if (!Number.isInteger(nChars) || nChars < 0 || nChars > MAX_CHARS) {
      throw new Error(`charRNN.generate: option "nChars" must be an integer from 0 to ${MAX_CHARS}. ` +
                      `Received: nChars=${String(nChars)}`);
    }
    const temperature = options.temperature === undefined ? 1 : options.temperature;
    if (typeof temperature !== "number" || !Number.isFinite(temperature) || temperature <= 0) {
      throw new Error("charRNN.generate: option \"temperature\" must be a finite number > 0 (near 0: " +
                      "the likeliest characters; 1: the model's distribution; > 1: closer to uniform). " +
                      `Received: temperature=${String(temperature)}`);
    }
    let seed = options.seed;
    if (seed === undefined || seed === null) {
      seed = Math.floor(Math.random() * UINT32_RANGE);
    } else if (!Number.isInteger(seed) || seed < 0 || seed >= UINT32_RANGE) {
      throw new Error("charRNN.generate: option \"seed\" must be an integer from 0 to " +
                      `${UINT32_RANGE - 1} (or left out for a random one). Received: seed=${String(seed)}`);
    }
    return {nChars: nChars, temperature: temperature, seed: seed};
  }

  // --- reading and sampling ------------------------------------------------------------------

  /* Feed the classes one at a time from zero states (OneStepGenerator.read). */
  function read(ids) {
    let states = model.gru.map((layer) => new Float64Array(layer.units));
    let probabilities = null;
    for (const id of ids) ({probabilities, states} = step(id, states));
    return {probabilities: probabilities, states: states};
  }

  /* The sampled distribution, as companion.generation.sampling_distribution: softmax(log(p) / T). */
  function samplingDistribution(probabilities, temperature) {
    const logits = probabilities.map((p) => Math.log(p) / temperature);
    let max = -Infinity;
    for (const value of logits) max = Math.max(max, value);
    let sum = 0;
    for (let j = 0; j < logits.length; j++) sum += (logits[j] = Math.exp(logits[j] - max));
    return logits.map((weight) => weight / sum);
  }

  /* The class whose cumulative probability first exceeds u in [0, 1). */
  function draw(distribution, u) {
    let cumulative = 0;
    let last = 0;
    for (let j = 0; j < distribution.length; j++) {
      if (distribution[j] > 0) last = j;
      cumulative += distribution[j];
      if (u < cumulative) return j;
    }
    return last; // rounding left u just above the total
  }

  /* mulberry32: a small seeded generator of uniform numbers in [0, 1). */
  function mulberry32(seed) {
    let a = seed >>> 0;
    return function () {
      a = (a + 0x6D2B79F5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / UINT32_RANGE;
    };
  }

  /* Checks the arguments now; returns the seed used and an iterator over the new characters. */
  function writer(text, options) {
    checkReady("generate");
    const ids = encode("generate", text);
    const settings = checkOptions(options);
    function* characters() {
      const random = mulberry32(settings.seed);
      let {probabilities, states} = read(ids);
      for (let i = 0; i < settings.nChars; i++) {
        const id = draw(samplingDistribution(probabilities, settings.temperature), random());
        yield vocabulary[id];
        if (i + 1 < settings.nChars) ({probabilities, states} = step(id, states));
      }
    }
    return {seed: settings.seed, characters: characters()};
  }

  const ready = new Promise((resolve, reject) => {
    try {
      load();
      resolve();
    } catch (error) {
      reject(error);
    }
  });
  ready.catch(() => {}); // the widget shows the error; no unhandled rejection in the console

  window.charRNN = Object.freeze({
    ready: ready,
    vocabulary: vocabulary,
    nextCharProbabilities(text) {
      checkReady("nextCharProbabilities");
      return Array.from(read(encode("nextCharProbabilities", text)).probabilities);
    },
    generate(text, options) {
      let result = text;
      for (const char of writer(text, options).characters) result += char;
      return result;
    },
  });

  // --- the widget ----------------------------------------------------------------------------

  const CHUNK_MILLISECONDS = 15; // write for this long, then let the browser paint
  const WHOLE_NUMBER = /^[0-9]+$/; // digits only: no "0x10", "1e2", "12.0" or "-3"
  const NAMES = {"\n": "line break", "\t": "tab", "\r": "carriage return", " ": "space",
                 "\u00a0": "no-break space"};

  /* A character as the reader can read it: "É", or a name for what cannot be seen. */
  function shown(char) {
    if (NAMES[char]) return NAMES[char];
    if (/^[\p{L}\p{N}\p{P}\p{S}]$/u.test(char)) return `"${char}"`;
    return `U+${char.codePointAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
  }

  /* The vocabulary in words: "spaces, line breaks, the letters a–z (...), the digit 3 and the marks ! $ ?". */
  function describeVocabulary() {
    const letters = vocabulary.filter((char) => /\p{L}/u.test(char)).sort();
    const digits = vocabulary.filter((char) => /\p{N}/u.test(char)).sort();
    const named = vocabulary.filter((char) => NAMES[char]).map((char) => `${NAMES[char]}s`);
    const marks = vocabulary.filter((char) => !/[\p{L}\p{N}]/u.test(char) && !NAMES[char]).sort();
    const span = letters.join("") === "abcdefghijklmnopqrstuvwxyz" ? "a–z" : letters.join(" ");
    const parts = [...named, `the letters ${span} (capitals count as small letters)`];
    if (digits.length) parts.push(`the digit${digits.length > 1 ? "s" : ""} ${digits.join(" ")}`);
    if (marks.length) parts.push(`the marks ${marks.join(" ")}`);
    return `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
  }

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
      const unknown = unknownCharacters(text);
      if (unknown.length) {
        return {error: `Seed text contains characters the model never saw: ${unknown.map(shown).join(", ")}. ` +
                       `Use ${describeVocabulary()}`}; // ends with the marks: no full stop after "?"
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
      if (seed === null || seed >= UINT32_RANGE) {
        return {error: `Random seed must be a whole number from 0 to ${UINT32_RANGE - 1}, in digits, ` +
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
      const job = writer(chosen.text, chosen.options); // the settings passed the API's checks above
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
      const checkpoint = exported.manifest.checkpoint || {};
      status.textContent = `The course's checkpoint is loaded (${checkpoint.epochs} epochs, ` +
        `held-out loss ${checkpoint.val_loss}): type a seed and press Write.`;
    }, (error) => {
      console.error(error); // the developer's detail; the reader gets what to do
      showError("The model could not be loaded, so the writer cannot run. Reload the page; if this " +
                "message comes back, the copy of the site you are reading lacks the model's weights " +
                "(char_rnn.web.js): please report it.");
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
