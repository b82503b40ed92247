"""Regenerate docs/diagnostics.md from sections.md, the examples and real `rasp check` runs.

    .venv/bin/python docs/diagnostics/generate.py

`{{SRC:name}}` in sections.md becomes examples/name.py, `{{OUT:name [flags]}}` the output of
`rasp check [flags] name.py` run in examples/. It refuses to write when the headings differ from
raspstudio/codes.py, when an example does not show its section's code, or when a "_fixed"
example is not clean.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

from raspstudio.codes import CODES

HERE = Path(__file__).parent
EXAMPLES = HERE / "examples"
RASP = str(Path(sys.executable).parent / "rasp")
OUT = HERE.parent / "diagnostics.md"

_cache: dict = {}


def run(args: list[str]) -> tuple[str, int]:
    key = tuple(args)
    if key not in _cache:
        p = subprocess.run([RASP, "check", *args], cwd=EXAMPLES, capture_output=True, text=True)
        _cache[key] = (p.stdout, p.returncode)
        print(f"ran rasp check {' '.join(args)} -> rc {p.returncode}", file=sys.stderr)
    return _cache[key]


def src(name: str) -> str:
    return "```python\n" + (EXAMPLES / f"{name}.py").read_text().rstrip("\n") + "\n```\n"


def out(name: str, *flags: str) -> str:
    args = [*flags, f"{name}.py"]
    stdout, _ = run(args)
    return "```text\n$ rasp check " + " ".join(args) + "\n" + stdout.rstrip("\n") + "\n```\n"


def expand(text: str) -> str:
    text = re.sub(r"\{\{SRC:(\w+)\}\}", lambda m: src(m.group(1)), text)
    text = re.sub(
        r"\{\{OUT:(\w+)((?: [^}]+)?)\}\}",
        lambda m: out(m.group(1), *m.group(2).split()),
        text,
    )
    return text


def fixed_ok(name: str, allowed_warnings: set[str] = frozenset()) -> None:
    stdout, rc = run([f"{name}.py"])
    codes = re.findall(r": (RASP\d{3}) (error|warning):", stdout)
    bad = [c for c, sev in codes if sev == "error" or c not in allowed_warnings]
    if rc != 0 or bad:
        raise SystemExit(f"fixed example {name} is not clean:\n{stdout}")


SECTIONS = (HERE / "sections.md").read_text()


def main() -> None:
    # The section order and headings must match the catalogue exactly.
    headings = re.findall(r"^## (RASP\d{3}) (\S+)$", SECTIONS, flags=re.M)
    expected = [(c.code, c.slug) for c in CODES.values()]
    if headings != expected:
        raise SystemExit(f"headings do not match codes.py:\n{headings}\n{expected}")
    for name in sorted({*re.findall(r"\{\{SRC:(\w+_fixed)\}\}", SECTIONS), "head_size_fixed"}):
        fixed_ok(name)
    # The code each example is about must really be in its output.
    for block in re.split(r"^## ", SECTIONS, flags=re.M)[1:]:
        code = block.split()[0]
        for m in re.finditer(r"\{\{OUT:(\w+)((?: [^}]+)?)\}\}", block):
            if m.group(1).endswith("_fixed"):
                continue
            stdout, _ = run([*m.group(2).split(), f"{m.group(1)}.py"])
            if f" {code} " not in stdout:
                raise SystemExit(f"{code}: example {m.group(1)} does not show it:\n{stdout}")
    json_out, _ = run(["--format", "json", "raises_on_input.py"])
    json.loads(json_out)
    text = expand(SECTIONS).replace("{{JSON}}", json_out.rstrip("\n"))
    OUT.write_text(text)
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
