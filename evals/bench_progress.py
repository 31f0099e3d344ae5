"""How fast the progress engine reads a plan, and how fast copy-forward checks 1,000 notes.

``python -m evals.bench_progress [--repeat 20]`` builds, in memory, a year of weekly measures
for the shared GAD plan (GAD-7, PHQ-9 with item scores, sleep onset and re-checking every
week, and a weekly session note, some claiming progress) and times the whole progress reading
(objectives, golden thread, copy-forward, safety, cadence); then times copy-forward over 1,000
notes from 40 clients of 5 clinicians with 20 planted copies. Goals: 50 ms and 2 s. Times are
CPU time of this process, the median of the repeats.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
from pathlib import Path
from typing import Any

from assistant import plan as plan_mod
from assistant.progress.copies import NoteRef, find_copies
from assistant.progress.measures import parse
from assistant.progress.report import assess

PLAN = Path(__file__).resolve().parents[1] / "tests" / "data" / "progress" / "gad_plan.json"
START = dt.date(2026, 10, 5)
WORDS = [
    "worry",
    "shift",
    "chart",
    "relaxation",
    "breathing",
    "partner",
    "sleep",
    "diary",
    "exposure",
    "prediction",
    "practised",
    "reviewed",
    "homework",
    "scheduled",
    "late",
    "ward",
    "father",
    "finances",
    "rated",
    "belief",
]


def year_of_measures(rng: random.Random) -> dict[str, Any]:
    entries: list[dict[str, Any]] = []
    sessions: list[dict[str, Any]] = []
    for week in range(1, 53):
        day = (START + dt.timedelta(weeks=week)).isoformat()
        gad = max(0, 15 - week // 4 + rng.randint(-1, 1))
        items = [0] * 9
        for i in range(min(9, gad // 2)):
            items[i % 8] += 1
        entries += [
            {"date": day, "instrument": "GAD-7", "score": gad},
            {"date": day, "instrument": "PHQ-9", "score": sum(items), "items": items},
            {
                "date": day,
                "measure": "sleep onset latency",
                "value": 50 - week // 2,
                "unit": "minutes",
            },
            {
                "date": day,
                "measure": "post-shift re-checking",
                "value": 3 - week // 20,
                "unit": "times per week",
            },
        ]
        note = " ".join(rng.choice(WORDS) for _ in range(rng.randint(30, 70)))
        if week % 5 == 0:
            note = "She is progressing. " + note
        sessions.append(
            {
                "date": day,
                "objectives": ["G1.O3", "G2.O1"],
                "interventions": ["applied relaxation"],
                "note": note,
            }
        )
    return {
        "format": "treatment-measures/1",
        "record_id": "MRN-20417",
        "entries": entries,
        "sessions": sessions,
    }


def thousand_notes(rng: random.Random) -> list[NoteRef]:
    vocab = [f"{rng.choice(WORDS)}{i}" for i in range(3000)] + WORDS * 20
    notes = []
    for i in range(1000):
        text = " ".join(rng.choice(vocab) for _ in range(rng.randint(40, 120)))
        day = dt.date(2026, 1, 1) + dt.timedelta(days=i % 300)
        notes.append(NoteRef(str(i), f"client-{i % 40}", day, text, f"clinician-{i % 5}"))
    for k in range(20):
        src = notes[k * 37]
        notes[999 - k] = NoteRef(
            f"copy-{k}",
            src.client,
            src.date + dt.timedelta(days=7),
            src.text + " Homework set.",
            src.clinician,
        )
    return notes


def _median_cpu(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args(argv)
    rng = random.Random(14)
    plan = plan_mod.load(PLAN)
    as_of = START + dt.timedelta(weeks=53)
    measures = parse(year_of_measures(rng), today=as_of)
    report = assess(plan, measures, as_of=as_of)  # warm the threshold table and regexes
    t_plan = _median_cpu(lambda: assess(plan, measures, as_of=as_of), args.repeat)
    notes = thousand_notes(rng)
    copies = find_copies(notes)
    t_notes = _median_cpu(lambda: find_copies(notes), max(3, args.repeat // 4))
    print(
        f"progress for one plan, {len(measures.entries)} entries and {len(measures.sessions)} notes "
        f"over a year: {t_plan * 1000:.1f} ms (goal 50 ms); "
        f"{len(report.notes)} note finding(s), {len(report.safety)} safety finding(s)"
    )
    print(
        f"copy-forward over {len(notes)} notes: {t_notes:.2f} s (goal 2 s); "
        f"{len(copies)} copies found, 20 planted"
    )
    return 0 if t_plan <= 0.05 and t_notes <= 2.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
