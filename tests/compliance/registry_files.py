"""Registry files in the FTC's download format, for the registry tests and benchmark."""
from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path


def write_registry(path: Path, lines: list[str], *, zipped: bool = True, dated: dt.date = dt.date(2026, 11, 20),
                   member: str = "212.txt") -> Path:
    """A full-list file: one line each, zipped (the download's packaging, its entry dated `dated`) or plain."""
    text = "".join(line + "\r\n" for line in lines).encode("ascii")
    if not zipped:
        path.write_bytes(text)
        return path
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo(member, date_time=(dated.year, dated.month, dated.day, 6, 0, 0)), text)
    return path


def write_generated_registry(path: Path, count: int, area_codes: tuple[int, ...] = (212, 646, 917)) -> Path:
    """`count` distinct numbers, sorted, in the "AAA,NNNNNNN" shape, streamed to a plain file."""
    per_code = -(-count // len(area_codes))
    with path.open("w", newline="") as handle:
        written = 0
        for code in area_codes:
            for i in range(min(per_code, count - written)):
                handle.write(f"{code},{2000000 + i * 2:07d}\r\n")
            written += min(per_code, count - written)
    return path
