"""The rule registry: every rule has a stable code, a dotted name and a docstring.

A rule is a generator over a :class:`~assistant.validation.context.Context` that yields
``(path, message)`` pairs. It does not decide how serious a finding is: the payer
profile does (``profiles/*.yaml``). The docstring's first paragraph says what the rule
checks; lines starting ``Bad:`` and ``Good:`` give an example of each, and
``rules_markdown()`` turns them into ``docs/rules.md``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.validation.context import Context

Hit = tuple[str, str]
Check = Callable[["Context"], Iterator[Hit]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    check: Check
    family: str

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.check.__doc__ or "")

    @property
    def summary(self) -> str:
        return self.doc.split("\n\n", 1)[0].replace("\n", " ").strip()

    def example(self, which: str) -> str:
        lines = [ln.strip() for ln in self.doc.splitlines()]
        for ln in lines:
            if ln.startswith(which + ":"):
                return ln[len(which) + 1 :].strip()
        return ""


RULES: dict[str, Rule] = {}


def rule(code: str, name: str) -> Callable[[Check], Check]:
    """Register a check under ``code`` (e.g. ``BL01``) and ``name`` (``baseline.missing``)."""

    def wrap(fn: Check) -> Check:
        if code in RULES:
            raise ValueError(f"rule code {code} is registered twice")
        RULES[code] = Rule(code=code, name=name, check=fn, family=name.split(".", 1)[0])
        return fn

    return wrap


def rules_markdown() -> str:
    """The rule reference page (``docs/rules.md``), generated from the registry."""
    from assistant.validation import profiles

    names = profiles.available_profiles()
    loaded = {n: profiles.load(n) for n in names}
    out = [
        "# Validation rules",
        "",
        "Generated from the rule registry by `python -m assistant rules --markdown`; do not "
        "edit by hand.",
        "",
        "Every draft passes these checks before a clinician signs it. Each rule has a stable "
        "code and a name; how serious a finding is (error, warning, or off) comes from the "
        "payer profile, shown in the columns on the right.",
        "",
        "| Code | Name | Checks | " + " | ".join(names) + " |",
        "|---|---|---|" + "---|" * len(names),
    ]
    for r in sorted(RULES.values(), key=lambda r: r.code):
        sev = " | ".join(loaded[n].severity(r.code) for n in names)
        out.append(f"| {r.code} | `{r.name}` | {r.summary} | {sev} |")
    out.append("")
    for r in sorted(RULES.values(), key=lambda r: r.code):
        out += [f"## {r.code} `{r.name}`", "", r.summary, ""]
        bad, good = r.example("Bad"), r.example("Good")
        if bad:
            out.append(f"- Bad: {bad}")
        if good:
            out.append(f"- Good: {good}")
        out.append("")
    out += ["## Profiles", ""]
    for n in names:
        p = loaded[n]
        params = ", ".join(f"`{k}` = {v}" for k, v in sorted(p.params.items()))
        out.append(f"- **{n}**: {p.description}" + (f" Parameters: {params}." if params else ""))
    out.append("")
    return "\n".join(out)
