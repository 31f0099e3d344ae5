"""De-identification of everything sent to a remote model, reversibly.

Before a request leaves the machine, :meth:`Pseudonymiser.redact` replaces every
identifier of the HIPAA Safe Harbor kinds it can recognise with a token such as
``[PERSON_2]`` or ``[PHONE_1]``; :meth:`Pseudonymiser.restore` puts the real text back in
the model's answer, on this machine. It recognises:

* names: the client's full name, each part of it and common nicknames of the first name;
  the clinician's; anyone named after a relation word or title ("her husband Mark",
  "Dr. Okafor", "a friend called Jo", "Sam, her partner") — each found name is then
  replaced wherever it appears;
* dates in any written form except a year on its own (2026-09-21, 9/21/2026, 21.09.26,
  "September 21, 2026", "21st of September", "Sept 2026");
* phone and fax numbers, e-mail addresses, URLs, IP addresses;
* street addresses, towns named with a state and ZIP or after "lives in", ZIP codes; social-security numbers; record, account, member,
  licence, certificate, case and plate numbers, VINs and device serial numbers.

Recognition is by the intake's own identifiers plus patterns, with no model download
(offline by design): a name that appears with no cue at all (no relation word, title or
"named") is not recognised unless the intake lists it. Ages over 89 are sent as "90 or
older" by the caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.intake import Intake

_NICKNAMES = {
    "alexander": ["Alex", "Xander"], "alexandra": ["Alex", "Sasha"], "andrew": ["Andy", "Drew"],
    "anthony": ["Tony"], "benjamin": ["Ben", "Benny"], "catherine": ["Cathy", "Kate", "Katie"],
    "charles": ["Charlie", "Chuck"], "christopher": ["Chris"], "daniel": ["Dan", "Danny"],
    "david": ["Dave"], "deborah": ["Debbie", "Deb"], "edward": ["Ed", "Eddie", "Ted"],
    "elizabeth": ["Liz", "Beth", "Betty", "Lizzie"], "james": ["Jim", "Jimmy", "Jamie"],
    "jennifer": ["Jen", "Jenny"], "john": ["Johnny", "Jack"], "jonathan": ["Jon", "Jonny"],
    "joseph": ["Joe", "Joey"], "katherine": ["Kate", "Katie", "Kathy"], "margaret": ["Maggie",
    "Meg", "Peggy"], "matthew": ["Matt"], "michael": ["Mike", "Mikey"], "nicholas": ["Nick"],
    "patricia": ["Pat", "Patty", "Trish"], "rebecca": ["Becky", "Becca"], "richard": ["Rick",
    "Dick", "Rich"], "robert": ["Rob", "Bob", "Bobby"], "samantha": ["Sam"], "samuel": ["Sam"],
    "stephen": ["Steve"], "steven": ["Steve"], "susan": ["Sue", "Susie"], "thomas": ["Tom",
    "Tommy"], "tomas": ["Tom", "Tommy"], "victoria": ["Vicky", "Tori"], "william": ["Will",
    "Bill", "Billy"], "noor": ["Nouri"], "maren": ["Mare"],
}  # fmt: skip

_NAME = r"[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?(?:\s+[A-Z][a-z]+(?:-[A-Z][a-z]+)?)?"
_RELATION = (
    r"husband|wife|partner|boyfriend|girlfriend|fianc[eé]e?|spouse|ex|son|daughter|child|"
    r"stepson|stepdaughter|mother|mom|mum|father|dad|stepfather|stepmother|brother|sister|"
    r"sibling|twin|grandmother|grandfather|grandma|grandpa|grandson|granddaughter|aunt|uncle|"
    r"cousin|niece|nephew|friend|roommate|housemate|flatmate|boss|manager|supervisor|"
    r"co-?worker|colleague|neighbou?r|sponsor|caseworker|officer|therapist|psychiatrist|"
    r"psychologist|doctor|physician|GP|counsell?or|teacher|coach|pastor|priest|rabbi|imam|"
    r"attorney|lawyer|landlord|guardian|caregiver|carer|nurse|prescriber"
)
_NAME_CUES = [
    re.compile(rf"\b(?:{_RELATION})(?:'s)?,?\s+(?:named\s+|called\s+)?(?P<n>{_NAME})"),
    re.compile(rf"(?P<n>{_NAME}),\s+(?:his|her|their|my|the\s+client's)\s+(?:{_RELATION})\b"),
    re.compile(
        rf"\b(?:Dr|Mr|Mrs|Ms|Mx|Miss|Prof|Judge|Officer|Pastor|Rev|Nurse|Coach)\.?\s+(?P<n>{_NAME})"
    ),
    re.compile(rf"\b(?:named|called|goes\s+by|nicknamed|known\s+as|aka)\s+[\"']?(?P<n>{_NAME})"),
]
_PLACE_CUES = [
    re.compile(
        r"\b(?:lives|living|lived|moved|grew\s+up|born|resides|residing|relocated)\s+(?:in|to|at)"
        rf"\s+(?P<n>{_NAME})"
    ),
    re.compile(rf"(?P<n>{_NAME}),\s+[A-Z]{{2}}\s+\d{{5}}"),
]
_NOT_NAMES = {
    "The", "This", "That", "He", "She", "They", "His", "Her", "Their", "Client", "Patient",
    "It", "We", "I", "And", "But", "On", "In", "At", "For", "With", "Since", "After",
    "Before", "When", "Who", "A", "An", "No", "Not",
}  # fmt: skip

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_ORD = r"\d{1,2}(?:st|nd|rd|th)?"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("EMAIL", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    ("URL", re.compile(r"\b(?:https?://|www\.)[^\s\"'<>)\]]*[^\s\"'<>)\].,;:!?]", re.I)),
    ("IP", re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b|\b(?:[0-9a-f]{1,4}:){3,7}[0-9a-f]{1,4}\b")),
    ("SSN", re.compile(r"\b\d{3}-\d{2}-\d{4}\b")),
    (
        "PHONE",
        re.compile(r"(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\b\d{3}[\s.-])\d{3}[\s.-]\d{4}\b"),
    ),
    (
        "ADDRESS",
        re.compile(
            r"\b\d{1,6}\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|"
            r"Dr|Boulevard|Blvd|Court|Ct|Way|Place|Pl|Terrace|Circle|Cir|Highway|Hwy|Parkway|"
            r"Pkwy)\b\.?(?:,?\s*(?:Apt|Apartment|Unit|Suite|#)\.?\s*\w+)?"
        ),
    ),
    ("ZIP", re.compile(r"(?<=\b[A-Z]{2}\s)\d{5}(?:-\d{4})?\b|(?i:\bzip(?:\s*code)?:?\s*)\d{5}")),
    (
        "DATE",
        re.compile(
            rf"\b\d{{4}}-\d{{1,2}}-\d{{1,2}}\b|\b\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}\b"
            rf"|\b{_MONTH}\.?\s+{_ORD}(?:,?\s+\d{{4}})?\b|\b{_ORD}\s+(?:of\s+)?{_MONTH}\b\.?"
            rf"(?:,?\s+\d{{4}})?|\b{_MONTH}\.?,?\s+\d{{4}}\b"
            r"|(?:(?<=\bon\s)|(?<=\bsince\s)|(?<=\bfrom\s)|(?<=\buntil\s)|(?<=\bby\s))"
            r"\d{1,2}/\d{1,2}\b"
        ),
    ),
    (
        "ID",
        re.compile(
            r"(?i:\b(?:MRN|medical\s+record|record|chart|account|acct|licen[cs]e|policy|member|"
            r"beneficiary|certificate|cert|badge|case|docket|plate|VIN|serial|device|ID)"
            r"(?:\s+(?:number|no\.?|#))?\s*[:#]?\s*)(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{3,}\b"
            r"|\b[A-Z]{2,5}-\d{3,}\b|\b(?=[A-HJ-NPR-Z]*\d)(?=\d*[A-HJ-NPR-Z])[A-HJ-NPR-Z0-9]{17}\b"
        ),
    ),
]


@dataclass
class Pseudonymiser:
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (real, token)
    case_sensitive: set[str] = field(default_factory=set)  # names found by cue
    counts: dict[str, int] = field(default_factory=dict)

    @classmethod
    def for_intake(cls, intake: Intake) -> Pseudonymiser:
        p = cls()
        name = intake.client.name.strip()
        p.add(name, "[CLIENT]")
        parts = [w for w in re.split(r"\s+", name) if len(w) >= 2]
        if parts:
            p.add(parts[0], "[CLIENT_FIRST]")
            for nick in _NICKNAMES.get(parts[0].lower(), []):
                p.add(nick, "[CLIENT_FIRST]", case_sensitive=True)
        if len(parts) > 1:
            p.add(parts[-1], "[CLIENT_LAST]")
        dob = intake.client.date_of_birth
        for form in (
            dob.isoformat(),
            f"{dob.month:02d}/{dob.day:02d}/{dob.year}",
            f"{dob.day:02d}/{dob.month:02d}/{dob.year}",
            f"{dob.month}/{dob.day}/{dob.year}",
        ):
            p.add(form, "[DOB]")
        p.add(intake.client.record_id, "[RECORD_ID]")
        if intake.clinician is not None:
            if intake.clinician.license_number:
                p.add(intake.clinician.license_number, "[LICENSE]")
            p.add_name(intake.clinician.name)
        for _, text in intake.free_text():
            p.scan(text)
        return p

    def add(self, real: str, token: str, *, case_sensitive: bool = False) -> None:
        real = real.strip()
        if real and not any(r == real for r, _ in self.pairs):
            self.pairs.append((real, token))
            if case_sensitive:
                self.case_sensitive.add(real)
        self.pairs.sort(key=lambda rt: len(rt[0]), reverse=True)

    def _token(self, kind: str, real: str) -> str:
        for r, t in self.pairs:
            if r == real:
                return t
        self.counts[kind] = self.counts.get(kind, 0) + 1
        token = f"[{kind}_{self.counts[kind]}]"
        self.add(real, token, case_sensitive=kind == "PERSON")
        return token

    def add_name(self, name: str) -> None:
        """A person's name: the whole of it and each part of three letters or more."""
        name = name.strip()
        if not name or name.split()[0] in _NOT_NAMES:
            return
        self._token("PERSON", name)
        for part in name.split():
            if len(part) >= 3 and part not in _NOT_NAMES:
                self._token("PERSON", part)

    def scan(self, text: str) -> None:
        """Register every identifier the patterns find in ``text``."""
        for cue in _NAME_CUES:
            for m in cue.finditer(text):
                self.add_name(m.group("n"))
        for cue in _PLACE_CUES:
            for m in cue.finditer(text):
                if m.group("n").split()[0] not in _NOT_NAMES:
                    self._token("PLACE", m.group("n"))
        for kind, pattern in _PATTERNS:
            for m in pattern.finditer(text):
                self._token(kind, m.group(0))

    def redact(self, text: str) -> str:
        self.scan(text)
        for real, token in self.pairs:
            flags = 0 if real in self.case_sensitive else re.IGNORECASE
            text = re.sub(
                rf"(?<![A-Za-z0-9]){re.escape(real)}(?![A-Za-z0-9])", token, text, flags=flags
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
