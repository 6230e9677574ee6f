"""Copies of the checkout as the Docker build context sends it (`.dockerignore` applied), for tests that run
settings and commands in a tree of their own: what they write under var/ never touches this checkout."""
from __future__ import annotations

import os
import shutil
import sys
from fnmatch import fnmatch
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Not needed to serve a page, and 200 MB: left out of the copies (the image keeps them).
NOT_COPIED = ("var/models",)


def dockerignore_patterns() -> list[tuple[bool, str]]:
    """(negated, pattern) for each rule of .dockerignore, in order; the last matching rule wins."""
    rules = []
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            rules.append((line.startswith("!"), line.removeprefix("!").strip("/")))
    return rules


def ignored(relative: str, rules: list[tuple[bool, str]]) -> bool:
    """Whether Docker leaves `relative` out of the build context (a rule matching a folder covers its files)."""
    parts = relative.split("/")
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    verdict = False
    for negated, pattern in rules:
        if any(fnmatch(prefix, pattern) or fnmatch(prefix, pattern.removeprefix("**/")) for prefix in prefixes):
            verdict = not negated
    return verdict


def copy_build_context(destination: Path) -> Path:
    """What `COPY . .` puts in the image's /app, less NOT_COPIED."""
    rules = dockerignore_patterns()
    for folder, dirs, files in os.walk(ROOT):
        here = Path(folder).relative_to(ROOT).as_posix()
        here = "" if here == "." else here + "/"
        dirs[:] = [d for d in dirs if here + d not in NOT_COPIED and not (
            ignored(here + d, rules) and not any(p.startswith(here + d + "/") for n, p in rules if n))]
        for name in files:
            if not ignored(here + name, rules):
                target = destination / here / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(Path(folder) / name, target)
    return destination


def bare_environment(home: Path, variables: dict[str, str] | None = None) -> dict[str, str]:
    """A process environment with nothing of ours in it (no settings module, database, Redis or secret)."""
    return {"PATH": os.environ["PATH"], "HOME": str(home), "PYTHONDONTWRITEBYTECODE": "1", **(variables or {})}


def local_argv(argv: list[str]) -> list[str]:
    """A command of the image run with this virtualenv's interpreter."""
    programs = {"python": [sys.executable], "daphne": [sys.executable, "-m", "daphne"],
                "celery": [sys.executable, "-m", "celery"]}
    return programs.get(argv[0], argv[:1]) + argv[1:]


@pytest.fixture
def checkout(tmp_path) -> Path:
    """A copy of the project as the image gets it, in a folder of its own."""
    return copy_build_context(tmp_path / "app")
