"""A plain-language copy of the plan for the client: our goals and what we will do together.

No diagnosis codes, questionnaire names or clinical terms (the list of terms and their
plain replacements is data: ``plain_words.yaml``); the client is 'you', and the plan's
pronouns for them come from the header (as recorded at intake). Short sentences, aimed at
about a grade 8 reading level (``reading_grade`` measures it with textstat's
Flesch-Kincaid grade).
"""

from __future__ import annotations

import re

import textstat

from assistant import instruments
from assistant.export import plain_words
from assistant.export.plain_words import plain
from assistant.plan import Objective, TreatmentPlan
from assistant.review import active

__all__ = ["activities", "plain", "reading_grade", "text", "write"]

# modality or technique words -> what we will do, in plain words (first match wins). Each
# phrase names only what its keywords name, so a plan never borrows another presentation's
# words (no "cravings" in an anxiety plan's relapse-prevention work).
_ACTIVITIES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("review the safety plan", "existing safety plan", "safety plan written at intake"),
     "go over your safety plan together and keep it up to date"),
    (("safety plan", "stanley"), "make a safety plan together, so you know what to do on a hard day"),
    (("lethal-means", "lethal means", "means restriction"),
     "agree simple steps that make your home safer on a hard day"),
    (("medical referral", "medical review", "withdrawal"),
     "arrange a check-up with a doctor before any big change"),
    (("medication", "prescriber", "moud", "buprenorphine", "methadone", "naltrexone"),
     "keep in touch with the doctor who prescribes your medicine"),
    (("mutual-support", "mutual support", "smart recovery", "peer support", "peer recovery"),
     "find a support group that suits you"),
    (("stimulus control", "sleep hygiene", "cbt-i", "insomnia"),
     "build habits that help you fall asleep and stay asleep"),
    (("behavioural activation", "behavioral activation", "activity scheduling"),
     "plan small, doable activities that bring back energy and fun"),
    (("prolonged exposure", "cognitive processing", "cpt", "emdr", "trauma", "imaginal"),
     "work through hard memories step by step, at a pace that feels safe"),
    (("alcohol", "drinking", "substance", "opioid", "cannabis", "drug use", "craving"),
     "plan how to handle cravings and risky moments"),
    (("exposure", "worry time", "behavioural experiment", "behavioral experiment"),
     "face worries and fears in small steps, so they lose their grip"),
    (("relaxation", "breathing", "mindfulness"), "practise ways to calm your body and your mind"),
    (("motivational",), "talk about the changes you want and why they matter to you"),
    (("dbt", "dialectical", "distress tolerance", "emotion regulation"),
     "learn skills to ride out strong feelings"),
    (("relapse",), "plan how to keep your progress and spot early warning signs"),
    (("cognitive", "cbt", "thought record", "restructuring"),
     "notice the thoughts that drag you down and try more helpful ones"),
    (("family", "couple", "caregiver", "parent"), "bring the people close to you into some sessions"),
    (("psychoeducation",), "learn how what you are going through works"),
)  # fmt: skip
_FALLBACK = "practise new skills in our sessions"
_AIMS = {"<": "below ", "<=": "at most ", ">=": "at least ", ">": "above ", "=": ""}


def _objective(o: Objective, pronouns: str | None) -> str:
    inst = o.instrument or _instrument_in(o.metric or "")
    if inst:
        what = f"your score on the {plain_words.load().questionnaire(inst)}"
    else:
        what = plain(o.metric or "your progress", pronouns)
    parts = [f"We will keep track of {what}."]
    if o.baseline and o.baseline.value is not None:
        parts.append(f"Right now it is {plain(o.baseline.text, pronouns)}.")
    if o.target and o.target.value is not None:
        aim = _AIMS.get(o.target.comparator, "") + plain(o.target.text, pronouns)
        parts.append(f"Our aim is {aim}, {o.timeframe.text()}.")
    return " ".join(parts)


def _instrument_in(text: str) -> str | None:
    m = instruments.names_pattern().search(text)
    return m.group(0) if m and instruments.get(m.group(0)) else None


def _activity(words: str) -> str | None:
    return next((easy for keys, easy in _ACTIVITIES if any(k in words for k in keys)), None)


def activities(plan: TreatmentPlan) -> list[str]:
    """What we will do together, one plain phrase a kind of intervention, in plan order.

    An intervention is read by its name (modality, and its technique up to the first ':')
    before its list of techniques, so 'Applied relaxation: ...; stimulus control for sleep
    onset' is relaxation, not sleep work.
    """
    out: list[str] = []
    for iv in plan.interventions:
        head = f"{iv.modality} {iv.technique.split(':', 1)[0]}".lower()
        found = _activity(head) or _activity(iv.technique.lower()) or _FALLBACK
        if found not in out:
            out.append(found)
    return out


def text(plan: TreatmentPlan) -> str:
    plan = active(plan)
    h = plan.header
    you = h.pronouns
    first = h.client_name.split()[0]
    who = h.clinician_name.strip()
    lines = [f"# Your plan, {first}", ""]
    lines += [
        f"This is your copy of the plan we made together{f' with {who}' if who else ''}. "
        "It says what we want to change and how we will get there. "
        "Ask about anything that is not clear. We can change the plan as we go.",
        "",
        "## Our goals",
        "",
    ]
    for i, g in enumerate(plan.goals, 1):
        head = f"“{g.client_words}”" if g.client_words else plain(g.statement, you)
        lines += [f"**Goal {i}:** {head}", ""]
        steps = list(dict.fromkeys(_objective(o, you) for o in g.objectives))
        lines += [f"- {step}" for step in steps]
        lines.append("")
    lines += ["## What we will do together", ""]
    lines += [f"- We will {a}." for a in activities(plan)] or [f"- We will {_FALLBACK}."]
    lines.append("")
    t = plan.timeline
    meet = []
    if t.session_frequency:
        meet.append(f"We will meet {plain(t.session_frequency, you)}.")
    if t.session_minutes:
        meet.append(f"Each visit lasts about {t.session_minutes} minutes.")
    if t.estimated_weeks:
        meet.append(f"We expect to work together for about {t.estimated_weeks} weeks.")
    if t.review_dates:
        meet.append(
            f"We will look at this plan again on {t.review_dates[0].strftime('%B %-d, %Y')}."
        )
    if meet:
        lines += ["## When we meet", "", " ".join(meet), ""]
    if plan.strengths:
        lines += ["## Your strengths", "", "These will help you along the way:", ""]
        lines += [f"- {plain(s, you)}" for s in plan.strengths] + [""]
    tell = (
        f"You can also tell {who.split()[0]} at any visit."
        if who
        else ("You can also tell us at any visit.")
    )
    lines += [
        "## If you feel unsafe",
        "",
        f"Call or text 988 at any time, day or night. In an emergency, call 911. {tell}",
        "",
    ]
    return "\n".join(lines)


def _has_cmudict() -> bool:
    try:
        import nltk

        nltk.data.find("corpora/cmudict")
    except (ImportError, LookupError):
        return False
    return True


def reading_grade(markdown: str) -> float:
    """Flesch-Kincaid grade of the prose (headings and list marks stripped).

    textstat counts English syllables with NLTK's CMU dictionary, which it would download
    on first use; when that dictionary is not installed the same formula is computed here
    with textstat's word and sentence counts and Pyphen's hyphenation (never a download).
    """
    prose = re.sub(r"[#*“”]|^- ", " ", markdown, flags=re.MULTILINE)
    if _has_cmudict():
        return float(textstat.flesch_kincaid_grade(prose))
    import pyphen

    dic = pyphen.Pyphen(lang="en_US")
    words = re.findall(r"[A-Za-z][A-Za-z']*", prose)
    if not words:
        return 0.0
    syllables = sum(len(dic.positions(w)) + 1 for w in words)
    sentences = max(1, int(textstat.sentence_count(prose)))
    n = len(words)
    return round(0.39 * n / sentences + 11.8 * syllables / n - 15.59, 1)


def write(plan: TreatmentPlan, *, final: bool) -> bytes:
    """The client copy as a Markdown file. Its text comes from the intake, a model and the
    clinician, so every image, link and HTML tag in it is written out as plain text: a
    viewer that renders the file fetches nothing."""
    from assistant.text import defang_markdown

    body = defang_markdown(text(plan))
    if not final:
        body += "\n*Draft: this plan is not final yet.*\n"
    return body.encode("utf-8")
