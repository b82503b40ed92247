"""Chat completions from any OpenAI-compatible endpoint: the one module that talks to a model.

Configuration comes from editor settings or the environment (`OPENAI_API_KEY`,
`OPENAI_BASE_URL`, `RASP_LLM_MODEL`), so the same code drafts with OpenAI, vLLM, llama.cpp or
Ollama. The API key lives only in memory: it is left out of every repr, and scrubbed from any
message an endpoint sends back, because those messages reach logs and editors.

The `openai` SDK takes seconds to import, so it is imported by `ChatModel`, when a model is
first asked: a language server or REPL that never drafts never pays for it.
"""

import json
import os
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_TIMEOUT = 120.0  # seconds per HTTP request; drafting a program is a long answer
DEFAULT_RETRIES = 2  # the client retries timeouts, 429 and 5xx with backoff


class LLMError(Exception):
    """A request to the model failed; the message is for the user."""


class NotConfigured(LLMError):
    """No endpoint is configured at all."""


NOT_CONFIGURED = (
    "no LLM endpoint is configured: set OPENAI_API_KEY (for OpenAI), or OPENAI_BASE_URL for "
    "an OpenAI-compatible server such as vLLM, llama.cpp or Ollama, and RASP_LLM_MODEL for "
    "the model (editors: the rasp.llm settings)"
)


MALFORMED = "sent a reply that is not chat-completions JSON"


@dataclass(frozen=True)
class Endpoint:
    base_url: str | None
    model: str
    api_key: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_RETRIES

    @classmethod
    def configure(
        cls,
        base_url: str | None = None,
        model: str | None = None,
        api_key: str | None = None,
        timeout: float | None = None,
    ) -> "Endpoint":
        """Explicit values (editor settings, flags) first, then the environment."""
        return cls(
            base_url=base_url or os.environ.get("OPENAI_BASE_URL") or None,
            model=model or os.environ.get("RASP_LLM_MODEL") or DEFAULT_MODEL,
            api_key=api_key or os.environ.get("OPENAI_API_KEY") or None,
            timeout=timeout or DEFAULT_TIMEOUT,
        )

    @property
    def configured(self) -> bool:
        return bool(self.api_key or self.base_url)

    def describe(self) -> str:
        """`gpt-4o-mini at https://api.openai.com/v1`: what progress messages show (no key)."""
        return f"{self.model} at {self.base_url or 'https://api.openai.com/v1'}"

    def scrub(self, text: str) -> str:
        return text.replace(self.api_key, "***") if self.api_key else text


@dataclass
class Completion:
    texts: list[str]  # one message content per choice ("" when a choice had none)
    tokens: int  # total tokens the endpoint reported (0 when it reports none)


class ChatModel:
    def __init__(self, endpoint: Endpoint):
        if not endpoint.configured:
            raise NotConfigured(NOT_CONFIGURED)
        self.endpoint = endpoint
        import openai  # seconds of import, paid only by those who draft

        self._openai: ModuleType = openai
        self._client = openai.OpenAI(
            # Local servers need no key, but the client insists on one.
            api_key=endpoint.api_key or "not-needed",
            base_url=endpoint.base_url,
            timeout=endpoint.timeout,
            max_retries=endpoint.max_retries,
        )

    def complete(self, messages: list[dict], n: int) -> Completion:
        """`n` answers to the conversation `messages`.

        Asks for all `n` at once (`n=`); servers that ignore `n` (llama.cpp, Ollama) answer
        with one choice, so it asks again until it has `n`.
        """
        texts: list[str] = []
        tokens = 0
        while len(texts) < n:
            response = self._create(messages, n - len(texts))
            try:
                answers = [(c.message.content if c.message else None) for c in response.choices]
                tokens += (response.usage.total_tokens or 0) if response.usage else 0
            except (AttributeError, TypeError):  # the client does not validate replies
                raise LLMError(f"{self.endpoint.describe()} {MALFORMED}") from None
            if not answers:
                raise LLMError(f"{self.endpoint.describe()} answered with no choices")
            texts += [a if isinstance(a, str) else "" for a in answers]
        return Completion(texts[:n], tokens)

    def _create(self, messages: list[dict], n: int) -> Any:  # openai's ChatCompletion
        where, openai = self.endpoint.describe(), self._openai
        try:
            return self._client.chat.completions.create(
                model=self.endpoint.model, messages=messages, n=n
            )
        except openai.APITimeoutError:
            raise LLMError(
                f"{where} did not answer within {self.endpoint.timeout:g} s "
                f"({self.endpoint.max_retries} retries)"
            ) from None
        except openai.APIConnectionError as e:
            raise LLMError(f"cannot reach {where}: {self._cause(e)}") from None
        except openai.AuthenticationError:
            raise LLMError(
                f"{where} refused the API key (HTTP 401): check OPENAI_API_KEY"
            ) from None
        except openai.RateLimitError:
            raise LLMError(
                f"{where} is rate limiting (HTTP 429), still after "
                f"{self.endpoint.max_retries} retries; try again later"
            ) from None
        except openai.APIStatusError as e:
            raise LLMError(
                f"{where} answered HTTP {e.status_code}: {self.endpoint.scrub(e.message)}"
            ) from None
        except (json.JSONDecodeError, openai.APIResponseValidationError):
            raise LLMError(f"{where} {MALFORMED}") from None

    def _cause(self, e: Exception) -> str:
        cause = e.__cause__ or e
        return self.endpoint.scrub(str(cause) or type(cause).__name__)
