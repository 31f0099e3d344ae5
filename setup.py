"""Build hook: copy the authored ``knowledge/`` and ``prompts/`` folders into the package.

Everything else about the build is declared in ``pyproject.toml``. The top-level folders
stay the authored source; the wheel carries a copy under ``assistant/_bundled/`` that
``assistant.resources.authored_dir`` finds with ``importlib.resources``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
AUTHORED = ("knowledge", "prompts")


class BuildWithAuthoredData(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's folders directly
        for name in AUTHORED:
            src = HERE / name
            if not src.is_dir():
                raise SystemExit(f"build: the authored folder {name}/ is missing")
            dst = Path(self.build_lib) / "assistant" / "_bundled" / name
            shutil.copytree(
                src, dst, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )


setup(cmdclass={"build_py": BuildWithAuthoredData})
