"""Spec → verified program: sample drafts from a model, check each, repair the best.

The loop (docs/drafting.md): build a prompt with library programs similar to the spec; ask
for `samples` drafts; judge each (policy, then the engine in the worker, scored by the stage
it reached); stop at the first verified draft; otherwise send the best draft back with its
located diagnostics, smallest failing input and intermediate values, for up to `rounds`
repairs. The front ends (CLI, language server, REPL) call `draft` and show its result.
"""

import functools
import itertools
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from raspstudio.drafting.candidate import judge
from raspstudio.drafting.data import STAGES, Attempt, DraftRequest, DraftResult, DraftSettings
from raspstudio.drafting.library import LibraryIndex, LibraryProgram, library_root, load_library
from raspstudio.drafting.llm import ChatModel, Endpoint, LLMError, NotConfigured
from raspstudio.drafting.policy import refusals
from raspstudio.drafting.prompt import extract_code, first_messages, reference_messages
from raspstudio.drafting.prompt import repair_message as repair_turn
from raspstudio.engine.file_requests import Engine
from raspstudio.scratch import private_folder

# Drafts are checked as this (never written) file: the worker needs a path for locations.
# Where editors and the REPL put drafts they open: a scratch folder, never the user's files.

Progress = Callable[[str], None]


class DraftCancelled(Exception):
    """The front end asked to stop (a cancelled editor request)."""


@functools.cache
def library_index() -> LibraryIndex:
    return LibraryIndex(load_library())


def closest_program(spec: str) -> LibraryProgram | None:
    """The library program most like `spec`: a starting point when drafting cannot run."""
    found = library_index().closest(spec, 1)
    return found[0] if found else None


def scratch_file(name: str, source: str, folder: Path | None = None) -> Path:
    """A new file in `folder` (default: the user's private drafts folder) holding `source`,
    named after `name` (a spec, a program).

    Never overwrites: an editor may still have an earlier draft of the same spec open.
    """
    folder = folder or private_folder("drafts")
    folder.mkdir(parents=True, exist_ok=True)
    slug = "_".join(re.findall(r"[a-z0-9]+", name.lower())[:6]) or "draft"
    for n in itertools.count(1):
        path = folder / (f"{slug}.py" if n == 1 else f"{slug}_{n}.py")
        try:
            with path.open("x", encoding="utf-8") as f:
                f.write(source)
            return path
        except FileExistsError:
            continue
    raise AssertionError("unreachable")


def _judged_path() -> str:
    """The name drafts are checked under: in an empty private folder, and they are checked
    with `siblings=False`, so nothing planted beside it can be imported by a draft."""
    return str(private_folder("judged") / "draft.py")


def draft(
    request: DraftRequest,
    endpoint: Endpoint,
    engine: Engine,
    settings: DraftSettings | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> DraftResult:
    """Draft, check and repair until a draft is verified or the rounds are used up."""
    settings = settings or DraftSettings()
    say = progress or (lambda _: None)
    try:
        model = ChatModel(endpoint)
    except NotConfigured as e:
        return _not_configured(request, str(e))
    run = _Run(request, model, engine, settings, say, cancelled or (lambda: False))
    try:
        run.loop()
    except LLMError as e:
        run.error = str(e)
    return run.result()


class _Run:
    """One drafting session's state: the conversation, the attempts, the tokens spent."""

    def __init__(
        self,
        request: DraftRequest,
        model: ChatModel,
        engine: Engine,
        settings: DraftSettings,
        say: Progress,
        cancelled: Callable[[], bool],
    ):
        self.request, self.model, self.engine = request, model, engine
        self.settings, self.say, self.cancelled = settings, say, cancelled
        self.attempts: list[Attempt] = []
        self.replies: list[str] = []  # the model's text for each attempt
        self.tokens = 0
        self.error: str | None = None

    def loop(self) -> None:
        if self.settings.reference_first and self.request.reference is None:
            self.request = replace(self.request, reference=self._reference_from_model())
        exclude = {self.request.name} if self.request.name else set()
        shots = library_index().closest(self.request.spec, self.settings.shots, exclude)
        opening = first_messages(self.request, shots)
        self.say(f"using {len(shots)} library programs as examples: {_names(shots)}")
        conversation = opening
        for round_ in range(self.settings.rounds + 1):
            doing = "drafts" if round_ == 0 else f"repairs (round {round_})"
            self.say(f"asking {self.model.endpoint.describe()} for {self.settings.samples} {doing}")
            for i, text in enumerate(self._complete(conversation, self.settings.samples)):
                self._stop_if_cancelled()
                attempt = judge(text, self.request, self.engine, _judged_path(), round_, i)
                self.attempts.append(attempt)
                self.replies.append(text)
                self.say(_progress_line(attempt, self.settings.samples))
                if attempt.verified:
                    return
            best = self._best_index()
            reply = {"role": "assistant", "content": self.replies[best]}
            conversation = [*opening, reply, repair_turn(self.attempts[best].repair or "")]

    def _complete(self, messages: list[dict], n: int) -> list[str]:
        self._stop_if_cancelled()
        completion = self.model.complete(messages, n)
        self.tokens += completion.tokens
        return completion.texts

    def _stop_if_cancelled(self) -> None:
        if self.cancelled():
            raise DraftCancelled("drafting was cancelled")

    def _best_index(self) -> int:
        """The furthest attempt so far; the latest among equals (it has seen more feedback)."""
        ranked = [(STAGES.index(a.stage), i) for i, a in enumerate(self.attempts)]
        return max(ranked)[1]

    def _reference_from_model(self) -> str | None:
        """A plain-Python reference written first, kept only if it agrees with the examples."""
        self.say("asking for a plain-Python reference first")
        [text] = self._complete(reference_messages(self.request), 1)
        code = extract_code(text)
        if code is None or refusals(code):
            self.say("the reference reply was unusable (no code, or refused); drafting without")
            return None
        inputs = [e.input for e in self.request.examples]
        results = []
        if inputs:
            results = self.engine.reference_outputs(_judged_path(), code, inputs, siblings=False)
        for example, (status, value) in zip(self.request.examples, results, strict=True):
            if status != "ok" or not example.matches(value):
                shown = value if status != "ok" else f"gives {value}"
                self.say(f"the model's reference {shown} on {example.text()}; drafting without")
                return None
        self.say("using the model's reference as the oracle")
        return code

    def result(self) -> DraftResult:
        verified = [a for a in self.attempts if a.verified]
        with_source = [a for a in self.attempts if a.source is not None]
        model = self.model.endpoint.model
        if verified:
            a = verified[0]
            message = f"verified: draft {len(self.attempts)} (round {a.round}) compiles and "
            message += "its model equals the interpreter on every checked input"
            return DraftResult("verified", self.attempts, self.tokens, message, a.source, model)
        if with_source:
            best = self.attempts[self._best_index()]
            if best.source is None:
                best = with_source[-1]
            message = f"no draft verified ({len(self.attempts)} tried); the best reached "
            message += f"`{best.stage}`: {best.problem}"
            if self.error:
                message += f"; then {self.error}"
            source = best.source
            return DraftResult("unverified", self.attempts, self.tokens, message, source, model)
        if self.error:
            message = self.error
        else:
            problems = {a.problem for a in self.attempts}
            message = "no usable draft: " + "; ".join(sorted(p for p in problems if p))
        return DraftResult("failed", self.attempts, self.tokens, message, None, model)


def _not_configured(request: DraftRequest, message: str) -> DraftResult:
    closest = closest_program(request.spec)
    if closest is None:
        return DraftResult("failed", [], 0, message)
    where = _shown_path(closest.path)
    message += f". Closest verified library program: {where} ({closest.spec})"
    return DraftResult("failed", [], 0, message, closest=str(closest.path))


def _shown_path(path: Path) -> str:
    try:
        return str(path.relative_to(library_root().parent))
    except ValueError:
        return str(path)


def _names(shots: list[LibraryProgram]) -> str:
    return ", ".join(s.name for s in shots) or "none (no library found)"


def _progress_line(attempt: Attempt, samples: int) -> str:
    where = f"round {attempt.round}, draft {attempt.sample + 1}/{samples}"
    return f"{where}: {attempt.stage}" + (f" ({attempt.problem})" if attempt.problem else "")
