"""The private scratch folder: ours, 0700, and refused when someone planted it."""

import os
import stat
import tempfile
from pathlib import Path

import pytest

from raspstudio.scratch import private_folder, replace_file


@pytest.fixture
def temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def test_the_folder_is_made_private(temp: Path):
    reports = private_folder("reports")
    base = temp / f"rasp-studio-{os.getuid()}"
    assert reports == base / "reports"
    assert stat.S_IMODE(os.lstat(base).st_mode) == 0o700


def test_a_planted_link_is_refused_and_its_target_untouched(temp: Path):
    victim = temp / "victim"
    victim.mkdir()
    (temp / f"rasp-studio-{os.getuid()}").symlink_to(victim)
    with pytest.raises(OSError, match="not a private folder"):
        private_folder("reports")
    assert list(victim.iterdir()) == []


def test_a_folder_others_can_enter_is_refused(temp: Path):
    (temp / f"rasp-studio-{os.getuid()}").mkdir(mode=0o777)
    os.chmod(temp / f"rasp-studio-{os.getuid()}", 0o777)
    with pytest.raises(OSError, match="not a private folder"):
        private_folder()


def test_replacing_a_file_never_writes_through_a_link(temp: Path):
    folder = private_folder("reports")
    target = temp / "precious.txt"
    target.write_text("precious")
    (folder / "report.md").symlink_to(target)
    replace_file(folder / "report.md", "the report")
    assert target.read_text() == "precious"
    assert (folder / "report.md").read_text() == "the report"
