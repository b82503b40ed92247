"""`rasp sample`: distinct random programs that all verify, the same files for the same seed."""

import re
from contextlib import closing
from pathlib import Path

import pytest

from raspstudio.engine import Engine
from raspstudio.sampling.sampler import verdict
from tests.conftest import FIXTURES, check_json, run_rasp


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("samples") / "A"
    result = run_rasp("sample", "12", "--seed", "1", "-o", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_the_same_seed_gives_byte_identical_files(corpus: Path, tmp_path: Path):
    result = run_rasp("sample", "12", "--seed", "1", "-o", str(tmp_path / "B"))
    assert result.returncode == 0, result.stderr
    assert list(_files(corpus)) == [f"sample_{i:05d}.py" for i in range(12)]
    assert _files(tmp_path / "B") == _files(corpus)


def test_every_sample_compiles_and_verifies(corpus: Path):
    report = check_json(corpus)
    assert report["summary"] == {"files": 12, "programs": 12, "errors": 0, "warnings": 0}
    programs = [p for f in report["files"] for p in f["programs"]]
    assert all(p["compiled"] and p["verified_inputs"] > 0 for p in programs)


def test_samples_follow_the_library_file_convention(corpus: Path):
    for path in corpus.iterdir():
        text = path.read_text()
        assert text.startswith('"""Sampled program, ')
        assert "with seed 1: sample " in text
        assert re.search(r"^VOCAB = \{.+\}$", text, re.M)
        assert re.search(r"^MAX_SEQ_LEN = \d$", text, re.M)
        operations = [line for line in text.splitlines() if " = rasp." in line]
        assert operations and all(".named(" in line for line in operations)
        assert operations[-1].startswith("program = ")
        assert operations[-1].endswith(f'.named("{path.stem}")')


def _without_names(text: str) -> str:
    body = text.split('"""', 2)[2]  # the docstring says which sample it is
    return re.sub(r'\.named\("\w+"\)', "", body)


def test_no_two_samples_are_the_same_program(corpus: Path):
    bodies = {_without_names(path.read_text()) for path in corpus.iterdir()}
    assert len(bodies) == 12


def test_another_seed_gives_other_programs(corpus: Path, tmp_path: Path):
    result = run_rasp("sample", "4", "--seed", "2", "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    ours = {_without_names(path.read_text()) for path in tmp_path.iterdir()}
    assert ours.isdisjoint(_without_names(path.read_text()) for path in corpus.iterdir())


def test_the_report_counts_kept_tried_and_rejected(tmp_path: Path):
    result = run_rasp("sample", "3", "--seed", "1", "-o", str(tmp_path))
    summary = re.fullmatch(
        rf"Sampled 3 programs to {re.escape(str(tmp_path))} \(seed 1\): (\d+) tried, "
        r"rejection rate (\d+\.\d)%\.(?:\nRejected: ((?:\w[\w ]*\d+(?:, )?)+)\.)?",
        result.stdout.strip(),
    )
    assert summary, result.stdout
    tried = int(summary.group(1))
    assert float(summary.group(2)) == pytest.approx(100 * (1 - 3 / tried), abs=0.05)
    reasons = summary.group(3) or ""
    assert sum(int(n) for n in re.findall(r"(\d+)(?:, |$)", reasons)) == tried - 3


def test_a_non_empty_folder_is_refused_unless_forced(tmp_path: Path):
    (tmp_path / "notes.txt").write_text("mine")
    result = run_rasp("sample", "1", "-o", str(tmp_path))
    assert result.returncode == 2
    assert "is not empty; use --force" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    forced = run_rasp("sample", "1", "-o", str(tmp_path), "--force")
    assert forced.returncode == 0, forced.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "sample_00000.py"]


@pytest.mark.parametrize("count", ["0", "-1", "x"])
def test_a_bad_count_is_a_usage_error(count: str, tmp_path: Path):
    result = run_rasp("sample", count, "-o", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "expected a positive integer" in result.stderr
    assert not (tmp_path / "out").exists()


def test_two_jobs_write_the_files_one_job_writes(corpus: Path, tmp_path: Path):
    result = run_rasp("sample", "12", "--seed", "1", "--jobs", "2", "-o", str(tmp_path / "B"))
    assert result.returncode == 0, result.stderr
    assert _files(tmp_path / "B") == _files(corpus)
    one = run_rasp("sample", "12", "--seed", "1", "-o", str(tmp_path / "C"))
    assert result.stdout.replace("B", "C") == one.stdout  # the same tally of tried and rejected


def test_every_sample_exports_with_a_circuit_that_holds(corpus: Path, tmp_path: Path):
    result = run_rasp("export", str(corpus), "-o", str(tmp_path / "out"), "--shard-size", "12")
    assert result.returncode == 0, result.stdout
    assert result.stdout.endswith(
        f"Exported 12 programs to {tmp_path / 'out'} in 1 shard; 0 skipped.\n"
    )


def test_a_candidate_whose_circuit_ablation_does_not_confirm_is_rejected():
    # It verifies (rasp check is clean) but reads its input without needing it: export
    # refuses it, so the sampler must not keep such a candidate.
    ignores = FIXTURES / "ignores_its_input.py"
    assert check_json(ignores)["summary"]["errors"] == 0
    with closing(Engine()) as engine:
        assert verdict(engine, str(ignores), ignores.read_text()) == "circuit"
        assert (
            verdict(engine, str(FIXTURES / "sample.py"), (FIXTURES / "sample.py").read_text())
            is None
        )
