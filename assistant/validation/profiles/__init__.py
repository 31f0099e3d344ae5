"""Payer profiles: which rules apply, how serious each is, and the numbers they use.

A profile is a YAML file in this folder::

    name: medicare
    description: ...
    extends: default          # optional: start from another profile
    severity: {PY01: error}   # code -> error | warning | off
    signing: {PH01: error}    # overrides when the plan is signed or checked for signing
    params: {review_interval_days: 90}

A rule a profile does not mention is off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from assistant.errors import ConfigError
from assistant.yamlio import load_yaml

DIR = Path(__file__).resolve().parent
Level = Literal["error", "warning", "off"]
_LEVELS = ("error", "warning", "off")


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    severities: dict[str, Level] = field(default_factory=dict)
    signing: dict[str, Level] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)

    def severity(self, code: str, *, signing: bool = False) -> Level:
        if signing and code in self.signing:
            return self.signing[code]
        return self.severities.get(code, "off")

    def param(self, key: str, default: Any = None) -> Any:
        return self.params.get(key, default)


def available_profiles() -> list[str]:
    """Profile names, ``default`` first."""
    names = sorted(p.stem for p in DIR.glob("*.yaml"))
    return sorted(names, key=lambda n: (n != "default", n))


@lru_cache(maxsize=32)
def load(name: str) -> Profile:
    """Load a profile by name, following ``extends``. Raises ConfigError when unknown."""
    return _load(name, ())


def _load(name: str, seen: tuple[str, ...]) -> Profile:
    path = DIR / f"{name}.yaml"
    if not path.is_file() or "/" in name:
        raise ConfigError(
            f"payer profile '{name}' does not exist; choose one of: "
            + ", ".join(available_profiles())
        )
    if name in seen:
        raise ConfigError(f"payer profile '{name}' extends itself")
    data = load_yaml(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ConfigError(f"payer profile {path.name}: expected a mapping")
    unknown = set(data) - {"name", "description", "extends", "severity", "signing", "params"}
    if unknown:
        raise ConfigError(f"payer profile {path.name}: unknown keys {sorted(unknown)}")
    base = _load(data["extends"], (*seen, name)) if data.get("extends") else None
    sev = _levels(path, data.get("severity"), base.severities if base else {})
    signing = _levels(path, data.get("signing"), base.signing if base else {})
    params = dict(base.params) if base else {}
    params.update(data.get("params") or {})
    return Profile(
        name=str(data.get("name", name)),
        description=str(data.get("description", "")).strip(),
        severities=sev,
        signing=signing,
        params=params,
    )


def _levels(path: Path, given: Any, inherited: dict[str, Level]) -> dict[str, Level]:
    out: dict[str, Level] = dict(inherited)
    if given is not None and not isinstance(given, dict):
        raise ConfigError(f"payer profile {path.name}: severities must be a mapping of codes")
    for code, level in (given or {}).items():
        if level not in _LEVELS:
            raise ConfigError(
                f"payer profile {path.name}: {code} has severity {level!r}; use error, warning or off"
            )
        out[str(code)] = level
    return out
