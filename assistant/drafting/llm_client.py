"""One short request to an OpenAI-compatible server, streamed, timed and counted.

The task path (:mod:`assistant.drafting.llm_tasks`) sends every request through
:class:`ChatClient`. It works with any OpenAI-compatible server named by
``TPA_LLM_BASE_URL`` (llama.cpp server, vLLM, Ollama, a hosted endpoint) or the OpenAI API.

* The answer is streamed; a progress callback hears each token count and tokens per second,
  so a minute of work on a laptop is visibly work.
* A server on this machine (a loopback address) gets a longer wait per answer and is never
  sent the same request again after a timeout: it may still be working on the first one.
  A remote server is retried as configured (``TPA_LLM_MAX_RETRIES``).
* Every failure is a :class:`ModelFailure` whose ``kind`` names what failed (timeout,
  unreachable, refused, rate_limited, server_error) in one line a clinician can act on.
* Before anything is sent, ``guard`` is asked for identifiers still in the text; if it finds
  any, nothing is sent.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assistant.config import Settings
from assistant.errors import ModelError


class ModelFailure(ModelError):
    """The model could not be used; ``kind`` says why, the message says what to do."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


@dataclass
class ProgressEvent:
    """What the model is doing now: the task, tokens received so far and the time taken."""

    task: str
    tokens: int
    seconds: float
    done: bool = False
    prompt_tokens: int = 0  # the request's size, shown while the server reads it

    @property
    def tokens_per_s(self) -> float:
        return self.tokens / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        if not self.done and self.tokens == 0:
            waited = f", {self.seconds:.0f} s so far" if self.seconds else ""
            return (
                f"model: {self.task} reading the request (about {self.prompt_tokens} tokens"
                f"{waited})"
            )
        state = "done" if self.done else "writing"
        return (
            f"model: {self.task} {state}, {self.tokens} tokens in {self.seconds:.0f} s "
            f"({self.tokens_per_s:.1f} tokens/s)"
        )


Progress = Callable[[ProgressEvent], None]


@dataclass
class Reply:
    text: str
    input_tokens: int
    output_tokens: int
    estimated: bool
    seconds: float


TICK_S = 5.0  # how often progress says the server is still reading a request


def _s(seconds: float) -> str:
    """Seconds as a person reads them: 0.5, 2, 110."""
    return f"{seconds:g}" if seconds < 10 else f"{seconds:.0f}"


_PIECE = re.compile(r"\w+|[^\w\s]")


def estimate_tokens(text: str) -> int:
    """A cautious token count for budgeting: the larger of word-and-punctuation pieces
    (plus a tenth for long words split by the tokenizer) and one token per 3.5 characters."""
    pieces = len(_PIECE.findall(text))
    return math.ceil(max(pieces * 1.1, len(text) / 3.5))


class ChatClient:
    """Streams chat completions from one configured server."""

    def __init__(
        self,
        settings: Settings,
        *,
        progress: Progress | None = None,
        client: Any | None = None,
    ):
        self.settings = settings
        self.progress = progress
        self.model_name = settings.llm_model
        self.local = settings.llm_is_local
        self.where = settings.llm_base_url or "the OpenAI API"
        if client is None:
            import openai

            key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
            client = openai.OpenAI(
                base_url=settings.llm_base_url,
                api_key=key or "not-needed",
                max_retries=0 if self.local else settings.llm_max_retries,
                timeout=settings.llm_call_timeout_s,
            )
        self.client: Any = client

    def complete(
        self,
        task: str,
        messages: list[dict[str, str]],
        *,
        schema: dict[str, Any] | None = None,
        max_tokens: int = 400,
        timeout_s: float | None = None,
        guard: Callable[[str], list[str]] | None = None,
    ) -> Reply:
        """The model's whole answer to ``messages``, streamed; raises :class:`ModelFailure`."""
        if guard is not None:
            leaked = [x for m in messages for x in guard(m["content"])]
            if leaked:
                raise ModelFailure(
                    "identifier",
                    f"the {task} request still held a client identifier; nothing was sent",
                )
        wait = timeout_s if timeout_s is not None else self.settings.llm_call_timeout_s
        if wait <= 0:
            raise ModelFailure("timeout", f"no time was left for the {task} task")
        extra: dict[str, Any] = {}
        if schema is not None:
            extra["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": task, "schema": schema, "strict": False},
            }
        started = time.monotonic()
        try:
            return self._stream(task, messages, max_tokens, wait, started, extra)
        except ModelFailure:
            raise
        except Exception as exc:  # the SDK's and httpx's errors, turned into one clear line
            raise self._failure(task, exc, wait) from None

    def _stream(
        self,
        task: str,
        messages: list[dict[str, str]],
        max_tokens: int,
        wait: float,
        started: float,
        extra: dict[str, Any],
    ) -> Reply:
        import httpx

        size = sum(estimate_tokens(m["content"]) for m in messages)
        first_token = threading.Event()
        ticker = self._ticker(task, size, started, first_token)
        parts: list[str] = []
        chunks = 0
        try:
            stream = self.client.chat.completions.create(
                model=self.model_name,
                messages=messages,
                temperature=self.settings.llm_temperature,
                max_tokens=max_tokens,
                stream=True,
                stream_options={"include_usage": True},
                timeout=httpx.Timeout(wait, connect=min(wait, 10.0)),
                **extra,
            )
        except BaseException:
            first_token.set()
            raise
        usage_in = usage_out = 0
        try:
            for chunk in stream:
                if chunk.usage is not None:
                    usage_in = int(chunk.usage.prompt_tokens or 0)
                    usage_out = int(chunk.usage.completion_tokens or 0)
                timings = (chunk.model_extra or {}).get("timings") or {}
                if timings and not usage_in:  # llama.cpp reports its own counts here
                    usage_in = int(timings.get("prompt_n", 0) or 0)
                    usage_out = int(timings.get("predicted_n", 0) or 0)
                for choice in chunk.choices:
                    if choice.delta and choice.delta.content:
                        first_token.set()
                        parts.append(choice.delta.content)
                        chunks += 1
                        self._report(task, chunks, started)
                if time.monotonic() - started > wait:
                    raise ModelFailure(
                        "timeout", f"the model did not finish the {task} task within {_s(wait)} s"
                    )
        finally:
            first_token.set()
            stream.close()
            if ticker is not None:
                ticker.join(timeout=1.0)
        text = "".join(parts)
        seconds = time.monotonic() - started
        if self.progress:
            self.progress(ProgressEvent(task, usage_out or chunks, seconds, done=True))
        estimated = not usage_in
        if estimated:
            usage_in = sum(estimate_tokens(m["content"]) for m in messages)
            usage_out = estimate_tokens(text)
        return Reply(text, usage_in, usage_out, estimated, round(seconds, 2))

    def _ticker(
        self, task: str, size: int, started: float, stop: threading.Event
    ) -> threading.Thread | None:
        """Until the first token: say every few seconds that the server is reading the request
        (a laptop may take a minute over it)."""
        if not self.progress:
            return None
        progress = self.progress

        def tick() -> None:
            progress(ProgressEvent(task, 0, 0.0, prompt_tokens=size))
            while not stop.wait(TICK_S):
                progress(ProgressEvent(task, 0, time.monotonic() - started, prompt_tokens=size))

        thread = threading.Thread(target=tick, name=f"progress-{task}", daemon=True)
        thread.start()
        return thread

    def _report(self, task: str, tokens: int, started: float) -> None:
        if self.progress and (tokens == 1 or tokens % 8 == 0):
            self.progress(ProgressEvent(task, tokens, time.monotonic() - started))

    def _failure(self, task: str, exc: Exception, wait: float) -> ModelFailure:
        import httpx
        import openai

        if isinstance(exc, openai.APITimeoutError | httpx.TimeoutException):
            again = (
                "it was not sent again, as the server on this machine may still be working on it"
                if self.local
                else f"tried {self.settings.llm_max_retries + 1} time(s)"
            )
            return ModelFailure(
                "timeout", f"the model did not answer the {task} task within {_s(wait)} s ({again})"
            )
        if isinstance(exc, openai.APIConnectionError | httpx.TransportError):
            return ModelFailure(
                "unreachable",
                f"cannot reach the model server at {self.where}: check the address and that "
                "the server is running",
            )
        if isinstance(exc, openai.AuthenticationError):
            return ModelFailure(
                "refused",
                "the model server refused the API key (401): check OPENAI_API_KEY or TPA_LLM_API_KEY",
            )
        if isinstance(exc, openai.RateLimitError):
            return ModelFailure(
                "rate_limited", "the model server is limiting requests (429): wait and try again"
            )
        if isinstance(exc, openai.APIStatusError):
            return ModelFailure(
                "server_error",
                f"the model server answered the {task} task with an error (HTTP {exc.status_code})",
            )
        return ModelFailure(
            "server_error", f"the model server's answer to the {task} task could not be read"
        )
