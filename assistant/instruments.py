"""The instrument registry: ranges, direction, severity bands, cut-offs and outcome rules.

Facts come from ``shared/reference/clinical-facts.md`` and carry the source ids used
there. Where a fact is not confirmed by an authoritative source the entry says so
(``confirmed=False``) instead of presenting it as settled; the drafter uses only
confirmed cut-offs and rules for targets, and falls back to a placeholder otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class Band:
    low: float
    high: float
    label: str


@dataclass(frozen=True)
class Fact:
    """A number with its meaning, its source ids and whether the source confirms it."""

    value: float
    note: str
    sources: tuple[str, ...] = ()
    confirmed: bool = True
    inclusive: bool = False  # True when the threshold itself counts ("12 or less")


@dataclass(frozen=True)
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
        return f"{_fmt(self.low)}-{_fmt(self.high)}"

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


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


_B = Band

_REGISTRY: tuple[Instrument, ...] = (
    Instrument(
        id="PHQ-9",
        name="Patient Health Questionnaire-9",
        low=0,
        high=27,
        bands=(
            _B(0, 4, "minimal"),
            _B(5, 9, "mild"),
            _B(10, 14, "moderate"),
            _B(15, 19, "moderately severe"),
            _B(20, 27, "severe"),
        ),
        cutoff=Fact(10, "10 or more suggests major depression", ("M-PHQ1", "M-PHQ2")),
        remission_below=Fact(5, "remission is a score below 5", ("M-PHQ3", "Q-NCQA1")),
        response_percent=Fact(50, "response is a fall of 50% or more", ("M-PHQ3", "Q-NCQA1")),
        meaningful_change=Fact(5, "about 5 points", (), confirmed=False),
        loinc="44261-6",
        loinc_confirmed=True,
        frequency="every session or at least monthly; HEDIS asks for one every 4 months",
        aliases=("PHQ9", "PHQ 9"),
        sources=("M-PHQ1", "M-PHQ2", "M-PHQ3", "LO-HL7"),
        notes=("Any answer above 0 on item 9 calls for a risk assessment (standard practice).",),
    ),
    Instrument(
        id="PHQ-A",
        name="PHQ-9 Modified for Adolescents",
        low=0,
        high=27,
        bands=(
            _B(0, 4, "minimal"),
            _B(5, 9, "mild"),
            _B(10, 14, "moderate"),
            _B(15, 19, "moderately severe"),
            _B(20, 27, "severe"),
        ),
        bands_confirmed=False,
        cutoff=Fact(
            11, "11 or more was the best cut-off for major depression at ages 13-17", ("M-PHQA",)
        ),
        remission_below=Fact(5, "below 5, by analogy with the PHQ-9", ("M-PHQ3",), confirmed=False),
        response_percent=Fact(
            50, "a fall of 50% or more, by analogy with the PHQ-9", ("M-PHQ3",), confirmed=False
        ),
        loinc="89204-2",
        loinc_confirmed=False,
        frequency="every session or monthly",
        aliases=("PHQ-9A", "PHQ-9M", "PHQA", "PHQ-9 Modified for Teens"),
        sources=("M-PHQA",),
    ),
    Instrument(
        id="GAD-7",
        name="Generalized Anxiety Disorder-7",
        low=0,
        high=21,
        bands=(_B(0, 4, "minimal"), _B(5, 9, "mild"), _B(10, 14, "moderate"), _B(15, 21, "severe")),
        cutoff=Fact(10, "10 or more calls for further evaluation", ("M-GAD1", "M-GAD2")),
        remission_below=Fact(5, "below 5, used by analogy with the PHQ-9", (), confirmed=False),
        response_percent=Fact(50, "a fall of 50% or more, used by analogy", (), confirmed=False),
        meaningful_change=Fact(4, "about 4 points", (), confirmed=False),
        loinc="70274-6",
        loinc_confirmed=True,
        frequency="every session or monthly",
        aliases=("GAD7", "GAD 7"),
        sources=("M-GAD1", "M-GAD2", "LO-HL7"),
    ),
    Instrument(
        id="PCL-5",
        name="PTSD Checklist for DSM-5",
        low=0,
        high=80,
        bands=(),
        bands_confirmed=False,
        cutoff=Fact(
            33, "31-33 marks probable PTSD; 33 is used as the upper bound", ("M-PCL1", "M-PCL2")
        ),
        remission_below=Fact(33, "falling below the 31-33 cut-point", (), confirmed=False),
        meaningful_change=Fact(
            10,
            "a 10-point change is clinically meaningful; 5 points is the minimum sign of response",
            ("M-PCL2", "M-PCL3"),
        ),
        loinc=None,
        frequency="repeat during treatment (interval not confirmed)",
        aliases=("PCL5", "PCL 5", "PTSD Checklist for DSM-5"),
        sources=("M-PCL1", "M-PCL2", "M-PCL3"),
        notes=(
            "No empirically derived severity bands exist.",
            "LOINC code not confirmed (sources conflict).",
        ),
    ),
    Instrument(
        id="AUDIT",
        name="Alcohol Use Disorders Identification Test",
        low=0,
        high=40,
        bands=(
            _B(0, 7, "zone I (low risk)"),
            _B(8, 15, "zone II (hazardous)"),
            _B(16, 19, "zone III (harmful)"),
            _B(20, 40, "zone IV (possible dependence)"),
        ),
        cutoff=Fact(8, "8 or more suggests hazardous or harmful use", ("M-AUD1", "M-AUD2")),
        loinc="75624-7",
        loinc_confirmed=False,
        frequency="screening tool, not an outcome measure; rescreen about yearly",
        aliases=("AUDIT-10",),
        sources=("M-AUD1", "M-AUD2", "M-AUD3"),
        notes=("Not designed to track change during treatment.",),
    ),
    Instrument(
        id="AUDIT-C",
        name="AUDIT Consumption",
        low=0,
        high=12,
        cutoff=Fact(
            4, "4 or more is positive for men, 3 or more for women", ("M-AUDC1", "M-AUDC2")
        ),
        loinc="75626-2",
        loinc_confirmed=False,
        frequency="screening tool",
        aliases=("AUDITC",),
        sources=("M-AUDC1", "M-AUDC2", "M-AUDC3"),
    ),
    Instrument(
        id="DAST-10",
        name="Drug Abuse Screening Test-10",
        low=0,
        high=10,
        bands=(
            _B(0, 0, "none"),
            _B(1, 2, "low"),
            _B(3, 5, "moderate"),
            _B(6, 8, "substantial"),
            _B(9, 10, "severe"),
        ),
        cutoff=Fact(3, "3 or more is the most cited positive screen", ("M-DAST2",)),
        loinc="82667-7",
        loinc_confirmed=False,
        frequency="screening tool",
        aliases=("DAST10",),
        sources=("M-DAST1", "M-DAST2", "M-DAST3"),
    ),
    Instrument(
        id="ISI",
        name="Insomnia Severity Index",
        low=0,
        high=28,
        bands=(
            _B(0, 7, "no clinically significant insomnia"),
            _B(8, 14, "subthreshold insomnia"),
            _B(15, 21, "clinical insomnia (moderate)"),
            _B(22, 28, "clinical insomnia (severe)"),
        ),
        cutoff=Fact(15, "15 or more is clinically significant insomnia", ("M-ISI1", "M-ISI2")),
        remission_below=Fact(8, "remission is a total below 8", ("M-ISI2", "M-ISI3")),
        meaningful_change=Fact(
            8.4, "a fall of about 8.4 points matched moderate improvement", ("M-ISI3",)
        ),
        loinc="96899-5",
        loinc_confirmed=False,
        frequency="every 2 weeks during treatment",
        aliases=("Insomnia Severity Index",),
        sources=("M-ISI1", "M-ISI2", "M-ISI3"),
    ),
    Instrument(
        id="PDSS",
        name="Panic Disorder Severity Scale",
        low=0,
        high=28,
        bands=(),
        bands_confirmed=False,
        cutoff=Fact(
            8,
            "8 or more on the self-report version suggests panic disorder (sources disagree: 8 or 9)",
            ("M-PD3", "M-PD4"),
        ),
        frequency="weekly (the self-report version was built for weekly monitoring)",
        aliases=("PDSS-SR", "Panic Disorder Severity Scale"),
        sources=("M-PD1", "M-PD2", "M-PD3", "M-PD4"),
        notes=("Severity bands are not confirmed.",),
    ),
    Instrument(
        id="Y-BOCS",
        name="Yale-Brown Obsessive Compulsive Scale",
        low=0,
        high=40,
        bands=(
            _B(0, 7, "subclinical"),
            _B(8, 15, "mild"),
            _B(16, 23, "moderate"),
            _B(24, 31, "severe"),
            _B(32, 40, "extreme"),
        ),
        cutoff=Fact(16, "16 or more is often used as a trial-entry threshold", (), confirmed=False),
        remission_below=Fact(
            12,
            "a total of 12 or less is a common remission convention",
            (),
            confirmed=False,
            inclusive=True,
        ),
        response_percent=Fact(
            35, "a fall of 35% or more is a common convention", (), confirmed=False
        ),
        frequency="every 4 weeks (clinician-rated)",
        aliases=("YBOCS", "Y BOCS", "Yale-Brown"),
        sources=("M-YB1", "M-YB2"),
    ),
    Instrument(
        id="SPIN",
        name="Social Phobia Inventory",
        low=0,
        high=68,
        bands=(
            _B(0, 20, "none or very mild"),
            _B(21, 30, "mild"),
            _B(31, 40, "moderate"),
            _B(41, 50, "severe"),
            _B(51, 68, "very severe"),
        ),
        cutoff=Fact(19, "19 or more separated social phobia from controls", ("M-SP1", "M-SP2")),
        frequency="every 2-4 weeks",
        aliases=("Social Phobia Inventory",),
        sources=("M-SP1", "M-SP2", "M-SP3"),
    ),
    Instrument(
        id="EPDS",
        name="Edinburgh Postnatal Depression Scale",
        low=0,
        high=30,
        cutoff=Fact(
            13,
            "13 or more: assess for probable depression (10 for more sensitivity)",
            ("M-EP1", "M-EP2"),
        ),
        loinc="71354-5",
        loinc_confirmed=False,
        frequency="repeat after 2 weeks when unclear; then at each review",
        aliases=("Edinburgh",),
        sources=("M-EP1", "M-EP2"),
        notes=("Any answer above 0 on item 10 needs a risk assessment.",),
    ),
    Instrument(
        id="CUDIT-R",
        name="Cannabis Use Disorders Identification Test-Revised",
        low=0,
        high=32,
        bands=(
            _B(0, 7, "low risk"),
            _B(8, 11, "hazardous"),
            _B(12, 32, "possible cannabis use disorder"),
        ),
        cutoff=Fact(
            8,
            "8 or more is hazardous use; 12 or more possible cannabis use disorder",
            ("M-CU1", "M-CU3"),
        ),
        frequency="screening tool",
        aliases=("CUDITR",),
        sources=("M-CU1", "M-CU2", "M-CU3"),
    ),
    Instrument(
        id="ASRS",
        name="Adult ADHD Self-Report Scale v1.1, Part A",
        low=0,
        high=6,
        cutoff=Fact(
            4,
            "4 or more answers in the shaded boxes of Part A calls for full assessment",
            ("M-AS1", "M-AS2"),
        ),
        frequency="screening tool",
        aliases=("ASRS Part A", "ASRS v1.1 Part A", "ASRS screener", "ASRS-6"),
        sources=("M-AS1", "M-AS2", "M-AS3"),
    ),
    Instrument(
        id="EDE-Q",
        name="Eating Disorder Examination Questionnaire 6.0, global score",
        low=0,
        high=6,
        cutoff=Fact(
            2.8, "2.8 or more in clinical samples (suggested cut-offs range from 2.3)", ("M-ED1",)
        ),
        frequency="every 4 weeks",
        whole_scores=False,
        aliases=("EDEQ", "EDE-Q 6.0"),
        sources=("M-ED1",),
    ),
    Instrument(
        id="PG-13-R",
        name="Prolonged Grief-13-Revised, symptom total",
        low=10,
        high=50,
        cutoff=Fact(30, "a symptom total of 30 or more matched the DSM-5-TR criterion", ("M-PG1",)),
        frequency="every 4 weeks",
        aliases=("PG13R",),
        sources=("M-PG1", "M-PG2"),
        notes=("Item count is disputed (10 symptom items assumed, total 10-50).",),
    ),
    Instrument(
        id="DERS",
        name="Difficulties in Emotion Regulation Scale",
        low=36,
        high=180,
        frequency="every 4-8 weeks",
        sources=("M-DE1", "M-DE2", "M-DE3"),
        notes=("No standard clinical cut-off.",),
    ),
    Instrument(
        id="ORS",
        name="Outcome Rating Scale",
        low=0,
        high=40,
        direction="higher_is_better",
        whole_scores=False,
        cutoff=Fact(25, "25 or below is the adult clinical range", ("M-OR1", "M-OR2")),
        meaningful_change=Fact(5, "a gain of 5 points is reliable change", ("M-OR1", "M-OR3")),
        frequency="every session",
        sources=("M-OR1", "M-OR2", "M-OR3"),
    ),
    Instrument(
        id="CORE-10",
        name="Clinical Outcomes in Routine Evaluation-10",
        low=0,
        high=40,
        cutoff=Fact(11, "11 or more is the clinical range", ("M-CO2", "M-CO4")),
        meaningful_change=Fact(6, "about 6 points is reliable change", ("M-CO2", "M-CO4")),
        frequency="every session",
        sources=("M-CO1", "M-CO2", "M-CO3", "M-CO4"),
    ),
    Instrument(
        id="PSS-10",
        name="Perceived Stress Scale-10",
        low=0,
        high=40,
        bands=(_B(0, 13, "low"), _B(14, 26, "moderate"), _B(27, 40, "high")),
        bands_confirmed=False,
        frequency="monthly",
        sources=("M-PS1", "M-PS2"),
    ),
    Instrument(
        id="WHODAS-12",
        name="WHO Disability Assessment Schedule 2.0, 12-item simple sum",
        low=12,
        high=60,
        frequency="at intake and each review",
        aliases=("WHODAS-12 simple", "WHODAS 2.0 12-item"),
        sources=("M-WH1", "M-WH2"),
    ),
    Instrument(
        id="C-SSRS",
        name="Columbia Suicide Severity Rating Scale, screener",
        low=0,
        high=6,
        categorical=True,
        frequency="every contact (since-last-visit version)",
        aliases=("CSSRS", "Columbia"),
        sources=("M-CS1", "M-CS2", "M-CS3", "M-CS4"),
        notes=("Not summed: gives a risk category (low, moderate, high).",),
    ),
)

# Names that stand for more than one instrument, form or scoring. They match none of them:
# an assessment written this way is kept as an unvalidated measure, never judged against
# the range of an instrument it may not be.
AMBIGUOUS: dict[str, str] = {
    "ASRS v1.1": "the ASRS v1.1 has an 18-item symptom checklist (0-72) and a 6-item "
    "Part A screener (0-6); write 'ASRS Part A' for the screener",
    "ASRS-v1.1": "the ASRS v1.1 has an 18-item symptom checklist (0-72) and a 6-item "
    "Part A screener (0-6); write 'ASRS Part A' for the screener",
    "PHQ": "PHQ names a family (PHQ-2, PHQ-9, PHQ-15, PHQ-A)",
    "Patient Health Questionnaire": "PHQ names a family (PHQ-2, PHQ-9, PHQ-15, PHQ-A)",
    "PCL": "PCL may be the PCL-5 (0-80) or the older PCL-C or PCL-M (17-85)",
    "PTSD Checklist": "PCL may be the PCL-5 (0-80) or the older PCL-C or PCL-M (17-85)",
    "DAST": "DAST may be the DAST-10 (0-10) or the DAST-20 (0-20)",
    "CUDIT": "the original CUDIT (0-40) differs from the CUDIT-R (0-32)",
    "PG-13": "the original PG-13 differs from the PG-13-R (10-50)",
    "WHODAS": "WHODAS 2.0 has 12- and 36-item forms and two ways of scoring",
    "WHODAS 2.0": "WHODAS 2.0 has 12- and 36-item forms and two ways of scoring",
}

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
