"""An OpenAI-compatible server for the task path's tests: real HTTP on 127.0.0.1, streamed
answers (server-sent events, as llama.cpp, vLLM and OpenAI send them), scripted per task.

The task is read from the request's ``response_format.json_schema.name`` (facts, goals,
problems, interventions). ``script`` maps a task (or ``"*"``) to a list of behaviours, one
taken per request: ``good``, ``slow`` (waits ``slow_seconds`` before the first byte, as a
laptop reading a long prompt does), ``malformed`` (prose, not JSON), ``unknown_id`` (names
an item that does not exist), ``invented_number``, ``bad_quote`` (a fact whose quote the
intake does not hold) or ``500``. Every request body is kept so tests can check what left
the machine, and usage is reported with the project's own token estimate.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from assistant.drafting.llm_client import estimate_tokens

_LINE = re.compile(r"^(\S+): (.*)$")


def _section(user: str, title: str) -> list[str]:
    """The lines under ``title`` in a task's user text, up to the next blank line."""
    after = user.split(title, 1)[1] if title in user else ""
    lines = after.strip("\n").split("\n\n")[0].split("\n")
    return [x for x in lines if x.strip()]


def answer(task: str, user: str, behaviour: str, facts: list[dict[str, Any]]) -> dict[str, Any]:
    if task == "facts":
        out = list(facts)
        if behaviour == "bad_quote":
            out.append(
                {
                    "kind": "ruled_out",
                    "path": "notes",
                    "quote": "client has never felt low in her life",
                    "concept": "low mood",
                }
            )
        return {"facts": out}
    if task in ("problems", "goals"):
        items = [_LINE.match(x) for x in _section(user, "(id: statement):")]
        words = [x[2:] for x in _section(user, "The client's own words:")]
        edits = []
        for m in filter(None, items):
            item_id, text = m.group(1), m.group(2)
            if task == "goals":
                said = words[0] if words and words[0] != "(none)" else "feel better"
                new = f"In their words, {said.rstrip('.')}: {text}"
            else:
                new = f"For [CLIENT_FIRST], {text[0].lower()}{text[1:]}"
            if behaviour == "invented_number":
                new = new.rstrip(".") + ", within 17 days."
            edits.append({"id": item_id, "statement": new})
        if behaviour == "unknown_id":
            edits.append({"id": "X9", "statement": "An item nobody asked for."})
        return {task: edits}
    if task == "interventions":
        options = _section(user, "(objective ids: intervention id = name):")
        choices = []
        for line in options:
            ids, rest = line.split(": ", 1)
            last = rest.split("; ")[-1].split(" = ")[0]
            choices += [
                {
                    "objective_id": oid,
                    "intervention_ids": [last],
                    "reason": "fits what the client said they prefer",
                }
                for oid in ids.split(", ")
            ]
        return {"choices": choices}
    raise ValueError(task)


class FakeTaskLLM:
    def __init__(self, script: dict[str, list[str]]):
        self.script = {k: list(v) for k, v in script.items()}
        self.requests: list[dict[str, Any]] = []
        self.raw_bodies: list[bytes] = []
        self.server: ThreadingHTTPServer | None = None
        self.slow_seconds = 3.0
        self.facts: list[dict[str, Any]] = []

    @property
    def base_url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def tasks(self) -> list[str]:
        return [str(b["response_format"]["json_schema"]["name"]) for b in self.requests]

    def behaviour(self, task: str) -> str:
        for key in (task, "*"):
            if self.script.get(key):
                return self.script[key].pop(0)
        return "good"

    def handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                fake.raw_bodies.append(raw)
                body = json.loads(raw or b"{}")
                fake.requests.append(body)
                task = str(body["response_format"]["json_schema"]["name"])
                behaviour = fake.behaviour(task)
                if behaviour == "500":
                    self._send(500, b'{"error": {"message": "boom"}}', "application/json")
                    return
                if behaviour == "slow":
                    time.sleep(fake.slow_seconds)
                user = next(m["content"] for m in body["messages"] if m["role"] == "user")
                if behaviour == "malformed":
                    content = "Sure! The goals look fine to me."
                else:
                    content = json.dumps(answer(task, user, behaviour, fake.facts))
                prompt = sum(estimate_tokens(m["content"]) for m in body["messages"])
                pieces = re.findall(r".{1,12}", content, re.DOTALL)
                events = [
                    {"choices": [{"index": 0, "delta": {"content": p}, "finish_reason": None}]}
                    for p in pieces
                ]
                events.append(
                    {
                        "choices": [],
                        "usage": {
                            "prompt_tokens": prompt,
                            "completion_tokens": len(pieces),
                            "total_tokens": prompt + len(pieces),
                        },
                    }
                )
                out = b"".join(
                    b"data: "
                    + json.dumps(
                        {
                            "id": "chatcmpl-test",
                            "object": "chat.completion.chunk",
                            "created": 0,
                            "model": body.get("model", "fake"),
                            **e,
                        }
                    ).encode()
                    + b"\n\n"
                    for e in events
                )
                self._send(200, out + b"data: [DONE]\n\n", "text/event-stream")

            def _send(self, status: int, payload: bytes, kind: str) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler


@contextmanager
def fake_task_llm(script: dict[str, list[str]] | None = None) -> Iterator[FakeTaskLLM]:
    fake = FakeTaskLLM(script or {})
    fake.server = ThreadingHTTPServer(("127.0.0.1", 0), fake.handler())
    fake.server.daemon_threads = True
    thread = threading.Thread(target=fake.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.server.shutdown()
        fake.server.server_close()
