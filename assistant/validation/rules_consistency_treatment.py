"""Clinical consistency: the treatment proposed fits what the client chose and the case.

Nothing the client refused is proposed; trauma-focused therapies, which are alternatives,
are not prescribed in parallel for one problem; medication already prescribed leads to
coordination with the prescriber; a minor's plan says what the caregivers do and what is
shared with them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from assistant.validation.context import Context
from assistant.validation.registry import Hit, rule
from assistant.validation.rules_consistency import affirms, words_pattern

# ---------------------------------------------------------------- CF05 refusals

_ALIASES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"alcoholics anonymous|^aa$", re.I), r"\bAA\b|[Aa]lcoholics [Aa]nonymous"),
    (re.compile(r"narcotics anonymous|^na$", re.I), r"\bNA\b|[Nn]arcotics [Aa]nonymous"),
    (re.compile(r"12[- ]step|twelve[- ]step", re.I),
     r"(?i:12[- ]step|twelve[- ]step|alcoholics anonymous|narcotics anonymous)|\bAA\b|\bNA\b"),
    (re.compile(r"emdr|eye[- ]movement", re.I), r"(?i:\bemdr\b|eye[- ]movement)"),
    (re.compile(r"weigh", re.I), r"(?i:weigh[- ]?ins?\b|weighing|weight checks?|weighed)"),
    (re.compile(r"^medications?$|medicine|pharmaco", re.I),
     r"(?i:medication|pharmacotherap\w*|antidepressants?|\bssris?\b)"),
    (re.compile(r"^groups?$|group therapy|group sessions?|group work", re.I), r"(?i:\bgroups?\b)"),
    (re.compile(r"prolonged exposure", re.I), r"(?i:prolonged exposure)|\bPE\b"),
)  # fmt: skip


@lru_cache(maxsize=1024)
def refusal_pattern(target: str) -> re.Pattern[str]:
    """What a refused ``target`` looks like in a plan ('Narcotics Anonymous' -> NA too)."""
    for key, pat in _ALIASES:
        if key.search(target.strip()):
            return re.compile(pat)
    return words_pattern(target)


def _refusal_places(ctx: Context) -> Iterable[tuple[str, str]]:
    yield from ctx.targets
    plan = ctx.plan
    if plan.timeline.session_type:
        yield "timeline.session_type", f"{plan.timeline.session_type} sessions"


@rule("CF05", "consistency.refused-element")
def refused_element(ctx: Context) -> Iterator[Hit]:
    """Nothing the client refused is proposed (an approach, a group, a procedure): the plan
    honours the refusal, or names the conflict as a question for the clinician.

    Bad: 'does not want Narcotics Anonymous'; an intervention 'attend NA meetings twice a week'.
    Good: 'SMART Recovery meetings twice a week (client declines NA)'.
    """
    facts = ctx.facts
    if facts is None:
        return
    for ref in facts.refusals():
        if not ref.target:
            continue
        pat = refusal_pattern(ref.target)
        for path, text in _refusal_places(ctx):
            if affirms(text, pat):
                yield (
                    path,
                    f"The client refused {ref.target} ('{ref.text}'), but the plan proposes it: "
                    "offer another option, or raise the conflict with the client as a question.",
                )


# ---------------------------------------------------------------- CF06 trauma therapies

TRAUMA_THERAPIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("TF-CBT", re.compile(r"\btf-?cbt\b|trauma[- ]focused (?:cbt|cognitive[- ]behaviou?ral)", re.I)),
    ("CPT", re.compile(r"\bcpt\b|cognitive processing therapy", re.I)),
    ("PE", re.compile(r"(?i:prolonged exposure)|\bPE\b")),
    ("EMDR", re.compile(r"\bemdr\b|eye[- ]movement desensiti", re.I)),
    ("NET", re.compile(r"(?i:narrative exposure)|\bNET\b")),
    ("WET", re.compile(r"(?i:written exposure therapy)|\bWET\b")),
    ("CT-PTSD", re.compile(r"\bct-ptsd\b|cognitive therapy for ptsd", re.I)),
    ("BEP", re.compile(r"(?i:brief eclectic psychotherapy)|\bBEP\b")),
)  # fmt: skip
_GENERIC_TRAUMA = re.compile(r"trauma[- ]focused (?:[\w-]+ ){0,2}(?:therapy|cbt)", re.I)
_CHOICE = re.compile(r"\b(?:or|either|alternative|instead|if (?:the client )?prefer\w*)\b", re.I)


def _head(modality: str, technique: str) -> str:
    """What an intervention is: its modality and the name its technique starts with."""
    return f"{modality}. {technique.split(':', 1)[0][:120]}"


def trauma_therapies(head: str) -> list[str]:
    """The trauma-focused therapies an intervention's name proposes, in order of mention."""
    return list(_trauma_therapies(head))


@lru_cache(maxsize=8192)
def _trauma_therapies(head: str) -> tuple[str, ...]:
    hits = sorted(
        (m.start(), name) for name, pat in TRAUMA_THERAPIES for m in [pat.search(head)] if m
    )
    names = list(dict.fromkeys(n for _, n in hits))
    if not names and (g := _GENERIC_TRAUMA.search(head)):
        names = [g.group(0).lower()]
    return tuple(names)


@rule("CF06", "consistency.parallel-trauma-therapies")
def parallel_trauma_therapies(ctx: Context) -> Iterator[Hit]:
    """One trauma-focused therapy per problem: CPT, PE, EMDR, TF-CBT, NET, WET and the like are
    alternatives, so the plan chooses one and names the other with the reason to pick it.

    Bad: Cognitive Processing Therapy and Prolonged Exposure both prescribed for the same PTSD.
    Good: 'Cognitive Processing Therapy, 12 weekly sessions (Prolonged Exposure is the alternative if she prefers exposure work).'
    """
    plan = ctx.plan
    goal_of = {o.id: g for _, g, o in ctx.objectives}
    per_problem: dict[str, list[tuple[int, str]]] = {}
    for i, iv in enumerate(plan.interventions):
        head = _head(iv.modality, iv.technique)
        names = trauma_therapies(head)
        if not names:
            continue
        if len(names) > 1 and not _CHOICE.search(head):
            yield (
                f"interventions[{i}]",
                f"This intervention combines {' and '.join(names)}: these are alternatives; "
                "choose one and name the other as the alternative.",
            )
        problems = {
            p for oid in iv.objective_ids if oid in goal_of for p in goal_of[oid].problem_ids
        }
        for p in problems or {"the plan"}:
            per_problem.setdefault(p, []).append((i, names[0]))
    for problem, found in per_problem.items():
        distinct = list(dict.fromkeys(n for _, n in found))
        if len(distinct) < 2:
            continue
        later = next(i for i, n in found if n == distinct[1])
        yield (
            f"interventions[{later}]",
            f"{' and '.join(distinct)} are prescribed in parallel for problem {problem}: "
            "they are alternatives; keep one and name the other as the alternative, with the "
            "reason to choose it.",
        )


# ---------------------------------------------------------------- CF15 medication

_COORDINATION = re.compile(
    r"prescrib\w*|psychiatr\w*|primary care|\bGP\b|physician|doctor|medication "
    r"(?:coordination|management|review|evaluation|check)|coordinat\w* with|"
    r"liaise|liaison",
    re.IGNORECASE,
)


@lru_cache(maxsize=8192)
def _coordinates(text: str) -> bool:
    return _COORDINATION.search(text) is not None


@rule("CF15", "consistency.medication-without-prescriber")
def medication_without_prescriber(ctx: Context) -> Iterator[Hit]:
    """Medication the client already takes leads to coordination with the prescriber (an
    intervention, an objective or a safety action that names them).

    Bad: sertraline 100 mg prescribed by the GP; the plan never mentions the prescriber.
    Good: 'Coordinate with the prescribing GP at intake and at each review (with the client's consent).'
    """
    facts = ctx.facts
    if facts is None or not facts.medications:
        return
    if any(_coordinates(text) for _, text in ctx.targets):
        return
    names = ", ".join(m.name for m in facts.medications)
    who = next((m.prescriber for m in facts.medications if m.prescriber), None)
    yield (
        "interventions",
        f"The client already takes {names}, but the plan has no coordination with "
        f"{who or 'the prescriber'}: add it (with the client's consent).",
    )


# ---------------------------------------------------------------- CF18 medicine already taken

_REFER_FOR_MEDICINE = re.compile(
    r"\b(?:refer\w*|link\w* with|find|start\w*|begin\w*|initiat\w*|induct\w*)\b[^.;]{0,50}"
    r"\b(?:MOUD|MAT\b|prescriber|opioid treatment programme|opioid treatment program|"
    r"medication for (?:opioid|alcohol)|buprenorphine|methadone|naltrexone|acamprosate|disulfiram)",
    re.IGNORECASE,
)


@rule("CF18", "consistency.referral-for-medicine-taken")
def referral_for_medicine_taken(ctx: Context) -> Iterator[Hit]:
    """A client who already takes a medicine for their substance use is not referred to
    find or start one: the plan coordinates with the current prescriber instead.

    Bad: buprenorphine 16 mg daily from Dr Okafor; an intervention reads 'Refer to an MOUD prescriber without delay.'
    Good: 'Coordinate with Dr Okafor, who prescribes buprenorphine: share attendance and urine results with consent.'
    """
    facts = ctx.facts
    kb = ctx.knowledge
    rules = kb.rules if kb is not None else None
    if facts is None or rules is None or not facts.medications:
        return
    treating = [
        m.name
        for m in facts.medications
        if any(
            n.lower() in m.name.lower()
            for names in rules.medication.for_substance.values()
            for n in names
        )
    ]
    if not treating:
        return
    for i, iv in enumerate(ctx.plan.interventions):
        text = f"{iv.modality}. {iv.technique}"
        if _REFER_FOR_MEDICINE.search(text):
            yield (
                f"interventions[{i}]",
                f"The client already takes {', '.join(treating)}: coordinate with the current "
                "prescriber instead of referring to find or start a medicine.",
            )


# ---------------------------------------------------------------- CF16 minors

_CAREGIVER = re.compile(r"parent\w*|caregiver\w*|guardian\w*|mother|father|carer\w*|family", re.I)
_SHARED = re.compile(r"confidential\w*|what (?:is|will be) shared|consent\w*|privacy", re.I)


@lru_cache(maxsize=8192)
def _caregivers_and_sharing(text: str) -> tuple[bool, bool]:
    """Whether ``text`` names a caregiver, and whether it says what is kept or shared."""
    return _CAREGIVER.search(text) is not None, _SHARED.search(text) is not None


@rule("CF16", "consistency.minor-without-caregiver-role")
def minor_without_caregiver_role(ctx: Context) -> Iterator[Hit]:
    """A minor's plan says what the caregivers do (who consents, who attends) and what is
    kept confidential and what is shared with them.

    Bad: a 15-year-old's plan with no mention of her parents or of confidentiality.
    Good: 'Mother consents and joins the last 10 minutes of every third session; what the client says stays private unless there is a risk to safety.'
    """
    facts = ctx.facts
    if facts is None or facts.population is None:
        return
    if facts.population.age_band not in ("child", "adolescent"):
        return
    texts = [t for _, t in ctx.targets] + list(ctx.plan.sequencing)
    if ctx.plan.safety is not None:
        texts.append(ctx.plan.safety.summary)
    reads = [_caregivers_and_sharing(t) for t in texts]
    if not any(caregivers for caregivers, _ in reads):
        yield (
            "interventions",
            f"The client is {facts.population.age}: say what the caregivers do (who "
            "consents, who attends).",
        )
    if not any(sharing for _, sharing in reads):
        yield (
            "sequencing",
            f"The client is {facts.population.age}: say what stays confidential and what is "
            "shared with the caregivers.",
        )
