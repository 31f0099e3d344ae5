"""The instrument registry: ranges, direction, severity bands, cut-offs and outcome rules.

The registry is authored data, ``assistant/data/instruments.yaml``, loaded once into the
typed, frozen records below (pydantic dataclasses: an unknown field, a wrong type or a
band outside the range is an error naming the instrument). Facts come from
``shared/reference/clinical-facts.md`` and carry the source ids used there. Where a fact is
not confirmed by an authoritative source the entry says so (``confirmed: false``) instead
of presenting it as settled; the drafter uses only confirmed cut-offs and rules for
targets, and falls back to a placeholder otherwise.
"""

from __future__ import annotations

import re
from dataclasses import field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ConfigDict, ValidationError
from pydantic.dataclasses import dataclass

from assistant.text import fmt
from assistant.yamlio import load_yaml

_STRICT = ConfigDict(extra="forbid")
REGISTRY_FILE = Path(__file__).resolve().parent / "data" / "instruments.yaml"


@dataclass(frozen=True, config=_STRICT)
class Band:
    low: float
    high: float
    label: str


@dataclass(frozen=True, config=_STRICT)
class Fact:
    """A number with its meaning, its source ids and whether the source confirms it."""

    value: float
    note: str
    sources: tuple[str, ...] = ()
    confirmed: bool = True
    inclusive: bool = False  # True when the threshold itself counts ("12 or less")


@dataclass(frozen=True, config=_STRICT)
class Instrument:
    id: str
    name: str
    low: float
    high: float
    direction: Literal["higher_is_worse", "higher_is_better"] = "higher_is_worse"
    bands: tuple[Band, ...] = ()
    bands_confirmed: bool = True
    cutoff: Fact | None = None
    remission_below: Fact | None = None
    response_percent: Fact | None = None
    meaningful_change: Fact | None = None
    loinc: str | None = None
    loinc_confirmed: bool = False
    frequency: str = ""
    categorical: bool = False
    whole_scores: bool = True  # False where a total may carry decimals (mean scores, VAS marks)
    aliases: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def range_text(self) -> str:
        return f"{fmt(self.low)}-{fmt(self.high)}"

    def in_range(self, score: float) -> bool:
        return self.low <= score <= self.high

    def band(self, score: float) -> str | None:
        for b in self.bands:
            if b.low <= score <= b.high:
                return b.label
        return None

    def improves(self, baseline: float, target: float) -> bool:
        """True when moving from ``baseline`` to ``target`` is an improvement."""
        if self.direction == "higher_is_worse":
            return target < baseline
        return target > baseline

    def numbers(self) -> set[float]:
        """Every number this entry states (for the never-invent check)."""
        out = {self.low, self.high}
        for b in self.bands:
            out |= {b.low, b.high}
        for f in (self.cutoff, self.remission_below, self.response_percent, self.meaningful_change):
            if f is not None:
                out.add(f.value)
        return out


def _load(path: Path = REGISTRY_FILE) -> tuple[tuple[Instrument, ...], dict[str, str]]:
    """The instruments and the ambiguous names declared in the registry file."""
    from assistant.errors import ConfigError

    try:
        doc = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"the instrument registry {path.name} cannot be read: {exc}") from None
    out = []
    for n, entry in enumerate(doc.get("instruments") or []):
        spec: dict[str, Any] = dict(entry)
        spec["bands"] = tuple(Band(*b) for b in spec.get("bands", ()))
        for name in ("aliases", "sources", "notes"):
            spec[name] = tuple(spec.get(name, ()))
        for name in ("cutoff", "remission_below", "response_percent", "meaningful_change"):
            if spec.get(name) is not None:
                spec[name] = Fact(**{**spec[name], "sources": tuple(spec[name].get("sources", ()))})
        try:
            inst = Instrument(**spec)
        except (TypeError, ValidationError) as exc:
            raise ConfigError(
                f"{path.name}: instrument {entry.get('id', n)!r} is not valid: {exc}"
            ) from None
        bad = [b.label for b in inst.bands if not (inst.low <= b.low <= b.high <= inst.high)]
        if bad:
            raise ConfigError(f"{path.name}: {inst.id} bands outside {inst.range_text}: {bad}")
        out.append(inst)
    return tuple(out), dict(doc.get("ambiguous") or {})


_REGISTRY, AMBIGUOUS = _load()

# AMBIGUOUS (from the registry file): names that stand for more than one instrument, form
# or scoring. They match none of them: an assessment written this way is kept as an
# unvalidated measure, never judged against the range of an instrument it may not be.

_KEY = re.compile(r"[^a-z0-9]")


def _key(name: str) -> str:
    return _KEY.sub("", name.lower())


_BY_KEY: dict[str, Instrument] = {}
for _inst in _REGISTRY:
    for _name in (_inst.id, *_inst.aliases):
        _k = _key(_name)
        if _k in _BY_KEY and _BY_KEY[_k] is not _inst:
            raise ValueError(f"instrument name {_name!r} is declared for two instruments")
        _BY_KEY[_k] = _inst
_AMBIGUOUS_BY_KEY: dict[str, str] = {_key(n): why for n, why in AMBIGUOUS.items()}
if set(_AMBIGUOUS_BY_KEY) & set(_BY_KEY):
    raise ValueError("a name is declared both as an alias and as ambiguous")


@dataclass(frozen=True)
class Lookup:
    """How a name written in an intake was matched.

    ``kind`` is ``exact`` (the registry id), ``alias`` (a declared alias), ``ambiguous``
    (a name that stands for several instruments) or ``unknown``. Only the first two carry
    an instrument; nothing is matched by prefix or similarity.
    """

    name: str
    kind: Literal["exact", "alias", "ambiguous", "unknown"]
    instrument: Instrument | None = None
    reason: str = ""


def lookup(name: str) -> Lookup:
    """Match ``name`` to an instrument by id or declared alias (ignoring case, spaces,
    hyphens and dots), or say why it matches none."""
    k = _key(name)
    inst = _BY_KEY.get(k)
    if inst is not None:
        return Lookup(name, "exact" if _key(inst.id) == k else "alias", inst)
    if k in _AMBIGUOUS_BY_KEY:
        return Lookup(name, "ambiguous", reason=_AMBIGUOUS_BY_KEY[k])
    return Lookup(name, "unknown")


def get(name: str) -> Instrument | None:
    """Look an instrument up by id or alias, ignoring case, spaces and hyphens. Ambiguous
    and unknown names give ``None``."""
    return _BY_KEY.get(_key(name))


def all_instruments() -> tuple[Instrument, ...]:
    return _REGISTRY


def names_pattern() -> re.Pattern[str]:
    """A regex that matches any instrument id, alias or ambiguous name in free text.

    Ambiguous names are part of it so that "ASRS v1.1" in a sentence is read whole (and
    :func:`get` gives ``None`` for it) rather than as the shorter "ASRS".
    """
    names = sorted(
        {n for i in _REGISTRY for n in (i.id, *i.aliases)} | set(AMBIGUOUS),
        key=len,
        reverse=True,
    )
    alts = "|".join(
        re.escape(n).replace(r"\-", r"[- ]?").replace(r"\ ", r"[- ]?").replace(r"\.", r"\.?")
        for n in names
    )
    return re.compile(rf"(?<![A-Za-z0-9])(?:{alts})(?![A-Za-z0-9])", re.IGNORECASE)
