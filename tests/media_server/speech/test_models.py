"""The speech models on disk: installed once from their packages, and a missing or damaged one
stops a media worker when it starts, with a message that names the setting and the fix."""
from __future__ import annotations

import io
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from media_server.speech.model_files import (
    WHISPER_FILES,
    ModelMissing,
    check_models,
    check_piper,
    check_whisper,
    install_piper,
    install_whisper,
)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """Both models installed into a fresh folder (copies ~200 MB, once for this module)."""
    root = tmp_path_factory.mktemp("models")
    whisper, piper = root / "whisper-base", root / "piper" / "en_US-joe-medium.onnx"
    return SimpleNamespace(whisper=whisper, piper=piper, first=(install_whisper(whisper), install_piper(piper)))


def identity(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_ino, stat.st_mtime_ns


def test_install_models_puts_the_models_in_place_once_and_then_leaves_them_alone(installed, settings):
    assert installed.first == (True, True)
    assert check_whisper(installed.whisper) == installed.whisper
    assert check_piper(installed.piper) == installed.piper
    before = identity(installed.whisper / "model.bin"), identity(installed.piper)
    settings.WHISPER_MODEL_DIR, settings.PIPER_VOICE_PATH = installed.whisper, installed.piper

    out = io.StringIO()
    call_command("install_models", stdout=out)

    assert "Whisper base: already in place" in out.getvalue()
    assert "Piper en_US-joe-medium: already in place" in out.getvalue()
    assert (identity(installed.whisper / "model.bin"), identity(installed.piper)) == before  # not copied again
    assert install_whisper(installed.whisper) is False
    assert install_piper(installed.piper) is False


def damaged_copy(source: Path, target: Path) -> Path:
    """A Whisper folder whose model.bin stopped after its first megabyte (a copy cut short, a full disk)."""
    target.mkdir()
    for name in (*WHISPER_FILES, "model.bin.sha256"):
        shutil.copyfile(source / name, target / name)
    with (source / "model.bin").open("rb") as whole, (target / "model.bin").open("wb") as cut:
        cut.write(whole.read(1 << 20))
    return target


def test_a_truncated_whisper_model_is_reported_damaged(installed, tmp_path):
    damaged = damaged_copy(installed.whisper, tmp_path / "whisper-base")

    with pytest.raises(ModelMissing, match="damaged") as failure:
        check_whisper(damaged)

    assert "make setup" in str(failure.value)


def test_a_missing_whisper_model_names_its_setting_and_the_fix(tmp_path):
    with pytest.raises(ModelMissing) as failure:
        check_whisper(tmp_path / "whisper-base")

    assert "WHISPER_MODEL_DIR" in str(failure.value)
    assert "make setup" in str(failure.value)
    assert "model.bin" in str(failure.value)


@pytest.mark.parametrize("present", [[], ["en_US-joe-medium.onnx"]], ids=["no voice", "voice without its json"])
def test_a_missing_piper_voice_names_its_setting_and_the_fix(tmp_path, present):
    for name in present:
        (tmp_path / name).write_bytes(b"onnx")

    with pytest.raises(ModelMissing) as failure:
        check_piper(tmp_path / "en_US-joe-medium.onnx")

    assert "PIPER_VOICE_PATH" in str(failure.value)
    assert "make setup" in str(failure.value)


def test_a_worker_with_a_missing_model_fails_when_it_starts_not_mid_call(tmp_path, settings):
    from media_server.speech.stt import SpeechToText
    from media_server.speech.tts import PiperTTS

    with pytest.raises(ModelMissing, match="WHISPER_MODEL_DIR"):
        SpeechToText(model_dir=tmp_path / "whisper-base")
    with pytest.raises(ModelMissing, match="PIPER_VOICE_PATH"):
        PiperTTS(voice_path=tmp_path / "voice.onnx")

    settings.WHISPER_MODEL_DIR = tmp_path / "whisper-base"
    with pytest.raises(ModelMissing, match="WHISPER_MODEL_DIR"):
        check_models()


def test_installing_again_repairs_a_damaged_model(installed):
    model = installed.whisper / "model.bin"
    size = model.stat().st_size
    with model.open("r+b") as handle:
        handle.truncate(size // 2)
    with pytest.raises(ModelMissing, match="damaged"):
        check_whisper(installed.whisper)

    assert install_whisper(installed.whisper) is True

    assert model.stat().st_size == size
    assert check_whisper(installed.whisper) == installed.whisper
