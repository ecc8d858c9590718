"""The bank ships inside the wheel: a non-editable install finds every card."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # No build isolation: hatchling comes with the test extra, so this needs no network.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("interview_prep-*.whl")
    return built


def test_wheel_contains_every_card(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    cards = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "question_bank").glob("*/*.yaml"))
    assert cards, "the repository has no cards"
    missing = [c for c in cards if f"interview_prep/{c}" not in names]
    assert missing == []
    assert "interview_prep/question_bank/README.md" in names
    entry_points = (
        zipfile.ZipFile(wheel)
        .read(next(n for n in names if n.endswith(".dist-info/entry_points.txt")))
        .decode()
    )
    assert "prep = interview_prep.launch:main" in entry_points


def test_installed_wheel_loads_the_bank_from_inside_the_package(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = (
        "from interview_prep.bank import packaged_bank_dir, load_bank\n"
        "d = packaged_bank_dir(); b = load_bank([d])\n"
        "print(d); print(b.files_read)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    proc = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    folder, count = proc.stdout.split()
    assert Path(folder) == site / "interview_prep" / "question_bank"
    assert int(count) == len(list((ROOT / "question_bank").glob("*/*.yaml")))
