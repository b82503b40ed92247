"""The diagnostic catalogue and its documentation stay in step."""

import re
from pathlib import Path

from raspstudio.codes import CODES

DOC = Path(__file__).parent.parent / "docs" / "diagnostics.md"


def test_every_code_has_a_documented_section_its_link_points_to():
    headings = re.findall(r"^## (RASP\d{3}) (\S+)$", DOC.read_text(), flags=re.M)
    assert headings == [(c.code, c.slug) for c in CODES.values()]
    for c in CODES.values():
        assert c.url.endswith(f"#{c.code.lower()}-{c.slug}")


HINTS = {"RASP605"}  # style, not correctness: an unnamed operation compiles and verifies


def test_families_have_the_contracted_severities():
    for c in CODES.values():
        family = c.code[4]
        expected = "hint" if c.code in HINTS else "warning" if family == "6" else "error"
        assert c.severity == expected, c.code
