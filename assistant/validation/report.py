"""Findings and the report that carries them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One problem in a plan: which rule, how serious, where, and what to do about it."""

    rule: str
    name: str
    severity: Severity
    path: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity,
            "path": self.path,
            "message": self.message,
        }

    def line(self) -> str:
        return f"{self.severity:<7} {self.rule} {self.path or 'plan'}: {self.message}"


@dataclass
class Report:
    """Every finding for one plan under one payer profile. ``ok`` means no errors."""

    findings: list[Finding] = field(default_factory=list)
    profile: str = "default"

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def for_path(self, prefix: str) -> list[Finding]:
        """Findings about the item at ``prefix`` or inside it (``goals[0]`` covers its objectives)."""
        out = []
        for f in self.findings:
            rest = f.path[len(prefix) :] if f.path.startswith(prefix) else None
            if rest is not None and (rest == "" or rest[0] in ".["):
                out.append(f)
        return out

    def rules(self) -> set[str]:
        return {f.rule for f in self.findings}

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "findings": [f.to_json() for f in self.findings]}
