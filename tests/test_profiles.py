"""Profile selection through RNN_BOOK_PROFILE."""

import pytest

from companion.profiles import MAX_STEPS_ENV_VAR, PROFILE_ENV_VAR, PROFILES, get_profile


def test_default_is_cpu(monkeypatch):
    monkeypatch.delenv(PROFILE_ENV_VAR, raising=False)
    assert get_profile().name == "cpu"


@pytest.mark.parametrize("value, expected", [("full", "full"), (" FULL ", "full"), ("cpu", "cpu"), ("", "cpu")])
def test_environment_variable_selects_the_profile(monkeypatch, value, expected):
    monkeypatch.setenv(PROFILE_ENV_VAR, value)
    assert get_profile().name == expected


def test_argument_wins_over_environment(monkeypatch):
    monkeypatch.setenv(PROFILE_ENV_VAR, "full")
    assert get_profile("cpu").name == "cpu"


def test_unknown_profile_names_the_fix(monkeypatch):
    monkeypatch.setenv(PROFILE_ENV_VAR, "gpu")
    with pytest.raises(ValueError, match="Unknown profile 'gpu' \\(from environment variable RNN_BOOK_PROFILE\\)"):
        get_profile()
    with pytest.raises(TypeError, match="must be a string"):
        get_profile(3)


def test_part1_runs_the_lectures_epochs_in_both_profiles():
    assert {p.timeseries_epochs for p in PROFILES.values()} == {20}
    assert PROFILES["full"].char_window_shift == 1  # the lecture's windows


@pytest.mark.parametrize("value, expected", [(None, None), ("", None), ("2", 2), (" 10 ", 10)])
def test_max_steps_comes_from_the_environment(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv(MAX_STEPS_ENV_VAR, raising=False)
    else:
        monkeypatch.setenv(MAX_STEPS_ENV_VAR, value)
    assert get_profile("full").max_steps == expected
    assert PROFILES["full"].max_steps is None  # the profile itself is not changed


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_bad_max_steps_names_the_variable(monkeypatch, value):
    monkeypatch.setenv(MAX_STEPS_ENV_VAR, value)
    with pytest.raises(ValueError, match=f"RNN_BOOK_MAX_STEPS must be a positive integer.*{value!r}"):
        get_profile()
