"""Pseudonymisation of identifiers before anything leaves the machine.

The client's name (and each part of it), date of birth, record id and the clinician's
licence number are replaced by tokens such as ``[CLIENT]``; the model's answer has the
tokens put back. Matching ignores case and word boundaries are respected so that a
first name inside another word is left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.intake import Intake


@dataclass
class Pseudonymiser:
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (real, token)

    @classmethod
    def for_intake(cls, intake: Intake) -> Pseudonymiser:
        p = cls()
        name = intake.client.name.strip()
        p.add(name, "[CLIENT]")
        parts = [w for w in re.split(r"\s+", name) if len(w) >= 2]
        if parts:
            p.add(parts[0], "[CLIENT_FIRST]")
        if len(parts) > 1:
            p.add(parts[-1], "[CLIENT_LAST]")
        dob = intake.client.date_of_birth
        p.add(dob.isoformat(), "[DOB]")
        p.add(f"{dob.month:02d}/{dob.day:02d}/{dob.year}", "[DOB]")
        p.add(f"{dob.day:02d}/{dob.month:02d}/{dob.year}", "[DOB]")
        p.add(intake.client.record_id, "[RECORD_ID]")
        if intake.clinician is not None and intake.clinician.license_number:
            p.add(intake.clinician.license_number, "[LICENSE]")
        return p

    def add(self, real: str, token: str) -> None:
        real = real.strip()
        if real and (real, token) not in self.pairs:
            self.pairs.append((real, token))
        self.pairs.sort(key=lambda rt: len(rt[0]), reverse=True)

    def redact(self, text: str) -> str:
        for real, token in self.pairs:
            text = re.sub(
                rf"(?<![A-Za-z0-9]){re.escape(real)}(?![A-Za-z0-9])",
                token,
                text,
                flags=re.IGNORECASE,
            )
        return text

    def restore(self, text: str) -> str:
        seen: set[str] = set()
        for real, token in sorted(self.pairs, key=lambda rt: len(rt[1]), reverse=True):
            if token in seen:
                continue
            seen.add(token)
            text = text.replace(token, real)
        return text

    def leaks(self, text: str) -> list[str]:
        """Identifiers that still appear in ``text`` (used by tests and a last check)."""
        return [
            real
            for real, _ in self.pairs
            if re.search(rf"(?<![A-Za-z0-9]){re.escape(real)}(?![A-Za-z0-9])", text, re.IGNORECASE)
        ]
