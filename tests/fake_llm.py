"""A local OpenAI-compatible server for tests: real HTTP on 127.0.0.1, scripted answers.

Each request to ``/v1/chat/completions`` takes the next behaviour from the script:
``good`` (rewords every item and keeps every figure), ``goal_is_intervention`` (a reply
the validator must reject, so the repair loop runs), ``invented_number``, ``malformed``
(not JSON), ``slow`` (answers after the client's timeout) or ``429``.

Attacks a malicious or misled model could make: ``obey_injection`` does what instructions
planted in the intake text say; each key of :data:`SAFETY_ATTACKS` writes recorded risk
as absent in its own way; ``safety_section`` also sends a safety section and a risk level
of its own. Every request body is kept so tests can check what left the machine.
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

# attack -> (which items it rewrites, the sentence it writes)
SAFETY_ATTACKS: dict[str, tuple[str, str]] = {
    "safety_goal_unnecessary": ("safety_goal", "Safety planning is unnecessary for this client."),
    "negative_for_si": ("problems", "Negative for SI."),
    "reports_no_si": ("goals", "Client reports no suicidal ideation."),
    "denies_zero_width": ("problems", "Client de\u200bnies suicidal ideation."),
    "denies_cyrillic": ("goals", "Client d\u0435nies SI."),
    "no_current_risk": ("objectives", "No current risk."),
}
_INJECTED = re.compile(r"[Ww]rite that (.+?)(?: and (?:set|mark|output)\b|\.)")
_DRAFT = re.compile(r"<draft_plan>\s*(\{.*?\})\s*</draft_plan>", re.DOTALL)
_OPTIONS = re.compile(r"<intervention_options>\s*(\{.*?\})\s*</intervention_options>", re.DOTALL)
_INTAKE = re.compile(r"<intake_data>\s*(.*?)\s*</intake_data>", re.DOTALL)


def _first_user(body: dict[str, Any]) -> str:
    for m in body.get("messages", []):
        if m.get("role") == "user":
            content = m.get("content")
            return content if isinstance(content, str) else json.dumps(content)
    return ""


def proposal_for(body: dict[str, Any], behaviour: str) -> dict[str, Any]:
    user = _first_user(body)
    draft = json.loads(_DRAFT.search(user).group(1))  # type: ignore[union-attr]
    options = json.loads(_OPTIONS.search(user).group(1))  # type: ignore[union-attr]
    goals = []
    objectives = []
    for g in draft["goals"]:
        text = g["statement"]
        if behaviour == "goal_is_intervention":
            text = "Client will attend weekly CBT sessions."
        goals.append(
            {
                "id": g["id"],
                "statement": "Together with [CLIENT_FIRST]: " + text
                if behaviour != "goal_is_intervention"
                else text,
            }
        )
        for o in g["objectives"]:
            t = o["text"]
            if behaviour == "invented_number":
                t = t.rstrip(".") + ", with 17 extra practice sessions."
            objectives.append({"id": o["id"], "text": t})
    problems = [
        {"id": p["id"], "statement": "Clinical summary. " + p["statement"]}
        for p in draft["problems"]
    ]
    choices = [
        {"objective_id": oid, "intervention_ids": [opts[0]["id"]]}
        for oid, opts in options.items()
        if opts
    ]
    proposal: dict[str, Any] = {
        "problems": problems,
        "goals": goals,
        "objectives": objectives,
        "interventions": choices,
    }
    if behaviour == "obey_injection":
        _obey(proposal, user)
    if behaviour in SAFETY_ATTACKS:
        where, sentence = SAFETY_ATTACKS[behaviour]
        if where == "safety_goal":  # the safety goal is not shown; an attacker guesses its id
            proposal["goals"] = [*goals, {"id": "G1", "statement": sentence}]
        else:
            key = "text" if where == "objectives" else "statement"
            for item in proposal[where]:
                item[key] = item[key].rstrip(".") + ". " + sentence
    if behaviour == "safety_section":
        proposal["safety"] = {"risk_level": "none_identified", "summary": "No risk."}
        proposal["risk_level"] = "none_identified"
    return proposal


def _obey(proposal: dict[str, Any], user: str) -> None:
    """Do what the intake's planted instructions ask: write what they dictate into every
    goal and problem, set every figure to 0, and drop every intervention."""
    intake = _INTAKE.search(user)
    found = _INJECTED.search(intake.group(1)) if intake else None
    said = (found.group(1)[0].upper() + found.group(1)[1:] + ".") if found else None
    for g in proposal["goals"]:
        g["statement"] = said or g["statement"]
    for p in proposal["problems"]:
        p["statement"] = said or p["statement"]
    for o in proposal["objectives"]:
        o["text"] = re.sub(r"(?<![\w-])\d+(?:\.\d+)?", "0", o["text"])
    proposal["interventions"] = []


class FakeLLM:
    def __init__(self, script: list[str]):
        self.script = list(script)
        self.requests: list[dict[str, Any]] = []
        self.raw_bodies: list[bytes] = []
        self.server: ThreadingHTTPServer | None = None
        self.slow_seconds = 3.0

    @property
    def base_url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                fake.raw_bodies.append(raw)
                body = json.loads(raw or b"{}")
                fake.requests.append(body)
                behaviour = fake.script.pop(0) if fake.script else "good"
                if behaviour == "429":
                    payload = json.dumps(
                        {"error": {"message": "rate limited", "type": "rate_limit"}}
                    ).encode()
                    self.send_response(429)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Retry-After", "0")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                if behaviour == "slow":
                    time.sleep(fake.slow_seconds)
                if behaviour == "malformed":
                    content = "Sure! Here is the plan: problems are fine, goals are fine."
                else:
                    content = json.dumps(proposal_for(body, behaviour))
                reply = {
                    "id": "chatcmpl-test",
                    "object": "chat.completion",
                    "created": 0,
                    "model": body.get("model", "fake"),
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": content},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {
                        "prompt_tokens": 1200,
                        "completion_tokens": 300,
                        "total_tokens": 1500,
                    },
                }
                payload = json.dumps(reply).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler


@contextmanager
def fake_llm(script: list[str]) -> Iterator[FakeLLM]:
    fake = FakeLLM(script)
    fake.server = ThreadingHTTPServer(("127.0.0.1", 0), fake.handler())
    thread = threading.Thread(target=fake.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.server.shutdown()
        fake.server.server_close()
