"""One trauma-focused therapy per problem, with the next allowed one named as the alternative.

The offline drafter asks :meth:`TraumaChoice.narrow` for each objective's interventions: the
first trauma-focused therapy chosen for a problem stays the choice, and a note names the
alternative with the reason to pick it. Once the goals are made,
:meth:`TraumaChoice.name_chosen` trims objective wording that lists several of these
therapies as options down to the one chosen.
"""

from __future__ import annotations

import re

from assistant.drafting.select import Preferences, allowed, preference_score
from assistant.knowledge import DraftingRules, InterventionOption, Presentation
from assistant.plan import Goal


class TraumaChoice:
    """The trauma-focused therapy chosen for each problem of one plan, and the notes."""

    def __init__(self, rules: DraftingRules | None) -> None:
        self.rules = rules
        self.chosen: dict[str, str] = {}  # knowledge record id -> the chosen therapy's id
        self.notes: list[str] = []

    def name_chosen(self, goals: list[Goal]) -> None:
        """An objective that lists the trauma-focused therapies as options ('all CPT sessions
        ..., or PE ..., or EMDR ...') names only the one chosen for this plan."""
        rules = self.rules
        if rules is None or not self.chosen:
            return
        short = rules.trauma_alternatives.short
        chosen = {short[c] for c in self.chosen.values() if c in short}
        others = set(short.values()) - chosen
        names = "|".join(re.escape(n) for n in short.values())
        option = re.compile(rf"(?:(?<=: )|(?<=, or ))[^,;:]*?\b(?:{names})\b[^,;:]*")
        for g in goals:
            for o in g.objectives:
                found = option.findall(o.text)
                if len(found) < 2:
                    continue
                text = o.text
                for opt in found:
                    says = set(re.findall(rf"\b(?:{names})\b", opt))
                    if says and not says & chosen and says <= others:
                        text = text.replace(f", or {opt}", "").replace(f"{opt}, or ", "")
                if text != o.text:
                    o.text = text
                    o.provenance.suggested_text = text

    def narrow(
        self, pres: Presentation, ok: list[InterventionOption], prefs: Preferences
    ) -> list[InterventionOption]:
        """One trauma-focused therapy per problem: the first one chosen stays the choice, and
        the next allowed one is named as the alternative with the reason to pick it."""
        rules = self.rules
        if rules is None:
            return ok
        trauma = rules.trauma_alternatives
        options = {i.id: i for i in pres.interventions}
        chosen_id = self.chosen.get(pres.id)
        if chosen_id is None:
            if not ok or ok[0].id not in trauma.therapies:
                return ok
            chosen_id = self.chosen[pres.id] = ok[0].id
            others = [
                options[t]
                for t in trauma.therapies
                if t in options and t != chosen_id and allowed(options[t], prefs)[0]
            ]
            others.sort(key=lambda o: -preference_score(o, prefs))
            if others:
                alt = others[0]
                self.notes.append(
                    " ".join(
                        trauma.text.format(
                            chosen=options[chosen_id].name,
                            alternative=alt.name,
                            reason=trauma.reason.get(alt.id, "the client's preference"),
                        ).split()
                    )
                )
            return ok
        rest = [o for o in ok if o.id not in trauma.therapies]
        if len(rest) == len(ok):
            return ok
        return [options[chosen_id], *rest]
