"""`workspace/executeCommand`: show layers, run on an input, set the running example, restart;
generateFromSpec lives in generate.py.

Handlers take their arguments positionally, as clients send them; each validates them and
answers with a clear error rather than a stack trace.
"""

from pathlib import Path
from typing import TYPE_CHECKING, Any

from raspstudio.lsp.analysis import path_of
from raspstudio.lsp.generate import GENERATE_FROM_SPEC, GenerateError, generate_from_spec
from raspstudio.report import ModelSummary, counted
from raspstudio.tokens import parse_tokens

if TYPE_CHECKING:
    from raspstudio.lsp.app import RaspServer

SHOW_LAYERS = "rasp.server.showLayers"
RUN_ON_INPUT = "rasp.server.runOnInput"
SET_EXAMPLE = "rasp.server.setExample"
RESTART_WORKER = "rasp.server.restartWorker"
RUNNING_EXAMPLE = "rasp.server.runningExample"
EXAMPLE_WAIT = 3.0  # seconds runningExample waits for the views of a just-edited document


class CommandError(ValueError):
    """Bad arguments or a failure the user should read."""


# generate.py raises its own: it may not import this module's server helpers (a cycle).
ERRORS = (CommandError, GenerateError)


def _argument(args: tuple, index: int, name: str, kind: type, optional: bool = False) -> Any:
    value = args[index] if index < len(args) else None
    if value is None and optional:
        return None
    if not isinstance(value, kind):
        raise CommandError(f"argument {index + 1} ({name}) must be a {kind.__name__}")
    return value


def _tokens(value: Any) -> list:
    if isinstance(value, str):
        return parse_tokens(value)
    if isinstance(value, list):
        return value
    raise CommandError("the input must be a string like 'a b c' or a list of tokens")


def layers_markdown(program: str, model: ModelSummary) -> str:
    """The layer table as Markdown: one row per head or MLP, with the operations it computes."""
    rows = [
        f"# `{program}`: {counted(model.layers, 'layer')} · {counted(model.heads, 'head')} · "
        f"{counted(model.mlps, 'MLP')} · d_model {model.residual_dim} · {model.params:,} params",
        "",
        "| layer | block | operations | lines | width |",
        "|---|---|---|---|---|",
    ]
    for block in model.blocks:
        where = f"attn h{block.head}" if block.sublayer == "attn" else "mlp"
        lines = ", ".join(str(n) for n in block.lines if n is not None)
        rows.append(
            f"| {block.layer} | {where} | {', '.join(block.operations)} | {lines} | {block.width} |"
        )
    rows += ["", "Residual stream: " + ", ".join(f"`{r}`" for r in model.residual_names)]
    return "\n".join(rows)


async def _in_worker(server: "RaspServer", uri: str, title: str, call: Any) -> dict:
    """`call(engine, path, text)` on the document in an engine of the pool, with progress; its
    result.

    Refused in untrusted workspaces, where no user code may run.
    """
    _require_execute(server)
    text = server.text_of(uri)
    progress = server.progress(title)
    try:
        result, diagnostics, error = await server.analyzer.in_engine(
            lambda engine: call(engine, path_of(uri), text), uri=uri
        )
    finally:
        progress.end()
    if result is None:
        problem = error or next((d.message for d in diagnostics if d.severity == "error"), None)
        raise CommandError(f"the file cannot be run: {problem or 'it does not load'}")
    return result


async def show_layers(server: "RaspServer", *args: Any) -> dict:
    uri = _argument(args, 0, "document uri", str)
    name = _argument(args, 1, "program name", str, optional=True)
    # False: only return the report (the VS Code extension opens it beside the editor).
    open_report = _argument(args, 2, "open the report", bool, optional=True) is not False
    overrides = server.settings.overrides()
    result = await _in_worker(
        server,
        uri,
        "Compiling",
        lambda engine, path, text: engine.compile(path, name, overrides, text),
    )
    if result["model"] is None:
        raise CommandError(f"`{result['program']}` does not compile: {result['error']}")
    markdown = layers_markdown(result["program"], result["model"])
    name = f"{Path(path_of(uri)).stem}-{result['program']}"
    shown = await server.show_report(name, markdown) if open_report else None
    return {"program": result["program"], "markdown": markdown, "uri": shown}


async def run_on_input(server: "RaspServer", *args: Any) -> dict:
    uri = _argument(args, 0, "document uri", str)
    tokens = _tokens(args[1] if len(args) > 1 else None)
    name = _argument(args, 2, "program name", str, optional=True)
    overrides = server.settings.overrides()
    result = await _in_worker(
        server,
        uri,
        f"Running on {' '.join(map(str, tokens))}",
        lambda engine, path, text: engine.run(path, tokens, name, overrides, text),
    )
    if "input_error" in result:
        raise CommandError(result["input_error"])
    return result


async def set_example(server: "RaspServer", *args: Any) -> dict:
    """`(tokens)` sets the example for every document; `(uri, tokens)` for one."""
    if len(args) >= 2:
        uri = _argument(args, 0, "document uri", str)
        tokens = _tokens(args[1])
    else:
        uri, tokens = None, _tokens(args[0] if args else None)
    server.set_example(uri, tokens)
    return {"example": tokens}


async def running_example(server: "RaspServer", *args: Any) -> dict:
    """`(uri)`: the input hovers and inlay hints show values on (one set with setExample, else
    the file's first EXAMPLES, else a default), so an editor can offer it as Run on Input's
    input; `example` is None until the file has loaded. Runs nothing: it reads the analysis."""
    uri = _argument(args, 0, "document uri", str)
    # The views come with each program's evaluation, after the first stage: wait for them.
    found = await server.analyzer.wait_for_current(uri, EXAMPLE_WAIT, complete=True)
    view = next(iter(found.report.views.values()), None) if found else None
    if view is None:
        return {"example": None, "source": None}
    return {"example": view.example, "source": view.example_source}


def _require_execute(server: "RaspServer") -> None:
    """Refuse what would start a worker in an untrusted workspace, where no user code runs."""
    if not server.settings.execute:
        raise CommandError(
            "rasp runs no code in this workspace (`execute` is false: an untrusted workspace)"
        )


async def restart_worker(server: "RaspServer", *args: Any) -> dict:
    _require_execute(server)
    for engine in server.analyzer.engines:
        engine.worker.cancel()
    await server.analyzer.on_every_engine(lambda engine: engine.worker.restart())
    server.reanalyze_all()
    return {"restarted": True}


COMMANDS = {
    SHOW_LAYERS: show_layers,
    RUN_ON_INPUT: run_on_input,
    SET_EXAMPLE: set_example,
    RESTART_WORKER: restart_worker,
    RUNNING_EXAMPLE: running_example,
    GENERATE_FROM_SPEC: generate_from_spec,
}
