"""The program library as few-shot material for drafting: read it, and find the programs
closest to a spec.

Few-shot examples chosen by similarity to the user's spec help a model more than a fixed set,
and the choice must work offline, so it is plain BM25 over each program's spec and name. The
library is read with `ast` only: no file is executed.
"""

import ast
import math
import os
import re
import sys
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

K1 = 1.5
B = 0.75
STOPWORDS = frozenset(
    {
        *("the", "a", "an", "of", "each", "is", "to", "in", "and", "or", "every", "with"),
        *("by", "for", "at", "its", "it", "that", "which", "are", "be", "as", "on", "from"),
    }
)


@dataclass(frozen=True)
class LibraryProgram:
    name: str  # file stem, e.g. "reverse"
    kind: str  # folder, e.g. "positional"
    path: Path
    spec: str  # first docstring line
    source: str  # whole file text

    def without_reference(self) -> str:
        """The file text with `def reference` removed (and surplus blank lines collapsed): what
        a few-shot example shows."""
        lines = self.source.splitlines(keepends=True)
        for node in ast.parse(self.source).body:
            if isinstance(node, ast.FunctionDef) and node.name == "reference":
                start = min([node.lineno] + [d.lineno for d in node.decorator_list])
                del lines[start - 1 : node.end_lineno]
                break
        return re.sub(r"\n{3,}", "\n\n\n", "".join(lines)).strip() + "\n"


# A source checkout (or editable install) has programs/ beside the package; a wheel installs a
# copy as data files (pyproject.toml, [tool.setuptools.data-files]).
CHECKOUT = Path(__file__).resolve().parents[2] / "programs"
INSTALLED = Path(sys.prefix) / "share" / "rasp-studio" / "programs"


def library_root() -> Path:
    """$RASP_LIBRARY if set, else the checkout's programs/ folder, else the installed copy."""
    configured = os.environ.get("RASP_LIBRARY")
    if configured:
        return Path(configured)
    return CHECKOUT if CHECKOUT.is_dir() else INSTALLED


def load_library(root: Path | None = None) -> list[LibraryProgram]:
    """Every program file under root/<kind>/*.py, sorted by (kind, name); [] if root does not
    exist. Files without a docstring spec (or that do not parse) are skipped."""
    root = library_root() if root is None else root
    programs = []
    for path in sorted(root.glob("*/*.py"), key=lambda p: (p.parent.name, p.stem)):
        source = path.read_text(encoding="utf-8")
        try:
            docstring = (ast.get_docstring(ast.parse(source)) or "").strip()
        except (SyntaxError, ValueError):
            continue
        if docstring:
            spec = docstring.splitlines()[0].strip()
            programs.append(LibraryProgram(path.stem, path.parent.name, path, spec, source))
    return programs


def tokenize(text: str) -> list[str]:
    """Lowercase words without stopwords, a trailing 's' stripped from the longer ones."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return [w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words if w not in STOPWORDS]


class LibraryIndex:
    """Okapi BM25 (k1=1.5, b=0.75, idf = ln(1 + (N - df + 0.5) / (df + 0.5)), never negative)
    over each program's spec, its name split on '_', and its kind, as `tokenize` splits them."""

    def __init__(self, programs: list[LibraryProgram]):
        self.programs = programs
        self.terms = [
            Counter(tokenize(f"{p.spec} {p.name.replace('_', ' ')} {p.kind}")) for p in programs
        ]
        self.lengths = [sum(terms.values()) for terms in self.terms]
        self.average_length = max(sum(self.lengths), 1) / max(len(programs), 1)  # never 0
        documents_with = Counter(term for terms in self.terms for term in terms)
        n = len(programs)
        self.idf = {
            t: math.log((n - df + 0.5) / (df + 0.5) + 1) for t, df in documents_with.items()
        }

    def score(self, query: list[str], i: int) -> float:
        terms, norm = self.terms[i], K1 * (1 - B + B * self.lengths[i] / self.average_length)
        return sum(
            self.idf[t] * terms[t] * (K1 + 1) / (terms[t] + norm) for t in query if t in terms
        )

    def closest(self, spec: str, k: int, exclude: Collection[str] = ()) -> list[LibraryProgram]:
        """The k best-scoring programs for `spec`, best first, skipping names in `exclude`; ties
        broken by name; programs scoring 0 still fill up to k."""
        query = tokenize(spec)
        ranked = sorted(
            (-self.score(query, i), p.name, i)
            for i, p in enumerate(self.programs)
            if p.name not in exclude
        )
        return [self.programs[i] for _, _, i in ranked[: max(k, 0)]]
