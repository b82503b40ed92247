"""The library as few-shot material: read without running anything, and BM25 retrieval that
finds the right programs for real specs."""

import tomllib
from pathlib import Path

import pytest

from raspstudio.drafting import library as draft_library
from raspstudio.drafting.library import LibraryIndex, library_root, load_library, tokenize

ROOT = Path(__file__).parents[2]
LIBRARY = ROOT / "programs"


@pytest.fixture(scope="module")
def index() -> LibraryIndex:
    return LibraryIndex(load_library(LIBRARY))


def names(programs) -> list[str]:
    return [p.name for p in programs]


def test_load_library_finds_every_program_sorted_by_kind_and_name():
    programs = load_library(LIBRARY)
    files = sorted(LIBRARY.glob("*/*.py"))
    assert len(programs) == len(files) >= 121
    assert [(p.kind, p.name) for p in programs] == sorted((f.parent.name, f.stem) for f in files)
    for p in programs:
        assert p.spec and p.kind and p.path.parent.name == p.kind
        assert p.source == p.path.read_text(encoding="utf-8")
    reverse = next(p for p in programs if p.name == "reverse")
    assert (reverse.kind, reverse.spec) == ("positional", "Reverse the sequence.")


def test_load_library_executes_nothing(tmp_path: Path):
    kind = tmp_path / "maps"
    kind.mkdir()
    marker = tmp_path / "marker"
    (kind / "exits.py").write_text('"""Exits when run."""\n\nraise SystemExit(3)\n')
    (kind / "writes.py").write_text(
        f'"""Writes a marker when run."""\n\nopen({str(marker)!r}, "w").close()\n'
    )
    (kind / "no_spec.py").write_text("program = None\n")
    (kind / "broken.py").write_text('"""Does not parse."""\n\ndef (:\n')
    assert names(load_library(tmp_path)) == ["exits", "writes"]
    assert not marker.exists()


def test_without_reference_drops_the_reference_and_keeps_the_program():
    (reverse,) = [p for p in load_library(LIBRARY) if p.name == "reverse"]
    shown = reverse.without_reference()
    assert "def reference" not in shown and "xs[::-1]" not in shown
    assert "program = rasp.Aggregate(flip, rasp.tokens)" in shown
    assert shown.startswith('"""Reverse the sequence."""') and shown.endswith(
        ').named("reverse")\n'
    )
    assert "\n\n\n\n" not in shown


def test_tokenize_drops_stopwords_and_a_plural_s():
    assert tokenize("Count how many times each token appears, in the sequence.") == [
        "count",
        "how",
        "many",
        "time",
        "token",
        "appear",
        "sequence",
    ]
    assert tokenize("Is it a bus? x_1") == ["bus", "x", "1"]


@pytest.mark.parametrize(
    ("spec", "expected", "within"),
    [
        ("reverse the sequence", "reverse", 1),
        ("reverse the order of the tokens", "reverse", 2),
        ("count how many times each token appears", "histogram", 3),
        ("sort the tokens in increasing order", "sort", 1),
        ("is the parenthesis string balanced", "dyck1_balanced", 1),
        ("shift every token one position to the right", "shift_right_by_one", 1),
        ("uppercase every letter", "to_uppercase", 1),
        ("the maximum token broadcast to every position", "maximum_broadcast", 1),
        ("number of distinct tokens", "distinct_token_count", 1),
        ("does the sequence contain the substring ab", "contains_ab_substring", 1),
        ("the fraction of tokens that are a", "fraction_of_a", 1),
        ("running minimum of the prefix", "running_minimum", 1),
    ],
)
def test_closest_finds_the_program_for_a_real_spec(
    index: LibraryIndex, spec: str, expected: str, within: int
):
    assert expected in names(index.closest(spec, within))


def test_closest_honours_exclude(index: LibraryIndex):
    assert "reverse" not in names(index.closest("reverse the sequence", 5, exclude={"reverse"}))
    everything = index.closest("reverse the sequence", 1000, exclude=["reverse", "sort"])
    assert len(everything) == len(index.programs) - 2
    assert not {"reverse", "sort"} & set(names(everything))


def test_closest_always_fills_k_and_is_deterministic(index: LibraryIndex):
    everything = index.closest("reverse the sequence", 1000)
    assert sorted(names(everything)) == sorted(names(index.programs))
    assert names(index.closest("", 4)) == sorted(names(index.programs))[:4]
    assert names(index.closest("zzz qqq", 3)) == sorted(names(index.programs))[:3]
    first = names(index.closest("count how many times each token appears", 5))
    assert len(first) == 5
    assert names(index.closest("count how many times each token appears", 5)) == first
    assert names(LibraryIndex(load_library(LIBRARY)).closest("sort the tokens", 5)) == names(
        index.closest("sort the tokens", 5)
    )
    assert index.closest("sort", 0) == [] and LibraryIndex([]).closest("sort", 3) == []


def test_library_root_honours_rasp_library(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.delenv("RASP_LIBRARY", raising=False)
    assert library_root() == LIBRARY.resolve()
    assert len(load_library()) == len(load_library(LIBRARY))
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "only.py").write_text('"""The only program."""\n')
    monkeypatch.setenv("RASP_LIBRARY", str(tmp_path))
    assert library_root() == tmp_path
    assert names(load_library()) == ["only"]
    monkeypatch.setenv("RASP_LIBRARY", str(tmp_path / "missing"))
    assert load_library() == []


def test_an_installed_package_finds_its_copy_of_the_library(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    monkeypatch.delenv("RASP_LIBRARY", raising=False)
    monkeypatch.setattr(draft_library, "CHECKOUT", tmp_path / "no-checkout")
    monkeypatch.setattr(draft_library, "INSTALLED", tmp_path / "share" / "programs")
    assert library_root() == tmp_path / "share" / "programs"


def test_the_wheel_ships_every_kind_of_program():
    """pyproject.toml lists the library's folders as data files: a new kind must be added."""
    data_files = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "data-files"
    ]
    shipped = {pattern for patterns in data_files.values() for pattern in patterns}
    kinds = {p.name for p in LIBRARY.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))}
    assert shipped == {f"programs/{kind}/*.py" for kind in kinds} | {
        "programs/README.md",
        "programs/tasks.jsonl",
    }
