"""Load a program file: run it, find its programs, metadata and `reference`, record spans.

Runs inside the worker (user code executes here). Failures become RASP1xx diagnostics, never
exceptions: a front end always gets a `LoadedFile` back.
"""

import ast
import builtins
import difflib
import inspect
import linecache
import sys
import traceback
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracr.rasp import rasp

from raspstudio.config import (
    FILE_CONSTANTS,
    Config,
    ConfigError,
    pyproject_settings,
    resolve_config,
)
from raspstudio.pipeline.interrupted import Interrupted
from raspstudio.pipeline.names import LOCAL, remember_variables, remembering_names
from raspstudio.pipeline.spans import recording_spans, span_of, traceback_site
from raspstudio.pipeline.validate import unused_operations
from raspstudio.report import Diagnostic, Site, Span
from raspstudio.syntax import parse_source, whole_line

_CONSTANT_OF_KEY = {key: constant for constant, key in FILE_CONSTANTS.items()}


@dataclass
class Program:
    name: str
    sop: rasp.SOp
    span: Span  # where it is defined: the `program =` assignment or the `def make_*`


@dataclass
class LoadedFile:
    path: str
    programs: list[Program] = field(default_factory=list)
    config: Config | None = None
    reference: Any = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    namespace: dict[str, Any] = field(default_factory=dict)


def load_file(
    path: str,
    text: str | None = None,
    overrides: dict | None = None,
    defaults: dict | None = None,
    siblings: bool = True,
) -> LoadedFile:
    """Execute the file (or `text`, an unsaved version of it) and collect what the engine needs.

    With `siblings` false, modules beside the file cannot be imported (drafts need none).
    """
    path = str(Path(path).resolve())
    loaded = LoadedFile(path=path)
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except UnicodeDecodeError as e:
            loaded.diagnostics.append(whole_line("RASP101", f"file is not UTF-8 text: {e}", 1))
            return loaded
    # Tracebacks and span columns (spans.py) read the source through linecache: give it the
    # text being run, which may be an editor's unsaved version of the file.
    linecache.cache[path] = (len(text), None, text.splitlines(keepends=True), path)
    compiled = parse_source(text, path)
    if isinstance(compiled, Diagnostic):
        loaded.diagnostics.append(compiled)
        return loaded
    code, tree = compiled

    module = _execute(code, path, loaded, siblings)
    if module is None:
        return loaded
    loaded.namespace = vars(module)
    remember_variables(loaded.namespace)
    definitions = _top_level_definitions(tree)
    loaded.config = _configure(path, loaded, definitions, overrides or {}, defaults or {})
    loaded.programs = _find_programs(path, module, definitions, loaded, _made_by(tree))
    if loaded.programs:
        loaded.diagnostics += [
            Diagnostic(p.code, p.message, span_of(p.expr))
            for p in unused_operations(loaded.namespace, [p.sop for p in loaded.programs])
        ]
    loaded.reference = getattr(module, "reference", None)
    if not callable(loaded.reference):
        loaded.reference = None
    if not loaded.programs and not any(
        d.code in ("RASP102", "RASP108") for d in loaded.diagnostics
    ):
        loaded.diagnostics.append(
            whole_line(
                "RASP104",
                "no RASP program found: define a module-level SOp named `program` or a "
                "function `make_<name>()` (all parameters with defaults) that returns an SOp",
                1,
            )
        )
    return loaded


def _execute(
    code: types.CodeType, path: str, loaded: LoadedFile, siblings: bool
) -> types.ModuleType | None:
    """Run the module, with its folder importable if `siblings`; those are re-imported each time.

    The folder goes at the end of `sys.path`, after the standard library and the packages the
    worker runs on: a helper module beside the program imports, but a neighbour `typing.py`
    or `numbers.py` cannot take the place of the module of that name.
    """
    folder = str(Path(path).parent)
    module = types.ModuleType(Path(path).stem)
    module.__file__ = path
    added = siblings and folder not in sys.path
    if added:
        sys.path.append(folder)
    imported_before = set(sys.modules)
    try:
        with recording_spans(path), remembering_names(path):
            exec(code, vars(module))
    except Interrupted:
        raise
    except BaseException as e:  # noqa: BLE001 - user code may raise anything, even SystemExit
        loaded.diagnostics.append(_exception("RASP102", e, path, "while loading the file"))
        return None
    finally:
        if added:
            sys.path.remove(folder)
        _forget_modules_imported(folder, since=imported_before)
    return module


def _forget_modules_imported(folder: str, since: set[str]) -> None:
    """Drop the sibling modules the file imported, so the next load sees their edits.

    Only modules imported by this load: a program file may sit in a folder that also holds
    packages the worker itself runs on (a checkout of rasp-studio), which must stay loaded.
    """
    for name in set(sys.modules) - since:
        file = getattr(sys.modules[name], "__file__", None) or ""
        if file.startswith(folder + "/"):
            del sys.modules[name]


def _top_level_definitions(tree: ast.Module) -> dict[str, Span]:
    """Span of each module-level name's (last) definition, to locate config and programs."""
    spans: dict[str, Span] = {}
    for node in tree.body:
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        elif isinstance(node, ast.FunctionDef):
            spans[node.name] = Span(
                node.lineno, node.col_offset + 1, node.lineno, node.col_offset + 5 + len(node.name)
            )
            continue
        for target in targets:
            if isinstance(target, ast.Name):
                spans[target.id] = Span(
                    target.lineno,
                    target.col_offset + 1,
                    target.end_lineno or target.lineno,
                    (target.end_col_offset or 0) + 1,
                )
    return spans


def _configure(
    path: str, loaded: LoadedFile, definitions: dict[str, Span], overrides: dict, defaults: dict
) -> Config | None:
    constants = {k: loaded.namespace[k] for k in FILE_CONSTANTS if k in loaded.namespace}
    try:
        project = pyproject_settings(Path(path).parent)
        config = resolve_config(constants, project, overrides, defaults)
    except ConfigError as e:
        span = definitions.get(_CONSTANT_OF_KEY.get(e.key, ""), Span(1, 1, 1, 2))
        loaded.diagnostics.append(Diagnostic("RASP105", str(e), span))
        return None
    if config.vocab is None:
        loaded.diagnostics.append(
            Diagnostic(
                "RASP103",
                "no vocabulary: set VOCAB = {...} in the file, `vocab` under [tool.rasp] in "
                'pyproject.toml, or pass --vocab "a b c"',
                Span(1, 1, 1, 2),
            )
        )
        return None
    return config


def _made_by(tree: ast.Module) -> str | None:
    """`make_x` where the module's (last) `program = make_x()` calls it: one program, not two."""
    found = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "program" for t in node.targets
        ):
            call = node.value
            plain = isinstance(call, ast.Call) and not call.args and not call.keywords
            name = call.func.id if plain and isinstance(call.func, ast.Name) else None
            found = name if name and name.startswith("make_") else None
    return found


def _find_programs(
    path: str,
    module: types.ModuleType,
    definitions: dict[str, Span],
    loaded: LoadedFile,
    made_by: str | None,
) -> list[Program]:
    programs = []
    candidate = getattr(module, "program", None)
    if isinstance(candidate, rasp.SOp):
        programs.append(Program("program", candidate, definitions.get("program", Span(1, 1, 1, 2))))
    else:
        made_by = None  # `program` is not an SOp after all: check make_x on its own
    for name, fn in vars(module).items():
        if not (name.startswith("make_") and inspect.isfunction(fn)) or name == made_by:
            continue
        if fn.__code__.co_filename != path or not _all_defaulted(fn):
            continue
        span = definitions.get(
            name, Span(fn.__code__.co_firstlineno, 1, fn.__code__.co_firstlineno, 2)
        )
        try:
            with recording_spans(path), remembering_names(path):
                sop = fn()
        except Interrupted:
            raise
        except BaseException as e:  # noqa: BLE001
            loaded.diagnostics.append(_exception("RASP102", e, path, f"while calling {name}()"))
            continue
        if not isinstance(sop, rasp.SOp):
            loaded.diagnostics.append(
                Diagnostic(
                    "RASP108",
                    f"{name}() returned {type(sop).__name__}, not an SOp; `make_*` functions "
                    "must return the program's output SOp",
                    span,
                    program=name,
                )
            )
            continue
        remember_variables({name: sop}, LOCAL)  # its output is called after the builder
        programs.append(Program(name, sop, span))
    return programs


def _all_defaulted(fn: types.FunctionType) -> bool:
    return all(
        p.default is not inspect.Parameter.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        for p in inspect.signature(fn).parameters.values()
    )


def _exception(code: str, e: BaseException, path: str, when: str) -> Diagnostic:
    """The exception where it was raised: in the file, or in a helper module it imports (with
    the calls that led there); line 1 when no user code was running."""
    site = traceback_site(e.__traceback__, path) or Site(Span(1, 1, 1, 2))
    if isinstance(e, SystemExit):
        message = f"the file called sys.exit({e.code!r}) {when}"
    elif isinstance(e, MemoryError):
        message = f"MemoryError {when}: the worker's memory limit was reached"
    else:
        message = f"{type(e).__name__} {when}: {described(e)}"
    return Diagnostic.at(site, code, message)


def described(e: BaseException) -> str:
    """The exception's text as Python's own traceback shows it: with "Did you mean: 'Map'?"
    for a misspelt name (Python 3.11 adds that only when printing to a terminal)."""
    text = " ".join(line.strip() for line in traceback.format_exception_only(type(e), e))
    prefix = f"{type(e).__name__}: "
    text = text[len(prefix) :] if text.startswith(prefix) else str(e)
    name = getattr(e, "name", None)
    if not isinstance(name, str) or "Did you mean" in text:
        return text
    if isinstance(e, AttributeError):
        known = dir(getattr(e, "obj", None))
    elif isinstance(e, NameError):
        tb = e.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        frame = tb.tb_frame if tb is not None else None
        known = [*(frame.f_locals if frame else ()), *(frame.f_globals if frame else ())]
        known += dir(builtins)
    else:
        return text
    close = difflib.get_close_matches(name, [k for k in known if not k.startswith("_")], n=1)
    return f"{text}. Did you mean: '{close[0]}'?" if close else text
