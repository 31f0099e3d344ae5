"""Commands for this concern are registered here (module owned by its feature)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """No commands yet."""
