"""GRU gates from the weights (companion.inside) against the Keras layers, the text features, the units found and
the page data the chapter writes (results/<profile>-inside.json), and the chapter's printed table against that file."""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

import keras
import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from companion import data, plots, runtime, storage
from companion.inside import (
    FEATURE_LABELS,
    FEATURES,
    PAGE_DATA_SUFFIX,
    LayerUnit,
    after_sentence_end,
    best_layer_units,
    best_units,
    chars_to_newline,
    gate_saturation,
    gru_gates,
    in_word,
    line_position,
    page_data,
    speaker_line,
    text_features,
    trace_char_model,
    whole_lines,
    write_page_data,
)
from companion.text import split_chronologically
from companion.train_char_rnn import load_checkpoint

TOLERANCE = 1e-5
needs_corpus = pytest.mark.skipif(not os.environ.get(data.DATA_DIR_ENV_VAR),
                                  reason=f"{data.DATA_DIR_ENV_VAR} is unset: no local copy of the "
                                         f"Shakespeare corpus (the tokenizer is fitted on it)")


def random_gru(units: int = 5, features: int = 4, **settings) -> keras.layers.GRU:
    """A built GRU with random kernels and random (non-zero) biases."""
    runtime.set_seeds(7)
    layer = keras.layers.GRU(units, return_sequences=True, bias_initializer="random_normal", **settings)
    layer.build((None, None, features))
    return layer


def inputs(batch: int = 2, steps: int = 7, features: int = 4) -> np.ndarray:
    return np.random.default_rng(3).normal(size=(batch, steps, features)).astype("float32")


def test_states_equal_the_keras_layer_on_random_weights():
    layer, x = random_gru(), inputs()
    trace = gru_gates(layer, x)
    assert trace.h.shape == trace.z.shape == trace.r.shape == (2, 7, 5)
    difference = np.abs(trace.h - layer(x).numpy()).max()
    print(f"random GRU: max |h - Keras| = {difference:.2e}")
    assert difference < TOLERANCE
    assert ((0 < trace.z) & (trace.z < 1)).all() and ((0 < trace.r) & (trace.r < 1)).all()


def test_states_from_an_initial_state_equal_the_keras_layer():
    layer, x = random_gru(), inputs()
    state = np.random.default_rng(4).uniform(-1, 1, size=(2, 5)).astype("float32")
    from_state = gru_gates(layer, x, initial_state=state).h
    assert np.abs(from_state - layer(x, initial_state=[state]).numpy()).max() < TOLERANCE
    assert np.abs(from_state - gru_gates(layer, x).h).max() > 1e-3  # the state was used


def test_one_step_on_tiny_weights_by_hand():
    """units = features = 1: z = 0.75 and r = 0.25 by construction; h by the reset-after equation."""
    layer = keras.layers.GRU(1, return_sequences=True)
    layer.build((None, None, 1))
    x, h0 = 1.0, 2.0
    # pre-activations: z: 0.5 x + b_z + 0.25 h0 + c_z = ln 3; r: -0.5 x + b_r + 0.1 h0 + c_r = -ln 3
    b_z, c_z = math.log(3) - 1.0 - 0.3, 0.3
    b_r, c_r = -math.log(3) + 0.5 - 0.2 - 0.4, 0.4
    layer.set_weights([np.array([[0.5, -0.5, 0.8]]), np.array([[0.25, 0.1, -0.6]]),
                       np.array([[b_z, b_r, 0.1], [c_z, c_r, 0.3]])])
    trace = gru_gates(layer, [[[x]]], initial_state=[[h0]])
    candidate = math.tanh(0.8 * x + 0.1 + 0.25 * (-0.6 * h0 + 0.3))  # r multiplies U_h h0 + c_h (reset after)
    assert trace.z[0, 0, 0] == pytest.approx(0.75, abs=1e-7)
    assert trace.r[0, 0, 0] == pytest.approx(0.25, abs=1e-7)
    assert trace.h[0, 0, 0] == pytest.approx(0.75 * h0 + 0.25 * candidate, abs=1e-7)


def test_a_model_with_dropout_layers_gives_keras_probabilities():
    runtime.set_seeds(11)
    model = keras.Sequential([
        keras.Input((None, 6)),
        keras.layers.GRU(4, return_sequences=True, bias_initializer="random_normal"),
        keras.layers.Dropout(0.5),
        keras.layers.GRU(3, return_sequences=True, bias_initializer="random_normal"),
        keras.layers.Dense(6, activation="softmax"),
    ])
    one_hot = np.eye(6, dtype="float32")[np.random.default_rng(5).integers(0, 6, size=(2, 9))]
    trace = trace_char_model(model, one_hot)
    assert [h.shape for h in trace.h] == [(2, 9, 4), (2, 9, 3)]
    assert [z.shape for z in trace.z] == [r.shape for r in trace.r] == [(2, 9, 4), (2, 9, 3)]
    assert np.abs(trace.probabilities - model.predict(one_hot, verbose=0)).max() < TOLERANCE
    assert np.allclose(trace.probabilities.sum(axis=-1), 1.0)


@pytest.fixture(scope="module")
def checkpoint_trace():
    """The shipped checkpoint on the first 300 held-out characters: (model, one-hot, passage, trace)."""
    runtime.configure()
    checkpoint = load_checkpoint()
    tokenizer = checkpoint.tokenizer
    text = data.fetch(data.SHAKESPEARE).read_text()
    _, held_out = split_chronologically(tokenizer.encode(text))
    passage = tokenizer.decode(held_out[:300])
    one_hot = tokenizer.one_hot([passage]).numpy()
    return checkpoint.model, one_hot, passage, trace_char_model(checkpoint.model, one_hot)


@needs_corpus
def test_checkpoint_states_equal_each_keras_layer(checkpoint_trace):
    model, one_hot, passage, trace = checkpoint_trace
    assert len(passage) >= 200 and "\n" in passage and set(passage) & set(".,;:!?")
    signal, grus = one_hot, [layer for layer in model.layers if isinstance(layer, keras.layers.GRU)]
    assert len(grus) == len(trace.h) == 2
    for index, (layer, h) in enumerate(zip(grus, trace.h, strict=True)):
        signal = layer(signal).numpy()
        difference = np.abs(h - signal).max()
        print(f"checkpoint GRU layer {index + 1}: max |h - Keras| = {difference:.2e}")
        assert difference < TOLERANCE


@needs_corpus
def test_checkpoint_probabilities_equal_predict(checkpoint_trace):
    model, one_hot, _, trace = checkpoint_trace
    difference = np.abs(trace.probabilities - model.predict(one_hot, verbose=0)).max()
    print(f"checkpoint: max |probabilities - predict| = {difference:.2e}")
    assert trace.probabilities.shape == (1, 300, 39)
    assert difference < TOLERANCE


def test_a_layer_that_is_not_a_gru_is_refused():
    dense = keras.layers.Dense(3)
    with pytest.raises(TypeError, match="Argument `layer` must be a keras.layers.GRU. Received: layer of type Dense"):
        gru_gates(dense, inputs())


@pytest.mark.parametrize(("settings", "received"), [
    ({"reset_after": False}, "reset_after=False"),
    ({"activation": "relu"}, "activation='relu'"),
    ({"recurrent_activation": "hard_sigmoid"}, "recurrent_activation='hard_sigmoid'"),
    ({"go_backwards": True}, "go_backwards=True"),
])
def test_gru_settings_the_equations_do_not_cover_are_refused(settings, received):
    with pytest.raises(ValueError, match=f"Argument `layer` must be a GRU with reset_after=True.*{received}"):
        gru_gates(random_gru(**settings), inputs())


def test_an_unbuilt_layer_is_refused():
    with pytest.raises(ValueError, match="Argument `layer` must be built"):
        gru_gates(keras.layers.GRU(3), inputs())


@pytest.mark.parametrize(("value", "received"), [
    (np.zeros((7, 4)), r"\(7, 4\)"),
    (np.zeros((2, 7, 3)), r"\(2, 7, 3\)"),
    (np.zeros((2, 0, 4)), r"\(2, 0, 4\)"),
])
def test_inputs_of_the_wrong_shape_are_refused(value, received):
    with pytest.raises(ValueError, match=rf"Argument `inputs` must have shape \[any, any, 4\].*Received: inputs of "
                                         rf"shape {received}"):
        gru_gates(random_gru(), value)


def test_inputs_that_are_not_numbers_are_refused():
    with pytest.raises(TypeError, match="Argument `inputs` must be an array of numbers.*Received: inputs of type str"):
        gru_gates(random_gru(), "abc")


def test_an_initial_state_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError, match=r"Argument `initial_state` must have shape \[2, 5\].*shape \(5,\)"):
        gru_gates(random_gru(), inputs(), initial_state=np.zeros(5))


def test_models_the_trace_does_not_cover_are_refused():
    one_hot = np.zeros((1, 3, 6))
    no_softmax = keras.Sequential([keras.Input((None, 6)), keras.layers.GRU(4, return_sequences=True),
                                   keras.layers.Dense(6)])
    last_state_only = keras.Sequential([keras.Input((None, 6)), keras.layers.GRU(4),
                                        keras.layers.Dense(6, activation="softmax")])
    with pytest.raises(ValueError, match=r"Argument `model` must be GRU layers followed by one softmax Dense.*"
                                         r"\['GRU', 'Dense'\]"):
        trace_char_model(no_softmax, one_hot)
    with pytest.raises(ValueError, match="Argument `model` must have GRU layers with return_sequences=True"):
        trace_char_model(last_state_only, one_hot)
    with pytest.raises(TypeError, match="Argument `model` must be a keras.Model. Received: model of type GRU"):
        trace_char_model(keras.layers.GRU(4), one_hot)


def test_one_hot_of_the_wrong_depth_is_refused():
    model = keras.Sequential([keras.Input((None, 6)), keras.layers.GRU(4, return_sequences=True),
                              keras.layers.Dense(6, activation="softmax")])
    with pytest.raises(ValueError, match=r"Argument `one_hot` must have shape \[any, any, 6\].*\(1, 3, 5\)"):
        trace_char_model(model, np.zeros((1, 3, 5)))


TEXT = "all:\nno. go!\nx"  # a speaker's line, two sentence ends, a last line without a newline


def test_line_position_and_characters_to_the_newline():
    assert line_position(TEXT).tolist() == [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 5, 6, 7, 0]
    assert chars_to_newline(TEXT).tolist() == [4, 3, 2, 1, 0, 7, 6, 5, 4, 3, 2, 1, 0, 1]


def test_in_word_speaker_line_and_after_a_sentence_end():
    assert in_word(TEXT).tolist() == [1, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1]
    assert speaker_line(TEXT).tolist() == [1] * 5 + [0] * 9
    assert after_sentence_end(TEXT).tolist() == [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0]
    assert speaker_line("a:\n\nb: c\nd:").tolist() == [1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1]


def test_text_features_holds_every_feature_per_character():
    features = text_features(TEXT)
    assert tuple(features) == FEATURES
    assert all(values.shape == (len(TEXT),) for values in features.values())
    assert features["speaker_line"].tolist() == speaker_line(TEXT).tolist()


@pytest.mark.parametrize("function", [line_position, chars_to_newline, in_word, speaker_line, after_sentence_end])
def test_features_refuse_what_is_not_a_text(function):
    with pytest.raises(ValueError, match="Argument `text` must contain at least one character"):
        function("")
    with pytest.raises(TypeError, match="Argument `text` must be a string. Received: text of type list"):
        function(["a"])


def test_best_units_finds_the_unit_that_tracks_a_feature():
    rng = np.random.default_rng(0)
    feature = line_position(TEXT)
    states = np.stack([rng.normal(size=len(TEXT)),  # noise
                       1.0 - 2.0 * feature,  # tracks the feature exactly, with the opposite sign
                       feature + rng.normal(scale=3.0, size=len(TEXT)),  # tracks it loosely
                       np.full(len(TEXT), 0.3)], axis=1)  # constant: correlation 0, not NaN
    matches = best_units(states, {"line_position": feature, "in_word": in_word(TEXT)})
    assert matches["line_position"].unit == 1
    assert matches["line_position"].correlation == pytest.approx(-1.0)
    expected = np.corrcoef(states[:, :3].T, in_word(TEXT))[-1, :3]
    assert matches["in_word"].unit == int(np.argmax(np.abs(expected)))
    assert matches["in_word"].correlation == pytest.approx(expected[matches["in_word"].unit])


def test_best_units_refuses_constant_and_misshapen_features():
    states = np.random.default_rng(1).normal(size=(5, 3))
    with pytest.raises(ValueError, match=r"features that vary.*features\['flat'\] constant at 2.0"):
        best_units(states, {"flat": np.full(5, 2.0)})
    with pytest.raises(ValueError, match=r"Argument `features\['short'\]` must have shape \[5\].*shape \(4,\)"):
        best_units(states, {"short": np.arange(4.0)})
    with pytest.raises(ValueError, match=r"Argument `states` must have shape \[any, any\].*shape \(5,\)"):
        best_units(np.zeros(5), {"x": np.arange(5.0)})
    with pytest.raises(TypeError, match="Argument `features` must be a non-empty mapping"):
        best_units(states, {})


def test_gate_saturation_counts_steps_below_and_above_the_bounds():
    z = np.array([[0.05, 0.5], [0.95, 0.5], [0.5, 0.95], [0.01, 0.99]])
    below, above = gate_saturation(z)
    assert below.tolist() == [0.5, 0.0] and above.tolist() == [0.25, 0.5]
    below, above = gate_saturation(z[None])  # [batch, time, units]: the same steps
    assert below.tolist() == [0.5, 0.0] and above.tolist() == [0.25, 0.5]
    with pytest.raises(ValueError, match="Arguments `low` and `high` must satisfy 0 <= low < high <= 1"):
        gate_saturation(z, low=0.9, high=0.1)
    with pytest.raises(ValueError, match=r"Argument `z` must have shape \[..., units\]"):
        gate_saturation(np.zeros((0, 3)))


def test_best_layer_units_takes_the_best_of_all_layers_and_numbers_them_from_1():
    feature = line_position(TEXT)
    noise = np.random.default_rng(2).normal(size=(len(TEXT), 3))
    first = np.column_stack([noise[:, :2], feature + noise[:, 2]])  # unit 2 tracks the feature loosely
    second = np.column_stack([noise[:, 2], -feature])  # unit 1 tracks it exactly
    found = best_layer_units([first, second], {"line_position": feature, "noise": noise[:, 0]})
    assert found["line_position"] == LayerUnit(2, 1, pytest.approx(-1.0))
    assert found["noise"] == LayerUnit(1, 0, pytest.approx(1.0))  # the lower layer wins a tie
    with pytest.raises(TypeError, match=r"Argument `states` must be a non-empty list .* shape \(14, 3\)"):
        best_layer_units(first, {"line_position": feature})
    with pytest.raises(TypeError, match="Argument `states` must be a non-empty list"):
        best_layer_units([], {"line_position": feature})


LINES = "".join(f"line {index}: {'x' * (index % 50)}\n" for index in range(60))  # 1,860 characters


def test_whole_lines_starts_at_a_line_start_and_ends_after_a_newline():
    passage = whole_lines(LINES, 3)  # index 3 is inside the first line: the passage starts at the second
    assert LINES.startswith(passage, LINES.index("line 1:"))
    assert 300 <= len(passage) <= 600 and passage.endswith("\n")
    last_line = passage[:-1].rsplit("\n", 1)[-1] + "\n"
    assert len(passage) - len(last_line) < 300  # no more lines than needed
    assert whole_lines(LINES, LINES.index("line 1:")) == passage  # from a line start: that line
    assert whole_lines("ab\ncd\nef\n", 3, min_chars=2, max_chars=5) == "cd\n"
    with pytest.raises(ValueError, match="no passage of whole lines of 300 to 600 characters from index 1760"):
        whole_lines(LINES, len(LINES) - 100)  # too close to the end
    with pytest.raises(ValueError, match="no passage of whole lines of 4 to 5 characters from index 0. Received: 13"):
        whole_lines("ab\n" + "c" * 9 + "\n", 0, min_chars=4, max_chars=5)  # the second line is too long
    with pytest.raises(ValueError, match=r"Argument `start` must be an integer index into `text` \(0 to 8\)"):
        whole_lines("ab\ncd\nef\n", 9)


def units_found() -> dict[str, LayerUnit]:
    return {name: LayerUnit(1 + index % 2, 10 * index, 0.1234567 * (-1) ** index)
            for index, name in enumerate(FEATURES)}


PASSAGE = whole_lines(LINES, 0)


def test_page_data_follows_the_schema_the_views_read():
    found = dict(reversed(units_found().items()))  # any order in, FEATURES order out
    content = page_data(PASSAGE, found)
    assert list(content) == ["passage", "units"] and content["passage"] == PASSAGE
    assert [unit["feature"] for unit in content["units"]] == list(FEATURES)
    assert content["units"][1] == {"feature": FEATURES[1], "label": FEATURE_LABELS[FEATURES[1]], "layer": 2,
                                   "unit": 10, "correlation": -0.123}
    assert all(type(unit["layer"]) is int and type(unit["unit"]) is int for unit in content["units"])
    assert json.loads(json.dumps(content)) == content


@pytest.mark.parametrize(("passage", "received"), [
    ("short\n", "Received: 6 characters ending with '\\n'"),
    (PASSAGE[:-1], f"Received: {len(PASSAGE) - 1} characters ending with 'x'"),
    ("x\n" * 301, "Received: 602 characters"),
])
def test_page_data_refuses_a_passage_the_views_cannot_show(passage, received):
    with pytest.raises(ValueError, match=rf"Argument `passage` must be a text of 300 to 600 characters that ends "
                                         rf"with a newline.*{re.escape(received)}"):
        page_data(passage, units_found())
    with pytest.raises(TypeError, match="Argument `passage` must be a text .* Received: passage of type list"):
        page_data(["a"], units_found())


def test_page_data_refuses_missing_features_and_bad_units():
    found = units_found()
    del found["in_word"]
    with pytest.raises(ValueError, match=r"Argument `units` must map each feature of .* Received: the features "
                                         r"\['after_sentence_end', 'chars_to_newline', 'line_position', 'speaker"):
        page_data(PASSAGE, found)
    with pytest.raises(TypeError, match="Argument `units` must map each feature .* Received: units of type list"):
        page_data(PASSAGE, list(found.values()))
    for bad in [LayerUnit(0, 3, 0.5), LayerUnit(1, -1, 0.5), LayerUnit(1, 3, 1.5), LayerUnit(1, 3, float("nan")),
                LayerUnit(1.0, 3, 0.5), (1, 3), "unit 3"]:
        with pytest.raises(ValueError, match=rf"Argument `units\['in_word'\]` must be a LayerUnit.*"
                                             rf"Received: {re.escape(repr(bad))}"):
            page_data(PASSAGE, {**units_found(), "in_word": bad})


def test_writing_page_data_replaces_the_profiles_file_atomically(recording_in_tmp, monkeypatch):
    path = recording_in_tmp / f"cpu{PAGE_DATA_SUFFIX}.json"
    path.write_text('{"old": true}')
    written = write_page_data(PASSAGE, units_found())
    assert json.loads(path.read_text()) == written == page_data(PASSAGE, units_found())
    assert sorted(item.name for item in recording_in_tmp.iterdir()) == [path.name]  # no temporary file left
    replaced = []
    monkeypatch.setattr(storage.os, "replace", lambda source, target: replaced.append((Path(source).parent, target)))
    write_page_data(PASSAGE, units_found())
    assert replaced == [(recording_in_tmp, path)]  # written beside it, then swapped in


def test_page_data_is_written_only_when_recording(recording_in_tmp, monkeypatch):
    monkeypatch.setenv(storage.RECORD_ENV_VAR, "0")
    assert write_page_data(PASSAGE, units_found())["passage"] == PASSAGE
    assert list(recording_in_tmp.iterdir()) == []
    monkeypatch.setenv(storage.RECORD_ENV_VAR, "1")
    with pytest.raises(ValueError, match="Argument `passage`"):  # refused before anything is written
        write_page_data("short\n", units_found())
    assert list(recording_in_tmp.iterdir()) == []


CHAPTER = Path(__file__).resolve().parents[1] / "book" / "inside_char_rnn.ipynb"
PAGE_DATA = storage.results_dir() / f"cpu{PAGE_DATA_SUFFIX}.json"
TABLE_ROW = re.compile(r"^\| (?P<label>[^|]+?) \| (?P<layer>\d+) \| (?P<unit>\d+) \| (?P<correlation>-?\d\.\d{3}) \|",
                       re.M)


def printed_unit_table(notebook: dict) -> list[dict[str, object]]:
    """The rows of the table of best units in the executed chapter's stored outputs."""
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            markdown = "".join(output.get("data", {}).get("text/markdown", ""))
            if markdown.startswith("| feature | layer | unit | correlation |"):
                return [{"label": row["label"], "layer": int(row["layer"]), "unit": int(row["unit"]),
                         "correlation": float(row["correlation"])} for row in TABLE_ROW.finditer(markdown)]
    raise AssertionError(f"{CHAPTER.name} has no stored table of units (a Markdown output starting "
                         f"'| feature | layer | unit | correlation |')")


@pytest.mark.skipif(not CHAPTER.exists(), reason=f"{CHAPTER.name} does not exist yet: it is created and executed "
                    "(RNN_BOOK_RECORD=1) from book/inside_char_rnn.md with the other chapters")
def test_the_table_the_chapter_printed_equals_the_page_data():
    printed = printed_unit_table(json.loads(CHAPTER.read_text(encoding="utf-8")))
    stored = json.loads(PAGE_DATA.read_text(encoding="utf-8"))["units"]
    assert printed == [{key: unit[key] for key in ("label", "layer", "unit", "correlation")} for unit in stored]
    assert [unit["feature"] for unit in stored] == list(FEATURES)


def test_the_passage_figure_draws_each_character_on_the_colour_of_its_value():
    text, values = "ab c\nd\n", np.array([-1.0, -0.5, 0.0, 0.5, 1.0, 0.25, -0.25])
    fig = plots.plot_text_activations(text, {"unit 7": values, "unit 8": -values})
    for ax, row in zip(fig.axes, [values, -values], strict=True):
        cells = list(zip(ax.patches, ax.texts, strict=False))[:len(text)]
        assert [label.get_text() for _, label in cells] == ["a", "b", "␣", "c", "⏎", "d", "⏎"]
        assert [patch.get_xy() for patch, _ in cells] == [(0, -1), (1, -1), (2, -1), (3, -1), (4, -1), (0, -2),
                                                          (1, -2)]  # line by line, top down
        expected = plots.ACTIVATION_CMAP((row + 1) / 2)  # -1 .. 1 onto the colour map
        assert np.allclose([patch.get_facecolor() for patch, _ in cells], expected)
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["unit 7", "unit 8"]
    key = fig.axes[-1].texts[len(text):]  # the scale under the last panel
    assert [label.get_text() for label in key][:5] == ["-1", "-0.5", "0", "0.5", "1"]
    with pytest.raises(ValueError, match=r"Argument `activations` must map titles to arrays of shape \[7\].*\(6,\)"):
        plots.plot_text_activations(text, {"unit 7": values[:6]})


def test_the_saturation_scatter_puts_each_unit_at_its_shares_below_and_above():
    below, above = np.array([0.2, 0.7, 0.0]), np.array([0.1, 0.2, 0.9])
    fig = plots.plot_gate_saturation({"layer 1": {"trained": (below, above), "random weights": (above, below)},
                                      "layer 2": {"trained": (above, below), "random weights": (below, above)}})
    assert [ax.get_title() for ax in fig.axes] == ["layer 1", "layer 2"]
    trained, random_weights, bound, half = fig.axes[0].lines
    assert np.array_equal(trained.get_xydata(), np.column_stack([below, above]))
    assert np.array_equal(random_weights.get_xydata(), np.column_stack([above, below]))
    assert trained.get_marker() != random_weights.get_marker() and trained.get_color() != random_weights.get_color()
    assert np.allclose(bound.get_xydata().sum(axis=1), 1.0) and np.allclose(half.get_xydata().sum(axis=1), 0.5)
    assert fig.axes[0].get_xlabel() == "fraction of steps with z < 0.1"
    assert fig.axes[0].get_ylabel() == "fraction of steps with z > 0.9"
