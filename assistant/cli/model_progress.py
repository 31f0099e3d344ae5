"""The CLI's progress line while a model drafts: task, tokens and tokens per second."""

from __future__ import annotations

import sys
from typing import TextIO

from assistant.drafting.llm_client import ProgressEvent


class ProgressLine:
    """Rewrites one line on a terminal; elsewhere (a log, a pipe) writes a line per task."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())

    def __call__(self, event: ProgressEvent) -> None:
        if self.live:
            end = "\n" if event.done else ""
            self.stream.write("\r" + event.line().ljust(72) + end)
        elif event.done or (event.tokens == 0 and event.seconds == 0):
            self.stream.write(event.line() + "\n")
        self.stream.flush()
