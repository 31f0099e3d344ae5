"""Where the authored data lives: ``knowledge/`` and ``prompts/``.

In a source checkout they are the top-level folders that clinicians and engineers edit.
A built wheel carries a copy of both inside the package (``assistant/_bundled/``, put
there by ``setup.py`` at build time), found through :mod:`importlib.resources`, so an
installed copy drafts exactly like the checkout it was built from.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent
AUTHORED = ("knowledge", "prompts")


def authored_dir(name: str) -> Path:
    """The folder of authored data called ``name`` (``knowledge`` or ``prompts``).

    The checkout's folder wins when this module runs from a source checkout (marked by
    ``pyproject.toml`` beside it); otherwise the copy bundled in the installed package.
    """
    if name not in AUTHORED:
        raise ValueError(f"unknown authored folder {name!r}; expected one of {AUTHORED}")
    source = _CHECKOUT / name
    if (_CHECKOUT / "pyproject.toml").is_file() and source.is_dir():
        return source
    bundled = resources.files("assistant").joinpath("_bundled", name)
    return Path(str(bundled))
