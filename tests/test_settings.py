"""Settings: defaults < settings.toml < LANTERN_* variables, with clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.settings import SettingsError, load_settings


def test_defaults_use_lantern_home(lantern_home: Path) -> None:
    s = load_settings()
    assert s.home == lantern_home
    assert s.index_dir == lantern_home / "index"
    assert s.answer_mode == "auto"
    assert (s.guidelines_dir / "breast-cancer" / "manifest.toml").is_file()


def test_file_then_environment_layering(lantern_home: Path) -> None:
    lantern_home.mkdir(parents=True)
    (lantern_home / "settings.toml").write_text('top_sections = 2\nanswer_mode = "extractive"\n')
    s = load_settings()
    assert (s.top_sections, s.answer_mode) == (2, "extractive")
    s = load_settings({"LANTERN_HOME": str(lantern_home), "LANTERN_TOP_SECTIONS": "4"})
    assert s.top_sections == 4 and s.answer_mode == "extractive"


@pytest.mark.parametrize(
    "content, fragment",
    [
        ("top_sections = [", "not valid TOML"),
        ('top_sections = "many"', "unusable value"),
        ("top_sections = true", "unusable value"),
        ("colour = 3", "unknown setting"),
        ('answer_mode = "psychic"', "answer_mode must be one of"),
    ],
)
def test_bad_settings_file_gives_clear_error(
    lantern_home: Path, content: str, fragment: str
) -> None:
    lantern_home.mkdir(parents=True)
    (lantern_home / "settings.toml").write_text(content)
    with pytest.raises(SettingsError, match=fragment):
        load_settings()


def test_bad_environment_value(lantern_home: Path) -> None:
    with pytest.raises(SettingsError, match="environment"):
        load_settings({"LANTERN_HOME": str(lantern_home), "LANTERN_TOP_SECTIONS": "0"})


def test_boolean_settings(tmp_path) -> None:
    from desktop.settings import SettingsError, load_settings

    env = {"LANTERN_HOME": str(tmp_path), "LANTERN_KEEP_HISTORY_WITHOUT_PATIENT": "yes"}
    assert load_settings(env).keep_history_without_patient is True
    env["LANTERN_KEEP_HISTORY_WITHOUT_PATIENT"] = "maybe"
    with pytest.raises(SettingsError, match="keep_history_without_patient"):
        load_settings(env)
    (tmp_path / "settings.toml").write_text("keep_history_without_patient = true\n")
    assert load_settings({"LANTERN_HOME": str(tmp_path)}).keep_history_without_patient
