/* The course's char-RNN in plain JavaScript: Keras 3's GRU and Dense layers, forward and backward.
 *
 * The weights come from char_rnn.web.js (written by `python -m companion.export_char_rnn`),
 * loaded before this script: it sets window.charRNNWeights = {manifest, weights (base64)}.
 * No library and no network access, so a page also works offline and from file://. This
 * script only computes; the widgets that draw (char_rnn_writer.js, the views of the page
 * "Inside the char-RNN") load after it and use window.charRNN.
 *
 * The model: one-hot characters [time, 39] -> GRU(128) -> GRU(128) -> Dense softmax(39).
 * What generate computes is the chapter's OneStepGenerator: read the seed text one character
 * at a time from zero states, carrying each GRU's state, then sample a character from
 * softmax(log(p) / T), feed it back as the next input, and so on, one step per character.
 *
 * API, for the pages' tests and for readers at the browser console:
 *   charRNN.ready                     a Promise, resolved once the weights are decoded
 *   charRNN.vocabulary                the characters in class order (class k = tokenizer id k + 1)
 *   charRNN.checkpoint                the checkpoint's {file, sha256, val_loss, epochs}, or null
 *   charRNN.maxSeed                   the largest seed generate takes (seeds run from 0)
 *   charRNN.unknownCharacters(t)      the characters of t (as typed) the model never saw, each once
 *   charRNN.nextCharProbabilities(t)  the next-character probabilities after reading t from zero states
 *   charRNN.generate(t, {nChars, temperature, seed})   t followed by nChars sampled characters
 *   charRNN.generator(t, options)     the same run, one character at a time: {seed, characters}
 *                                     (an iterator over the new characters)
 *   charRNN.trace(t)                  {h, z, r, probabilities} after each step of t, from zero states:
 *                                     h[layer][step][unit], z and r alike, probabilities[step][class]
 *   charRNN.connectivity(t, position) for each step s <= position, how much the character read at s
 *                                     moves log p(t[position + 1]): the Euclidean norm of the gradient
 *                                     with respect to that step's one-hot input (backpropagation
 *                                     through time through both GRU layers)
 *   charRNN.atTemperature(p, T)       the distribution generate samples from: p^(1/T), renormalised
 */
(function () {
  "use strict";

  const FORMAT = "rnn-course/char-rnn-web/1";
  const MAX_CHARS = 100000;
  const UINT32_RANGE = 4294967296;
  const exported = window.charRNNWeights;
  const manifest = exported && exported.manifest;
  const vocabulary = Object.freeze(
    manifest && Array.isArray(manifest.vocabulary) ? manifest.vocabulary.slice() : []);
  const checkpoint = manifest && manifest.checkpoint ? Object.freeze({...manifest.checkpoint}) : null;
  const classOf = new Map(vocabulary.map((char, index) => [char, index]));
  let model = null; // set by load(): {gru: [layer, layer], dense: layer}

  // --- the weights --------------------------------------------------------------------------

  function decodeBase64(text) {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  /* The float32 array of one manifest entry, read little-endian whatever the host's order, as
   * float64 (the arithmetic's type: no conversion in the loops). */
  function readArray(view, spec) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const array = new Float64Array(count);
    for (let i = 0; i < count; i++) array[i] = view.getFloat32(spec.offset + 4 * i, true);
    return array;
  }

  /* A kernel M [inputs, outputs] (row-major, as Keras stores it) in the two layouts the passes
   * read row by row: `rows` = M for the backward pass (M d), `columns` = M transposed for the
   * forward pass (x M). */
  function readMatrix(view, spec) {
    const [inputs, outputs] = spec.shape;
    const rows = readArray(view, spec);
    const columns = new Float64Array(rows.length);
    for (let i = 0; i < inputs; i++) {
      for (let j = 0; j < outputs; j++) columns[j * inputs + i] = rows[i * outputs + j];
    }
    return {inputs: inputs, outputs: outputs, rows: rows, columns: columns};
  }

  function load() {
    if (!manifest) {
      throw new Error("charRNN: the weights did not load (window.charRNNWeights is missing): " +
                      "char_rnn.web.js must be loaded before char_rnn_engine.js.");
    }
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
          kernel: readMatrix(view, w.kernel), // W [inputSize, 3 units], gates z, r, h
          recurrentKernel: readMatrix(view, w.recurrent_kernel), // U [units, 3 units]
          inputBias: bias.subarray(0, 3 * units), // b
          recurrentBias: bias.subarray(3 * units), // c
          xW: new Float64Array(3 * units), // scratch rows of each step: x W + b
          hU: new Float64Array(3 * units), //                              h U + c
        });
        inputSize = units;
      } else if (layer.class === "Dense") {
        dense = {units: layer.units, inputSize: inputSize,
                 kernel: readMatrix(view, w.kernel), bias: readArray(view, w.bias)}; // D, d
      } else {
        throw new Error(`charRNN: unsupported layer class ${layer.class} in the weights.`);
      }
    }
    if (!gru.length || !dense || dense.units !== vocabulary.length) {
      throw new Error("charRNN: expected GRU layers and a Dense softmax over the vocabulary.");
    }
    model = {gru: gru, dense: dense};
  }

  // --- the forward pass ----------------------------------------------------------------------

  function sigmoid(x) {
    return 1 / (1 + Math.exp(-x));
  }

  /* result[i] = sum over j of A[i, j] v[j], for A row-major [result.length, v.length]: the dot
   * product of each row of A with v, in four running sums (faster in V8 than one). */
  function matVec(a, v, result) {
    const columns = v.length;
    const whole = columns - (columns % 4);
    for (let i = 0; i < result.length; i++) {
      const row = i * columns;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let j = 0;
      for (; j < whole; j += 4) {
        s0 += a[row + j] * v[j];
        s1 += a[row + j + 1] * v[j + 1];
        s2 += a[row + j + 2] * v[j + 2];
        s3 += a[row + j + 3] * v[j + 3];
      }
      for (; j < columns; j++) s0 += a[row + j] * v[j];
      result[i] = (s0 + s1) + (s2 + s3);
    }
    return result;
  }

  /* The forward pass through a kernel: result = x M + b [outputs], x a vector [inputs] or a class
   * id (a one-hot x selects row x of M). */
  function affine(x, matrix, bias, result) {
    if (typeof x === "number") {
      const {columns, inputs} = matrix;
      for (let j = 0; j < result.length; j++) result[j] = columns[j * inputs + x] + bias[j];
      return result;
    }
    matVec(matrix.columns, x, result);
    for (let j = 0; j < result.length; j++) result[j] += bias[j];
    return result;
  }

  /* The backward pass through a kernel: result = M d [inputs], the gradient with respect to x of
   * a layer computing x M, given d, the gradient with respect to its output [outputs]. */
  function backThrough(matrix, d, result) {
    return matVec(matrix.rows, d, result);
  }

  /* softmax in place, shifted by the maximum so that exp cannot overflow. */
  function softmax(logits) {
    let max = -Infinity;
    for (const value of logits) max = Math.max(max, value);
    let sum = 0;
    for (let j = 0; j < logits.length; j++) sum += (logits[j] = Math.exp(logits[j] - max));
    for (let j = 0; j < logits.length; j++) logits[j] /= sum;
    return logits;
  }

  /* One step of keras.layers.GRU's cell, reset_after=True (gate order z, r, h in W, U, b, c):
   *   z = sigmoid(x W_z + b_z + h_prev U_z + c_z)        update gate: the share of h_prev kept
   *   r = sigmoid(x W_r + b_r + h_prev U_r + c_r)        reset gate
   *   g = tanh(x W_h + b_h + r * (h_prev U_h + c_h))     candidate state
   *   h = z * h_prev + (1 - z) * g
   * Returns {h, z, r, g, hUh} (each [units]; hUh = h_prev U_h + c_h): what trace shows and
   * what the backward pass needs. */
  function gruStep(layer, x, hPrev) {
    const n = layer.units;
    const xW = affine(x, layer.kernel, layer.inputBias, layer.xW);
    const hU = affine(hPrev, layer.recurrentKernel, layer.recurrentBias, layer.hU);
    const out = {h: new Float64Array(n), z: new Float64Array(n), r: new Float64Array(n),
                 g: new Float64Array(n), hUh: new Float64Array(n)};
    for (let k = 0; k < n; k++) {
      const z = sigmoid(xW[k] + hU[k]);
      const r = sigmoid(xW[n + k] + hU[n + k]);
      const hUh = hU[2 * n + k];
      const g = Math.tanh(xW[2 * n + k] + r * hUh);
      out.z[k] = z;
      out.r[k] = r;
      out.g[k] = g;
      out.hUh[k] = hUh;
      out.h[k] = z * hPrev[k] + (1 - z) * g;
    }
    return out;
  }

  /* One character (class id) in: each GRU layer's step (gruStep) from the states `previous`
   * ([layer] of [units]), and the next character's probabilities [classes]. */
  function step(classId, previous) {
    let x = classId;
    const layers = model.gru.map((layer, i) => {
      const out = gruStep(layer, x, previous[i]);
      x = out.h;
      return out;
    });
    const dense = model.dense;
    const probabilities = softmax(affine(x, dense.kernel, dense.bias, new Float64Array(dense.units)));
    return {layers: layers, probabilities: probabilities};
  }

  function zeroStates() {
    return model.gru.map((layer) => new Float64Array(layer.units));
  }

  /* Every step of reading the class ids from zero states: [time] of step()'s results. */
  function run(ids) {
    let states = zeroStates();
    return ids.map((id) => {
      const result = step(id, states);
      states = result.layers.map((layer) => layer.h);
      return result;
    });
  }

  // --- the backward pass: backpropagation through time ---------------------------------------

  /* The gradient of log p(target | the characters of `steps`) with respect to each step's one-hot
   * input, as its Euclidean norm: [time]. `steps` is run()'s result; the prediction is the last
   * step's. Names: dX is the gradient of log p(target) with respect to X.
   *
   * At the output, log p(target) = logits[target] - log(sum(exp(logits))), so
   *   dlogits = onehot(target) - p           and, with logits = h_top D + d,   dh_top = D dlogits.
   * Through one GRU step, given dh (from the layer above at this step, plus dhNext carried back
   * from step t + 1 of this layer):
   *   dg = dh * (1 - z)                        dgPre = dg * (1 - g^2)          (tanh' = 1 - g^2)
   *   dz = dh * (h_prev - g)                   dzPre = dz * z * (1 - z)        (sigmoid' = s (1 - s))
   *   dr = dgPre * hUh                         drPre = dr * r * (1 - r)
   *   d(x W + b)     = [dzPre, drPre, dgPre]
   *   d(h_prev U + c) = [dzPre, drPre, dgPre * r]      (the reset gate multiplies h_prev U_h + c_h)
   *   dh_prev = dh * z + U d(h_prev U + c)    dx = W d(x W + b)
   * dx of a layer is dh of the layer below at the same step; dx of the first layer is the
   * gradient with respect to the one-hot input [classes], whose norm is this step's entry. */
  function inputGradientNorms(steps, target) {
    const grus = model.gru;
    const dense = model.dense;
    const last = steps.length - 1;
    const dLogits = Float64Array.from(steps[last].probabilities, (p, j) => (j === target ? 1 : 0) - p);
    const dhTop = backThrough(dense.kernel, dLogits, new Float64Array(dense.inputSize));
    const dhNext = zeroStates(); // per layer: d h_t carried back from step t + 1
    const buffers = grus.map((layer) => ({ // reused at every step
      dh: new Float64Array(layer.units),
      dxW: new Float64Array(3 * layer.units), // d(x W + b)
      dhU: new Float64Array(3 * layer.units), // d(h_prev U + c)
      dx: new Float64Array(layer.inputSize),
    }));
    const noState = zeroStates();
    const norms = new Array(steps.length);
    for (let t = last; t >= 0; t--) {
      let fromAbove = t === last ? dhTop : null; // only the last step's output is differentiated
      for (let l = grus.length - 1; l >= 0; l--) {
        const layer = grus[l];
        const n = layer.units;
        const {dh, dxW, dhU, dx} = buffers[l];
        const {z, r, g, hUh} = steps[t].layers[l];
        const hPrev = t > 0 ? steps[t - 1].layers[l].h : noState[l];
        for (let k = 0; k < n; k++) dh[k] = dhNext[l][k] + (fromAbove ? fromAbove[k] : 0);
        for (let k = 0; k < n; k++) {
          const dgPre = dh[k] * (1 - z[k]) * (1 - g[k] * g[k]);
          const dzPre = dh[k] * (hPrev[k] - g[k]) * z[k] * (1 - z[k]);
          const drPre = dgPre * hUh[k] * r[k] * (1 - r[k]);
          dxW[k] = dhU[k] = dzPre;
          dxW[n + k] = dhU[n + k] = drPre;
          dxW[2 * n + k] = dgPre;
          dhU[2 * n + k] = dgPre * r[k];
        }
        backThrough(layer.recurrentKernel, dhU, dhNext[l]); //          U d(h_prev U + c) ...
        for (let k = 0; k < n; k++) dhNext[l][k] += dh[k] * z[k]; //  ... + dh * z = dh_prev
        fromAbove = backThrough(layer.kernel, dxW, dx); // dx = W d(x W + b)
      }
      let squares = 0;
      for (const value of fromAbove) squares += value * value;
      norms[t] = Math.sqrt(squares);
    }
    return norms;
  }

  // --- arguments -----------------------------------------------------------------------------

  function checkReady(caller) {
    if (!model) {
      throw new Error(`charRNN.${caller}: the weights are not loaded yet. ` +
                      "Wait for them first: await charRNN.ready");
    }
  }

  /* An Array or a typed array (Float64Array, ...). */
  function isList(value) {
    return Array.isArray(value) || (ArrayBuffer.isView(value) && "length" in value);
  }

  /* A received value as the reader would type it: strings quoted, arrays in brackets. */
  function shownValue(value) {
    if (typeof value === "string") return JSON.stringify(value);
    if (isList(value)) {
      const items = Array.from(value.slice(0, 6), shownValue);
      return `[${items.join(", ")}${value.length > 6 ? `, … (${value.length} items)` : ""}]`;
    }
    return String(value);
  }

  /* Names for characters that cannot be seen on the page, as the widgets say them. */
  const CHARACTER_NAMES = Object.freeze({"\n": "line break", "\t": "tab", "\r": "carriage return",
                                         " ": "space", "\u00a0": "no-break space"});

  /* A character as the reader can read it: "É", or a name for what cannot be seen. */
  function describeCharacter(char) {
    if (CHARACTER_NAMES[char]) return CHARACTER_NAMES[char];
    if (/^[\p{L}\p{N}\p{P}\p{S}]$/u.test(char)) return `"${char}"`;
    return `U+${char.codePointAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
  }

  /* The vocabulary in words: "spaces, line breaks, the letters a–z (...), the digit 3 and the marks ! $ ?". */
  function describeVocabulary() {
    const letters = vocabulary.filter((char) => /\p{L}/u.test(char)).sort();
    const digits = vocabulary.filter((char) => /\p{N}/u.test(char)).sort();
    const named = vocabulary.filter((char) => CHARACTER_NAMES[char]).map((char) => `${CHARACTER_NAMES[char]}s`);
    const marks = vocabulary.filter((char) => !/[\p{L}\p{N}]/u.test(char) && !CHARACTER_NAMES[char]).sort();
    const span = letters.join("") === "abcdefghijklmnopqrstuvwxyz" ? "a–z" : letters.join(" ");
    const parts = [...named, `the letters ${span} (capitals count as small letters)`];
    if (digits.length) parts.push(`the digit${digits.length > 1 ? "s" : ""} ${digits.join(" ")}`);
    if (marks.length) parts.push(`the marks ${marks.join(" ")}`);
    return `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
  }

  /* The characters of `text` as typed whose lower case the model never saw, each once. */
  function unknownCharacters(text) {
    const known = (char) => Array.from(char.toLowerCase()).every((lower) => classOf.has(lower));
    return [...new Set(Array.from(text).filter((char) => !known(char)))];
  }

  /* The class ids of `text`, lower-cased as the course's CharTokenizer does; `minimum` characters. */
  function encode(caller, text, minimum = 1, meaning = "the seed the model reads") {
    if (typeof text !== "string" || Array.from(text).length < minimum) {
      const size = minimum === 1 ? "one character" : `${minimum} characters`;
      throw new Error(`charRNN.${caller}: argument "text" must be a string of at least ${size} ` +
                      `(${meaning}). Received: ${shownValue(text)}`);
    }
    const unknown = unknownCharacters(text);
    if (unknown.length) {
      throw new Error(`charRNN.${caller}: argument "text" contains characters the model never saw: ` +
                      `${unknown.map((char) => JSON.stringify(char)).join(", ")}. Known characters ` +
                      `(upper case is read as lower case): ${JSON.stringify(vocabulary.join(""))}`);
    }
    return Array.from(text.toLowerCase()).map((char) => classOf.get(char));
  }

  /* `temperature` if it is a number > 0; `what` is how the caller takes it ('option "temperature"'). */
  function checkTemperature(caller, what, temperature) {
    if (typeof temperature !== "number" || !Number.isFinite(temperature) || temperature <= 0) {
      throw new Error(`charRNN.${caller}: ${what} must be a finite number > 0 (near 0: the likeliest ` +
                      "characters; 1: the model's distribution; > 1: closer to uniform). " +
                      `Received: temperature=${shownValue(temperature)}`);
    }
    return temperature;
  }

  function checkOptions(caller, options) {
    if (options === undefined || options === null) options = {};
    if (typeof options !== "object" || Array.isArray(options)) {
      throw new Error(`charRNN.${caller}: argument "options" must be an object such as ` +
                      `{nChars: 300, temperature: 0.7, seed: 42}. Received: ${String(options)}`);
    }
    const unknown = Object.keys(options).filter((k) => !["nChars", "temperature", "seed"].includes(k));
    if (unknown.length) {
      throw new Error(`charRNN.${caller}: unknown option(s) ${unknown.join(", ")}. ` +
                      "Expected nChars, temperature and seed.");
    }
    const nChars = options.nChars === undefined ? 50 : options.nChars;
    if (!Number.isInteger(nChars) || nChars < 0 || nChars > MAX_CHARS) {
      throw new Error(`charRNN.${caller}: option "nChars" must be an integer from 0 to ${MAX_CHARS}. ` +
                      `Received: nChars=${String(nChars)}`);
    }
    const temperature = checkTemperature(caller, 'option "temperature"',
                                         options.temperature === undefined ? 1 : options.temperature);
    let seed = options.seed;
    if (seed === undefined || seed === null) {
      seed = Math.floor(Math.random() * UINT32_RANGE);
    } else if (!Number.isInteger(seed) || seed < 0 || seed >= UINT32_RANGE) {
      throw new Error(`charRNN.${caller}: option "seed" must be an integer from 0 to ` +
                      `${UINT32_RANGE - 1} (or left out for a random one). Received: seed=${String(seed)}`);
    }
    return {nChars: nChars, temperature: temperature, seed: seed};
  }

  /* `position` if it indexes a character of `ids` that has one after it, else an error. */
  function checkPosition(caller, position, ids) {
    if (!Number.isInteger(position) || position < 0 || position > ids.length - 2) {
      throw new Error(`charRNN.${caller}: argument "position" must be an integer from 0 to ` +
                      `${ids.length - 2} (the last character read; the prediction is of the character ` +
                      `after it, so not the text's last). Received: position=${shownValue(position)}`);
    }
    return position;
  }

  /* `probabilities` as numbers if they are a distribution's weights: >= 0, not all 0. */
  function checkProbabilities(caller, probabilities) {
    const values = isList(probabilities) ? Array.from(probabilities) : null;
    if (!values || !values.length ||
        !values.every((p) => typeof p === "number" && Number.isFinite(p) && p >= 0) ||
        !values.some((p) => p > 0)) {
      throw new Error(`charRNN.${caller}: argument "probabilities" must be a non-empty array of ` +
                      "finite numbers >= 0, not all 0 (e.g. charRNN.nextCharProbabilities(text)). " +
                      `Received: ${shownValue(probabilities)}`);
    }
    return values;
  }

  // --- reading and sampling ------------------------------------------------------------------

  /* Feed the classes one at a time from zero states (OneStepGenerator.read). */
  function read(ids) {
    let states = zeroStates();
    let probabilities = null;
    for (const id of ids) {
      const result = step(id, states);
      states = result.layers.map((layer) => layer.h);
      probabilities = result.probabilities;
    }
    return {probabilities: probabilities, states: states};
  }

  /* The sampled distribution, as companion.generation.sampling_distribution: softmax(log(p) / T). */
  function samplingDistribution(probabilities, temperature) {
    return softmax(Float64Array.from(probabilities, (p) => Math.log(p) / temperature));
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
  function generator(caller, text, options) {
    checkReady(caller);
    const ids = encode(caller, text);
    const settings = checkOptions(caller, options);
    function* characters() {
      const random = mulberry32(settings.seed);
      let {probabilities, states} = read(ids);
      for (let i = 0; i < settings.nChars; i++) {
        const id = draw(samplingDistribution(probabilities, settings.temperature), random());
        yield vocabulary[id];
        if (i + 1 < settings.nChars) {
          const result = step(id, states);
          states = result.layers.map((layer) => layer.h);
          probabilities = result.probabilities;
        }
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
  ready.catch(() => {}); // the widgets show the error; no unhandled rejection in the console

  /* [layer][time][unit] plain arrays of one quantity of run()'s steps. */
  function byLayer(steps, name) {
    return model.gru.map((_, l) => steps.map((result) => Array.from(result.layers[l][name])));
  }

  window.charRNN = Object.freeze({
    ready: ready,
    vocabulary: vocabulary,
    checkpoint: checkpoint,
    maxSeed: UINT32_RANGE - 1,
    characterNames: CHARACTER_NAMES,
    describeCharacter: describeCharacter,
    describeVocabulary: describeVocabulary,
    unknownCharacters(text) {
      if (typeof text !== "string") {
        throw new Error('charRNN.unknownCharacters: argument "text" must be a string. ' +
                        `Received: ${shownValue(text)}`);
      }
      return unknownCharacters(text);
    },
    nextCharProbabilities(text) {
      checkReady("nextCharProbabilities");
      return Array.from(read(encode("nextCharProbabilities", text)).probabilities);
    },
    generate(text, options) {
      let result = text;
      for (const char of generator("generate", text, options).characters) result += char;
      return result;
    },
    generator(text, options) {
      return generator("generator", text, options);
    },
    trace(text) {
      checkReady("trace");
      const steps = run(encode("trace", text, 1, "the passage the model reads"));
      return {h: byLayer(steps, "h"), z: byLayer(steps, "z"), r: byLayer(steps, "r"),
              probabilities: steps.map((result) => Array.from(result.probabilities))};
    },
    connectivity(text, position) {
      checkReady("connectivity");
      const ids = encode("connectivity", text, 2, "the characters read, then the one predicted after them");
      checkPosition("connectivity", position, ids);
      return inputGradientNorms(run(ids.slice(0, position + 1)), ids[position + 1]);
    },
    atTemperature(probabilities, temperature) {
      const values = checkProbabilities("atTemperature", probabilities);
      checkTemperature("atTemperature", 'argument "temperature"', temperature);
      return Array.from(samplingDistribution(values, temperature));
    },
  });
})();
