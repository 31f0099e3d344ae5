"""Prompt files: ``prompts/<id>.v<version>.yaml`` with declared variables.

Rendering checks that every declared variable is supplied and that the template uses no
undeclared one, so a typo is an error that names the variable instead of a silent gap.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.errors import ConfigError
from assistant.resources import authored_dir
from assistant.yamlio import load_yaml

PROMPTS_DIR = authored_dir("prompts")


@dataclass(frozen=True)
class Prompt:
    id: str
    version: int
    variables: tuple[str, ...]
    system: str
    user: str
    repair: str

    @property
    def label(self) -> str:
        return f"{self.id}.v{self.version}"

    def _render(self, template: str, values: dict[str, str], allowed: set[str]) -> str:
        used = {f for _, f, _, _ in string.Formatter().parse(template) if f}
        unknown = used - allowed
        if unknown:
            raise ConfigError(
                f"prompt {self.label} uses undeclared variable(s): {', '.join(sorted(unknown))}"
            )
        missing = (used & allowed) - set(values)
        if missing:
            raise ConfigError(
                f"prompt {self.label} needs variable(s): {', '.join(sorted(missing))}"
            )
        return template.format(**{k: values[k] for k in used})

    def render_user(self, **values: str) -> str:
        missing = set(self.variables) - set(values)
        if missing:
            raise ConfigError(
                f"prompt {self.label} needs variable(s): {', '.join(sorted(missing))}"
            )
        return self._render(self.user, values, set(self.variables))

    def render_repair(self, findings: str) -> str:
        return self._render(self.repair, {"findings": findings}, {"findings"})


_NAME = re.compile(r"^(?P<id>[a-z][a-z0-9-]*)\.v(?P<version>\d+)\.yaml$")


@lru_cache(maxsize=16)
def load(prompt_id: str, version: int | None = None, directory: str | None = None) -> Prompt:
    """Load a prompt by id; the highest version unless ``version`` is given."""
    folder = Path(directory) if directory else PROMPTS_DIR
    found: dict[int, Path] = {}
    for p in folder.glob(f"{prompt_id}.v*.yaml"):
        m = _NAME.match(p.name)
        if m and m.group("id") == prompt_id:
            found[int(m.group("version"))] = p
    if not found:
        raise ConfigError(f"no prompt file for '{prompt_id}' under {folder}")
    v = version if version is not None else max(found)
    if v not in found:
        raise ConfigError(f"prompt '{prompt_id}' has no version {v} (have {sorted(found)})")
    data = load_yaml(found[v].read_text(encoding="utf-8"))
    for key in ("variables", "system", "user"):
        if key not in data:
            raise ConfigError(f"prompt file {found[v].name} lacks '{key}'")
    return Prompt(
        id=prompt_id,
        version=v,
        variables=tuple(data["variables"]),
        system=data["system"],
        user=data["user"],
        repair=data.get("repair", "{findings}"),
    )
