"""A plain-language copy of the plan for the client: our goals and what we will do together.

No diagnosis codes, questionnaire names or clinical terms; short sentences, aimed at about
a grade 8 reading level (``reading_grade`` measures it with textstat's Flesch-Kincaid grade).
"""

from __future__ import annotations

import re

import textstat

from assistant.plan import Objective, TreatmentPlan
from assistant.store.review import active

# modality or technique words -> what we will do, in plain words (first match wins)
_ACTIVITIES: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("safety plan", "stanley"),
        "make a safety plan together, so you know what to do on a hard day",
    ),
    (
        ("stimulus control", "sleep hygiene", "cbt-i", "insomnia"),
        "build habits that help you fall asleep and stay asleep",
    ),
    (
        ("behavioural activation", "behavioral activation", "activity scheduling"),
        "plan small, doable activities that bring back energy and fun",
    ),
    (
        ("prolonged exposure", "cognitive processing", "cpt", "emdr", "trauma"),
        "work through hard memories step by step, at a pace that feels safe",
    ),
    (
        ("exposure", "worry time", "behavioural experiment", "behavioral experiment"),
        "face worries and fears in small steps, so they lose their grip",
    ),
    (("relaxation", "breathing", "mindfulness"), "practise ways to calm your body and your mind"),
    (("motivational",), "talk about the changes you want and why they matter to you"),
    (
        ("dbt", "dialectical", "distress tolerance", "emotion regulation"),
        "learn skills to ride out strong feelings",
    ),
    (
        ("cognitive", "cbt", "thought record", "restructuring"),
        "notice the thoughts that drag you down and try more helpful ones",
    ),
    (
        ("relapse", "recovery", "alcohol", "drinking", "substance"),
        "plan how to cut back and how to handle cravings",
    ),
    (("family", "couple"), "bring the people close to you into some sessions"),
    (("psychoeducation",), "learn how what you are going through works"),
)
_FALLBACK = "practise new skills in our sessions"
_JARGON = {
    "generalised anxiety": "worry",
    "generalized anxiety": "worry",
    "clinically significant": "real",
    "depressive symptoms": "low mood",
    "remission": "recovery",
    "suicidal ideation": "thoughts of ending your life",
    "functioning": "daily life",
    "cognitive distortions": "unhelpful thoughts",
    "psychoeducation": "learning",
    "intrusive": "unwanted",
    "hyperarousal": "feeling on edge",
    "avoidance": "staying away from things",
    "engagement": "taking part",
    "cpt protocol sessions": "therapy sessions",
    "exposure hierarchy items": "practice steps",
    "exposure hierarchy": "practice list",
    "hierarchy": "list",
    "protocol": "plan",
}
_CODES = re.compile(r"\b[A-TV-Z]\d{2}(?:\.\w{1,4})?\b|\bICD-10(?:-CM)?\b|\bLOINC\b|\b\d{4,5}-\d\b")
_PARENS = re.compile(r"\s*\([^)]*\)")


_IRREGULAR = {"goes": "go", "does": "do", "has": "have", "is": "are", "was": "were"}


def _second_person(verb: str) -> str:
    """'goes' -> 'go', 'knows' -> 'know': the verb after a 'you' that replaced 'the client'."""
    low = verb.lower()
    if low in _IRREGULAR:
        return _IRREGULAR[low]
    if low.endswith("s") and not low.endswith(("ss", "us", "is")) and len(low) > 3:
        return verb[:-1]
    return verb


def plain(text: str) -> str:
    """Swap clinical terms for everyday words and drop codes and bracketed asides."""
    out = _PARENS.sub("", text)
    for term, easy in _JARGON.items():
        out = re.sub(term, easy, out, flags=re.IGNORECASE)
    out = _CODES.sub("", out)
    out = re.sub(r"^(the )?client will\b", "You will", out.strip(), flags=re.IGNORECASE)
    out = re.sub(r"^the client\b", "You", out, flags=re.IGNORECASE)
    out = re.sub(r"\bthe client's\b", "your", out, flags=re.IGNORECASE)
    out = re.sub(r"\b(the )?client\b", "you", out, flags=re.IGNORECASE)
    out = re.sub(r"\b([Yy]ou) (\w+)", lambda m: f"{m.group(1)} {_second_person(m.group(2))}", out)
    out = re.sub(r"\s{2,}", " ", out).strip()
    return out


def _objective(o: Objective) -> str:
    what = (
        "how you feel on a short check-in form"
        if o.instrument
        else plain(o.metric or "your progress")
    )
    parts = [f"We will keep track of {what}."]
    if o.baseline and o.baseline.value is not None:
        parts.append(f"Right now it is {plain(o.baseline.text)}.")
    if o.target and o.target.value is not None:
        words = {"<": "below ", "<=": "at most ", ">=": "at least ", ">": "above ", "=": ""}
        aim = words.get(o.target.comparator, "") + plain(o.target.text)
        parts.append(f"Our aim is {aim}, {o.timeframe.text()}.")
    return " ".join(parts)


def _activities(plan: TreatmentPlan) -> list[str]:
    out: list[str] = []
    for iv in plan.interventions:
        words = f"{iv.modality} {iv.technique}".lower()
        found = next(
            (easy for keys, easy in _ACTIVITIES if any(k in words for k in keys)), _FALLBACK
        )
        if found not in out:
            out.append(found)
    return out


def text(plan: TreatmentPlan) -> str:
    plan = active(plan)
    h = plan.header
    first = h.client_name.split()[0]
    who = h.clinician_name
    lines = [f"# Your plan, {first}", ""]
    lines += [
        f"This is your copy of the plan we made together with {who}. "
        "It says what we want to change and how we will get there. "
        "Ask about anything that is not clear. We can change the plan as we go.",
        "",
        "## Our goals",
        "",
    ]
    for i, g in enumerate(plan.goals, 1):
        head = f"“{g.client_words}”" if g.client_words else plain(g.statement)
        lines += [f"**Goal {i}:** {head}", ""]
        lines += [f"- {_objective(o)}" for o in g.objectives]
        lines.append("")
    lines += ["## What we will do together", ""]
    lines += [f"- We will {a}." for a in _activities(plan)] or [f"- We will {_FALLBACK}."]
    lines.append("")
    t = plan.timeline
    meet = []
    if t.session_frequency:
        meet.append(f"We will meet {plain(t.session_frequency)}.")
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
        lines += [f"- {plain(s)}" for s in plan.strengths] + [""]
    lines += [
        "## If you feel unsafe",
        "",
        "Call or text 988 at any time, day or night. In an emergency, call 911. "
        f"You can also tell {who.split()[0]} at any visit.",
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
    body = text(plan)
    if not final:
        body += "\n*Draft: this plan is not final yet.*\n"
    return body.encode("utf-8")
