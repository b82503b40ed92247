"""Write programs/tasks.jsonl: one drafting task per library program, for TracrBench-style
evaluation of LLM drafting (`rasp draft-eval programs/tasks.jsonl`).

    .venv/bin/python programs/make_tasks.py

Each line holds a program's name, kind and spec, its EXAMPLES with the outputs of its own
`reference`, that reference as standalone source (with the module-level helpers and standard
library imports it uses), its sorted vocabulary and maximum length. tests/test_draft_tasks.py
checks that the committed file is what this script writes.
"""

import ast
import importlib.util
import json
import symtable
import sys
from pathlib import Path

from raspstudio.drafting.library import LibraryProgram, load_library

HERE = Path(__file__).resolve().parent


def _bound_names(node: ast.stmt) -> list[str]:
    """The names a top-level statement binds."""
    if isinstance(node, ast.FunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Import | ast.ImportFrom):
        return [(alias.asname or alias.name).split(".")[0] for alias in node.names]
    if isinstance(node, ast.Assign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    return []


def _globals_of(table: symtable.SymbolTable) -> set[str]:
    """The global names a scope and the scopes nested in it read."""
    names = {s.get_name() for s in table.get_symbols() if s.is_global() and s.is_referenced()}
    for child in table.get_children():
        names |= _globals_of(child)
    return names


def _uses(node: ast.stmt, module: symtable.SymbolTable) -> set[str]:
    """The module-level names a top-level statement reads."""
    if isinstance(node, ast.FunctionDef):
        (function,) = [t for t in module.get_children() if t.get_name() == node.name]
        return _globals_of(function)
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} - set(_bound_names(node))


def reference_source(program: LibraryProgram) -> str:
    """`def reference` with the module-level statements it needs before it, runnable alone."""
    tree = ast.parse(program.source)
    module = symtable.symtable(program.source, str(program.path), "exec")
    defined = {name: node for node in tree.body for name in _bound_names(node)}
    needed: list[ast.stmt] = []
    pending = ["reference"]
    while pending:
        node = defined.get(pending.pop())
        if node is None or node in needed:
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for name in modules or [alias.name for alias in node.names]:
                if name.split(".")[0] not in sys.stdlib_module_names:
                    raise ValueError(f"{program.path}: reference needs {name}: not standalone")
        needed.append(node)
        pending += _uses(node, module)
    needed.sort(key=lambda node: node.lineno)
    return "\n\n\n".join(ast.get_source_segment(program.source, node) for node in needed) + "\n"


def task(program: LibraryProgram) -> dict:
    spec = importlib.util.spec_from_file_location(f"library_{program.name}", program.path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {
        "name": program.name,
        "kind": program.kind,
        "spec": program.spec,
        "examples": [
            {"input": list(xs), "output": module.reference(list(xs))} for xs in module.EXAMPLES
        ],
        "reference": reference_source(program),
        "vocab": sorted(module.VOCAB, key=lambda v: (type(v).__name__, v)),
        "max_seq_len": module.MAX_SEQ_LEN,
    }


def tasks_jsonl(root: Path = HERE) -> str:
    """The text of tasks.jsonl for the library under root."""
    return "".join(json.dumps(task(p), ensure_ascii=False) + "\n" for p in load_library(root))


def main() -> None:
    (HERE / "tasks.jsonl").write_text(tasks_jsonl(), encoding="utf-8")


if __name__ == "__main__":
    main()
