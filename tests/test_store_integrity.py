"""Tamper evidence: hashed versions, the audit hash chain, database triggers, `plan verify`.

Every test runs on SQLite and on PostgreSQL (when TPA_TEST_POSTGRES_URL is set). "A
database superuser" is simulated by dropping the triggers that refuse UPDATE and DELETE.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, delete, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from assistant.intake import load as load_intake
from assistant.store import PlanStore, StoredPlan, TamperedError
from assistant.store import integrity as integ
from assistant.store.models import AuditEntry, PlanVersion
from tests.conftest import INTAKES

pytest.register_assert_rewrite("tests.store_fixtures")
from tests.store_fixtures import Team, example_plan  # noqa: E402

pytest_plugins = ("tests.store_fixtures",)


def _signed(store: PlanStore, team: Team) -> StoredPlan:
    pid = store.create(team.solo, example_plan()).plan_id
    return store.sign(team.solo, pid)


def _superuser(engine: Engine) -> None:
    """Remove the triggers, as someone with full rights over the database could."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            for table in ("plan_versions", "audit_log"):
                conn.execute(text(f"DROP TRIGGER {table}_immutable ON {table}"))
        else:
            for table in ("plan_versions", "audit_log"):
                for event in ("update", "delete"):
                    conn.execute(text(f"DROP TRIGGER {table}_no_{event}"))


def _tamper_document(engine: Engine, plan_id: int, version: int) -> None:
    """Target 10 -> 14 on the first objective, and 'Client denies SI' in the safety summary."""
    with engine.begin() as conn:
        doc = conn.execute(
            select(PlanVersion.document).where(
                PlanVersion.plan_id == plan_id, PlanVersion.version == version
            )
        ).scalar_one()
        data = json.loads(doc)
        obj = data["goals"][0]["objectives"][0]
        assert obj["target"]["value"] == 10
        obj["target"]["value"] = 14
        obj["text"] = obj["text"].replace("under 10", "under 14")
        data["safety"]["summary"] += " Client denies SI."
        conn.execute(
            update(PlanVersion)
            .where(PlanVersion.plan_id == plan_id, PlanVersion.version == version)
            .values(document=json.dumps(data, indent=2))
        )


def test_the_database_refuses_to_change_or_delete_versions_and_audit_entries(
    store: PlanStore, team: Team
) -> None:
    saved = _signed(store, team)
    statements: list[Callable[[Session], object]] = [
        lambda s: s.execute(update(PlanVersion).values(document="{}")),
        lambda s: s.execute(delete(PlanVersion).where(PlanVersion.plan_id == saved.plan_id)),
        lambda s: s.execute(update(AuditEntry).values(detail="nothing happened")),
        lambda s: s.execute(delete(AuditEntry)),
    ]
    for run in statements:
        with Session(store.engine) as s, pytest.raises(DBAPIError, match="never changed"):
            run(s)
            s.commit()
    assert store.verify(team.solo, saved.plan_id) == []
    assert store.get(team.solo, saved.plan_id).plan.goals[0].objectives[0].target.value == 10


def test_a_direct_edit_of_a_signed_version_is_detected_and_not_exported_as_final(
    store: PlanStore, team: Team
) -> None:
    saved = _signed(store, team)
    assert store.export(team.solo, saved.plan_id, "md").final, "the untouched plan is final"
    _superuser(store.engine)
    _tamper_document(store.engine, saved.plan_id, saved.version)

    problems = store.verify(team.solo, saved.plan_id)
    where = f"plan {saved.plan_id} version {saved.version}"
    assert {(p.where, p.field) for p in problems} == {(where, "document")}
    assert any("differs from the text that was signed" in p.message for p in problems)
    with pytest.raises(TamperedError, match=f"{where}: the plan text differs"):
        store.get(team.solo, saved.plan_id)
    with pytest.raises(TamperedError):
        store.export(team.solo, saved.plan_id, "pdf")
    actions = [a.action for a in store.audit(team.solo, saved.plan_id)]
    assert actions.count("tamper") >= 2, "each refusal is audited"


def test_rewriting_the_version_hashes_too_still_breaks_the_signed_hash(
    store: PlanStore, team: Team
) -> None:
    saved = _signed(store, team)
    _superuser(store.engine)
    _tamper_document(store.engine, saved.plan_id, saved.version)
    with Session(store.engine) as s:  # a careful forger re-seals the row
        pv = s.scalars(select(PlanVersion).where(PlanVersion.plan_id == saved.plan_id)).all()[-1]
        pv_id, pv.document_hash = pv.id, integ.json_hash(pv.document)
        values = {"document_hash": pv.document_hash, "content_hash": integ.version_hash(pv)}
        s.expunge(pv)
    with store.engine.begin() as conn:
        conn.execute(update(PlanVersion).where(PlanVersion.id == pv_id).values(**values))
    problems = store.verify(team.solo, saved.plan_id)
    assert [(p.field, "signed" in p.message) for p in problems] == [("document", True)]


def test_signing_records_the_hash_of_the_text_signed(store: PlanStore, team: Team) -> None:
    saved = _signed(store, team)
    entry = store.audit(team.solo, saved.plan_id)[-1]
    assert entry.action == "sign"
    assert entry.detail == f"signed with LCSW; sha256 {integ.json_hash(saved.plan.dumps())}"


@pytest.mark.parametrize("kind", ["deleted", "edited"])
def test_audit_rows_deleted_or_edited_are_named_by_id(
    store: PlanStore, team: Team, kind: str
) -> None:
    saved = _signed(store, team)
    store.get(team.solo, saved.plan_id)  # a read entry in the middle of the log
    store.get(team.solo, saved.plan_id)
    with Session(store.engine) as s:
        ids = [e.id for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    victim = ids[-2]
    _superuser(store.engine)
    with store.engine.begin() as conn:
        if kind == "deleted":
            conn.execute(delete(AuditEntry).where(AuditEntry.id == victim))
        else:
            conn.execute(update(AuditEntry).where(AuditEntry.id == victim).values(username="sam"))
    messages = [p.message for p in store.verify(team.solo)]
    if kind == "deleted":
        want = f"audit entries between audit entry {ids[-3]} and audit entry {ids[-1]}"
        assert any(want in m for m in messages), messages
    else:
        assert any(m.startswith(f"audit entry {victim} (read by sam") for m in messages), messages
    with pytest.raises(TamperedError, match="audit"):
        store.export(team.solo, saved.plan_id, "md")


def test_removing_the_newest_audit_entries_is_noticed(store: PlanStore, team: Team) -> None:
    saved = _signed(store, team)
    with Session(store.engine) as s:
        last = s.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    _superuser(store.engine)
    with store.engine.begin() as conn:
        conn.execute(delete(AuditEntry).where(AuditEntry.id == last))
    problems = store.verify(team.solo, saved.plan_id)
    assert any(p.where == "audit log" for p in problems)
    assert any(p.field == "audit" for p in problems), "the sign entry of the version is missing"
    with pytest.raises(TamperedError, match="audit entry that saved it is missing"):
        store.export(team.solo, saved.plan_id, "md")


def test_export_checks_the_chain_next_to_the_plans_entries(store: PlanStore, team: Team) -> None:
    saved = _signed(store, team)
    other = store.create(team.ana, example_plan()).plan_id  # someone else's entry follows
    with Session(store.engine) as s:
        sign_id = s.scalar(
            select(AuditEntry.id).where(
                AuditEntry.plan_id == saved.plan_id, AuditEntry.action == "sign"
            )
        )
        follower = s.scalar(select(AuditEntry).where(AuditEntry.plan_id == other))
        assert follower is not None and follower.id > (sign_id or 0)
        follower_id = follower.id
    _superuser(store.engine)
    with store.engine.begin() as conn:
        conn.execute(delete(AuditEntry).where(AuditEntry.id == follower_id))
    with pytest.raises(TamperedError, match=f"the audit entry after audit entry {sign_id}"):
        store.export(team.solo, saved.plan_id, "md")


def test_a_changed_intake_or_status_on_the_plan_row_is_detected(
    store: PlanStore, team: Team
) -> None:
    intake = load_intake(INTAKES / "gad_nurse.json")
    pid = store.create(team.ana, example_plan(), intake=intake).plan_id
    with store.engine.begin() as conn:  # the plans row is not protected by a trigger
        conn.execute(text("UPDATE plans SET status = 'signed' WHERE id = :p"), {"p": pid})
    fields = {p.field for p in store.verify(team.ana, pid)}
    assert fields == {"status"}
    edited = intake.model_copy(update={"payer": "medicare"})
    with store.engine.begin() as conn:
        conn.execute(
            text("UPDATE plans SET intake = :i, status = 'draft' WHERE id = :p"),
            {"i": edited.model_dump_json(), "p": pid},
        )
    problems = store.verify(team.ana, pid)
    assert [(p.where, p.field) for p in problems] == [(f"plan {pid} version 1", "intake")]


def test_hashes_ignore_whitespace_and_key_order_only() -> None:
    assert integ.json_hash('{"a": 1, "b": [1, 2]}') == integ.json_hash('{"b":[1,2],"a":1}')
    assert integ.json_hash('{"a": 1}') != integ.json_hash('{"a": 2}')


def test_concurrent_writers_keep_one_unbroken_chain(store: PlanStore, team: Team) -> None:
    import threading

    plans = [store.create(team.solo, example_plan()).plan_id for _ in range(3)]
    barrier = threading.Barrier(3)

    def work(pid: int) -> None:
        barrier.wait()
        for _ in range(3):
            store.get(team.solo, pid)

    threads = [threading.Thread(target=work, args=(p,)) for p in plans]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.verify(team.solo) == []


def test_upgrading_an_existing_database_hashes_and_chains_what_is_there(db_url: str) -> None:
    """A database made before migration 0003, with a plan and its audit entries, comes out
    with every version hashed, the log chained, the first account an administrator, and
    the plan still with its supervisor."""
    from assistant.store import db

    engine = db.make_engine(db_url)
    db.migrate(engine)
    db.downgrade(engine, "0002")  # the fixture's database is already at the newest schema
    doc = example_plan().model_copy(update={"status": "draft"}).dumps()
    at = "2026-11-01 10:00:00"
    with engine.begin() as conn:
        for uid, name, role, sup in ((1, "sam", "supervisor", None), (2, "ana", "clinician", 1)):
            conn.execute(
                text(
                    "INSERT INTO users (id, username, full_name, role, password_hash, "
                    "supervisor_id, created_at) VALUES (:i, :n, '', :r, 'x', :s, :t)"
                ),
                {"i": uid, "n": name, "r": role, "s": sup, "t": at},
            )
        conn.execute(
            text(
                "INSERT INTO plans (id, owner_id, client_ref, status, current_version, "
                "created_at, updated_at) VALUES (1, 2, 'r', 'draft', 1, :t, :t)"
            ),
            {"t": at},
        )
        conn.execute(
            text(
                "INSERT INTO plan_versions (plan_id, version, status, document, saved_by, "
                "saved_at, note) VALUES (1, 1, 'draft', :d, 2, :t, '')"
            ),
            {"d": doc, "t": at},
        )
        for action, version in (("user.add", None), ("create", 1), ("read", 1)):
            conn.execute(
                text(
                    "INSERT INTO audit_log (at, user_id, username, action, plan_id, version, "
                    "detail) VALUES (:t, 2, 'ana', :a, 1, :v, '')"
                ),
                {"t": at, "a": action, "v": version},
            )
    db.migrate(engine)
    store = PlanStore(engine)
    sam = store.accounts.get("sam")
    assert sam.is_admin and not store.accounts.get("ana").is_admin
    with Session(engine) as s:
        from assistant.store.models import Plan

        row = s.get(Plan, 1)
        assert row is not None and row.supervisor_id == sam.id
        assert integ.verify_plan(s, row) == [] and integ.verify_chain(s) == []
    engine.dispose()
