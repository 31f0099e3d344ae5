"""Signing with a typed-name attestation, and the client's optional acknowledgement.

The signer types their full name as it stands on their account, confirms the attestation
and gives their credentials; the store records the signature with the date, and the audit
log the time and the hash of what was signed. The client's acknowledgement is a client
signature line the clinician records (name and date); exports show every signature.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from assistant.errors import AssistantError
from assistant.plan import Signature, TreatmentPlan

ATTEST = "I have reviewed this plan in full and sign it as my own clinical judgement."


def attestation(me: Any, key: str) -> tuple[str, str, bool]:
    """The typed name, credentials and attestation box, shown above the Sign button."""
    st.markdown("**Sign the plan**")
    c1, c2 = st.columns(2)
    typed = c1.text_input(
        "Type your full name", key=f"{key}.name", placeholder=me.full_name or me.username
    )
    creds = c2.text_input("Credentials", value=me.credentials or "", key=f"{key}.creds")
    agreed = st.checkbox(ATTEST, key=f"{key}.attest")
    return typed, creds, agreed


def check(me: Any, typed: str, creds: str, agreed: bool) -> str:
    """The credentials to sign with; refused with the reason in the signer's words."""
    want = (me.full_name or me.username).strip()
    if " ".join(typed.split()).casefold() != " ".join(want.split()).casefold():
        raise AssistantError(
            f"Signature: name: type your full name as it is on your account ({want}) to sign"
        )
    if not agreed:
        raise AssistantError("Signature: tick the attestation to sign")
    if not creds.strip():
        raise AssistantError("Signature: credentials: give your credentials (e.g. LCSW, PhD)")
    return creds.strip()


def client_acknowledgement(plan: TreatmentPlan, name: str, on: dt.date) -> TreatmentPlan:
    """The plan with the client's acknowledgement (replacing an earlier one)."""
    name = " ".join(name.split())
    if not name:
        raise AssistantError("Client acknowledgement: name: type the client's name as they gave it")
    sigs = [s for s in plan.signatures if s.role != "client"]
    sigs.append(Signature(role="client", name=name, signed_on=on))
    return plan.model_copy(update={"signatures": sigs})
