"""The plan store: state machine, versions, audit log, access control and edit conflicts.

Every database test runs on SQLite and on PostgreSQL (when TPA_TEST_POSTGRES_URL is set).
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from assistant import workflow
from assistant.errors import AccessDenied, ConflictError, StoreError
from assistant.plan import TreatmentPlan
from assistant.store import PlanStore, ReviewNote, StoredPlan, ValidationBlocked, db
from assistant.store.models import PlanVersion
from assistant.validation.report import Finding

pytest.register_assert_rewrite("tests.store_fixtures")
from tests.store_fixtures import PASSWORD, FakeValidator, Team, example_plan  # noqa: E402

pytest_plugins = ("tests.store_fixtures",)


# (status, action) -> next status for a supervisee / for an independent clinician; None = refused
EXPECTED = {
    ("draft", "submit"): ("submitted", None),
    ("draft", "return"): (None, None),
    ("draft", "approve"): (None, None),
    ("draft", "sign"): (None, "signed"),
    ("draft", "edit"): ("draft", "draft"),
    ("submitted", "submit"): (None, None),
    ("submitted", "return"): ("returned", None),
    ("submitted", "approve"): ("approved", None),
    ("submitted", "sign"): (None, None),
    ("submitted", "edit"): (None, None),
    ("returned", "submit"): ("submitted", None),
    ("returned", "return"): (None, None),
    ("returned", "approve"): (None, None),
    ("returned", "sign"): (None, None),
    ("returned", "edit"): ("returned", None),
    ("approved", "submit"): (None, None),
    ("approved", "return"): (None, None),
    ("approved", "approve"): (None, None),
    ("approved", "sign"): ("signed", None),
    ("approved", "edit"): ("draft", None),
    ("signed", "submit"): (None, None),
    ("signed", "return"): (None, None),
    ("signed", "approve"): (None, None),
    ("signed", "sign"): (None, None),
    ("signed", "edit"): (None, None),
}


def test_expected_table_covers_every_status_and_action() -> None:
    assert set(EXPECTED) == {(s, a) for s in workflow.STATUSES for a in workflow.ACTIONS}


@pytest.mark.parametrize(("status", "action"), sorted(EXPECTED))
@pytest.mark.parametrize("supervised", [True, False], ids=["supervisee", "independent"])
def test_state_machine_table(status: str, action: workflow.Action, supervised: bool) -> None:
    want = EXPECTED[(status, action)][0 if supervised else 1]
    if want is None:
        with pytest.raises(StoreError, match=f"cannot {action} this plan"):
            workflow.next_status(status, action, supervised=supervised)
    else:
        assert workflow.next_status(status, action, supervised=supervised) == want


# ---------------------------------------------------------------- through the store


def _reach(store: PlanStore, team: Team, status: str, supervised: bool) -> StoredPlan:
    """A stored plan in ``status``, owned by ana (supervised) or sol (independent)."""
    owner = team.ana if supervised else team.solo
    saved = store.create(owner, example_plan())
    if status == "draft":
        return saved
    if not supervised:
        assert status == "signed"
        return store.sign(owner, saved.plan_id)
    saved = store.submit(owner, saved.plan_id)
    if status == "returned":
        return store.return_plan(
            team.supervisor, saved.plan_id, [ReviewNote("", "other", "tighten")]
        )
    if status in ("approved", "signed"):
        saved = store.approve(team.supervisor, saved.plan_id)
    if status == "signed":
        store.sign(owner, saved.plan_id)
        saved = store.sign(team.supervisor, saved.plan_id)
    return saved


def _act(
    store: PlanStore, team: Team, saved: StoredPlan, action: str, supervised: bool
) -> StoredPlan:
    owner = team.ana if supervised else team.solo
    pid = saved.plan_id
    if action == "submit":
        return store.submit(owner, pid)
    if action == "return":
        return store.return_plan(team.supervisor, pid, [ReviewNote("", "other", "more detail")])
    if action == "approve":
        return store.approve(team.supervisor, pid)
    if action == "sign":
        out = store.sign(owner, pid)
        if supervised and out.status == "approved":  # clinician signed; supervisor completes
            assert [s.role for s in out.plan.signatures] == ["clinician"]
            out = store.sign(team.supervisor, pid)
        return out
    return store.save(owner, pid, saved.plan, expected_version=saved.version)


# an independent clinician's plan is never submitted, returned or approved
STORE_CASES = [
    pytest.param(
        status,
        action,
        supervised,
        id=f"{status}-{action}-{'supervisee' if supervised else 'independent'}",
    )
    for (status, action) in sorted(EXPECTED)
    for supervised in (True, False)
    if supervised or status in ("draft", "signed")
]


@pytest.mark.parametrize(("status", "action", "supervised"), STORE_CASES)
def test_every_transition_through_the_store(
    store: PlanStore, team: Team, status: str, action: str, supervised: bool
) -> None:
    saved = _reach(store, team, status, supervised)
    assert saved.status == status
    want = EXPECTED[(status, action)][0 if supervised else 1]
    if want is None:
        with pytest.raises(StoreError) as err:
            _act(store, team, saved, action, supervised)
        assert not isinstance(err.value, ConflictError)
        after = store.get(team.ana if supervised else team.solo, saved.plan_id)
        assert (after.status, after.version) == (status, saved.version), (
            "a refusal changed the plan"
        )
    else:
        out = _act(store, team, saved, action, supervised)
        assert out.status == want
        assert out.plan.status == want, "the stored document carries its status"


@pytest.mark.parametrize("action", ["submit", "approve", "sign"])
def test_validator_errors_block_submit_approve_and_sign(
    store: PlanStore, team: Team, validator: FakeValidator, action: str
) -> None:
    pid = store.create(team.ana, example_plan()).plan_id
    if action != "submit":
        store.submit(team.ana, pid)
    if action == "sign":
        store.approve(team.supervisor, pid)
    validator.fail()
    call = {
        "submit": lambda: store.submit(team.ana, pid),
        "approve": lambda: store.approve(team.supervisor, pid),
        "sign": lambda: store.sign(team.ana, pid),
    }[action]
    with pytest.raises(
        ValidationBlocked, match="goals\\[0\\].objectives\\[0\\]: the objective has no baseline"
    ):
        call()


def test_the_signature_that_makes_a_plan_final_meets_the_signing_check(
    store: PlanStore, team: Team, validator: FakeValidator
) -> None:
    """An unfilled placeholder is a warning while a plan is worked on and an error when it
    is signed: the clinician's signature alone is not final, the supervisor's is."""
    saved = _reach(store, team, "approved", True)
    validator.signing_errors = [
        Finding("PH01", "placeholder", "error", "goals[0].objectives[0]", "baseline not filled")
    ]
    assert store.sign(team.ana, saved.plan_id).status == "approved"
    with pytest.raises(ValidationBlocked, match="baseline not filled"):
        store.sign(team.supervisor, saved.plan_id)
    assert store.get(team.supervisor, saved.plan_id).status == "approved"
    validator.signing_errors = []
    assert store.sign(team.supervisor, saved.plan_id).status == "signed"


def test_signing_records_both_signatures_with_credentials_and_date(
    store: PlanStore, team: Team
) -> None:
    saved = _reach(store, team, "approved", True)
    store.sign(team.ana, saved.plan_id, signed_on=dt.date(2026, 11, 2))
    done = store.sign(team.supervisor, saved.plan_id, signed_on=dt.date(2026, 11, 3))
    sigs = {(s.role, s.name, s.credentials, s.signed_on) for s in done.plan.signatures}
    assert sigs == {
        ("clinician", "Ana Pires", "LPC-A", dt.date(2026, 11, 2)),
        ("supervisor", "Sam Reyes", "PhD", dt.date(2026, 11, 3)),
    }
    assert done.status == "signed"


def test_signing_without_credentials_is_refused(store: PlanStore, team: Team) -> None:
    store.accounts.add(team.admin, "nina", "correct horse battery", full_name="Nina")
    nocred = store.accounts.login("nina", "correct horse battery")
    pid = store.create(nocred, example_plan()).plan_id
    with pytest.raises(StoreError, match="credentials"):
        store.sign(nocred, pid)
    assert store.sign(nocred, pid, credentials="LMFT").status == "signed"


def test_signatures_in_an_uploaded_document_are_ignored(store: PlanStore, team: Team) -> None:
    plan = example_plan()
    from assistant.plan import Signature

    forged = plan.model_copy(
        update={
            "signatures": [
                Signature(role="supervisor", name="Sam Reyes", signed_on=dt.date(2026, 1, 1))
            ]
        }
    )
    saved = store.create(team.ana, forged)
    assert saved.plan.signatures == []


# ---------------------------------------------------------------- versions and audit


def test_every_save_is_a_new_version_and_old_ones_are_kept(store: PlanStore, team: Team) -> None:
    plan = example_plan()
    v1 = store.create(team.ana, plan)
    edited = plan.model_copy(update={"strengths": [*plan.strengths, "keeps a journal"]})
    v2 = store.save(team.ana, v1.plan_id, edited, expected_version=1)
    assert (v1.version, v2.version) == (1, 2)
    assert "keeps a journal" not in store.get(team.ana, v1.plan_id, version=1).plan.strengths
    assert "keeps a journal" in store.get(team.ana, v1.plan_id).plan.strengths
    assert [(h.version, h.saved_by) for h in store.history(team.ana, v1.plan_id)] == [
        (1, "ana"),
        (2, "ana"),
    ]


def test_versions_cannot_be_changed_in_place(store: PlanStore, team: Team) -> None:
    pid = store.create(team.ana, example_plan()).plan_id
    with Session(store.engine) as s:
        row = s.scalars(select(PlanVersion).where(PlanVersion.plan_id == pid)).one()
        row.document = "{}"
        with pytest.raises(StoreError, match="never changed"):
            s.commit()


def test_audit_log_records_who_did_what_to_which_version(store: PlanStore, team: Team) -> None:
    saved = _reach(store, team, "returned", True)
    store.get(team.supervisor, saved.plan_id)
    entries = [(a.username, a.action, a.version) for a in store.audit(team.ana, saved.plan_id)]
    assert entries == [
        ("ana", "create", 1),
        ("ana", "submit", 2),
        ("sam", "return", 3),
        ("sam", "read", 3),
    ]
    assert all(a.at is not None for a in store.audit(team.ana, saved.plan_id))


def test_refused_reads_are_audited(store: PlanStore, team: Team) -> None:
    pid = store.create(team.ana, example_plan()).plan_id
    with pytest.raises(AccessDenied):
        store.get(team.solo, pid)
    actions = [(a.username, a.action) for a in store.audit(team.ana, pid)]
    assert ("sol", "denied") in actions


def test_editing_an_approved_plan_withdraws_the_approval(store: PlanStore, team: Team) -> None:
    saved = _reach(store, team, "approved", True)
    store.sign(team.ana, saved.plan_id)
    current = store.get(team.ana, saved.plan_id)
    out = store.save(team.ana, saved.plan_id, current.plan, expected_version=current.version)
    assert out.status == "draft"
    assert out.plan.signatures == [], "signatures on the approved text do not carry over"


# ---------------------------------------------------------------- access control


@pytest.mark.parametrize(
    ("reader", "allowed"),
    [("ana", True), ("sam", True), ("ben", False), ("sol", False), ("olga", False)],
)
def test_who_may_read_a_supervisees_plan(
    store: PlanStore, team: Team, reader: str, allowed: bool
) -> None:
    pid = store.create(team.ana, example_plan()).plan_id
    actor = store.accounts.login(reader, PASSWORD)
    if allowed:
        assert store.get(actor, pid).owner == "ana"
        assert pid in [p.plan_id for p in store.plans(actor)]
    else:
        with pytest.raises(AccessDenied, match=f"you \\({reader}\\) may not open plan {pid}"):
            store.get(actor, pid)
        for call in (store.history, store.audit, store.comments):
            with pytest.raises(AccessDenied):
                call(actor, pid)
        assert pid not in [p.plan_id for p in store.plans(actor)]


@pytest.mark.parametrize("who", ["sam", "ben", "sol"])
def test_only_the_owner_edits_and_submits(store: PlanStore, team: Team, who: str) -> None:
    saved = store.create(team.ana, example_plan())
    actor = store.accounts.login(who, PASSWORD)
    with pytest.raises(AccessDenied):
        store.save(actor, saved.plan_id, saved.plan, expected_version=1)
    with pytest.raises(AccessDenied):
        store.submit(actor, saved.plan_id)


@pytest.mark.parametrize("who", ["ana", "ben", "olga"])
def test_only_the_owners_supervisor_approves_or_returns(
    store: PlanStore, team: Team, who: str
) -> None:
    pid = store.submit(team.ana, store.create(team.ana, example_plan()).plan_id).plan_id
    actor = store.accounts.login(who, PASSWORD)
    with pytest.raises(AccessDenied):
        store.approve(actor, pid)
    with pytest.raises(AccessDenied):
        store.return_plan(actor, pid, [ReviewNote("", "other", "no")])


def test_plan_list_shows_own_and_supervisees_plans_only(store: PlanStore, team: Team) -> None:
    a = store.create(team.ana, example_plan()).plan_id
    b = store.create(team.ben, example_plan("example_mdd")).plan_id
    s = store.create(team.solo, example_plan("example_ptsd")).plan_id
    assert [p.plan_id for p in store.plans(team.ana)] == [a]
    assert [p.plan_id for p in store.plans(team.supervisor)] == [a, b]
    assert [p.plan_id for p in store.plans(team.solo)] == [s]
    assert store.plans(team.other_sup) == []


# ---------------------------------------------------------------- concurrent edits


def test_stale_save_is_refused_with_a_clear_message(store: PlanStore, team: Team) -> None:
    plan = example_plan()
    pid = store.create(team.ana, plan).plan_id
    first = plan.model_copy(update={"strengths": ["first edit"]})
    second = plan.model_copy(update={"strengths": ["second edit"]})
    store.save(team.ana, pid, first, expected_version=1)
    with pytest.raises(ConflictError) as err:
        store.save(team.ana, pid, second, expected_version=1)
    msg = str(err.value)
    assert "you started from version 1" in msg and "version 2 was saved by ana" in msg
    assert "Nothing was overwritten" in msg
    assert store.get(team.ana, pid).plan.strengths == ["first edit"]
    assert [h.version for h in store.history(team.ana, pid)] == [1, 2]


def test_stale_status_change_is_refused(store: PlanStore, team: Team) -> None:
    saved = store.create(team.ana, example_plan())
    store.save(team.ana, saved.plan_id, saved.plan, expected_version=1)
    with pytest.raises(ConflictError):
        store.submit(team.ana, saved.plan_id, expected_version=1)


def test_simultaneous_saves_keep_exactly_one_and_refuse_the_other(
    store: PlanStore, team: Team
) -> None:
    plan = example_plan()
    pid = store.create(team.ana, plan).plan_id
    barrier = threading.Barrier(4)
    results: list[str] = []

    def save(i: int) -> None:
        doc = plan.model_copy(update={"strengths": [f"edit {i}"]})
        barrier.wait()
        try:
            store.save(team.ana, pid, doc, expected_version=1)
            results.append("saved")
        except ConflictError:
            results.append("conflict")
        except Exception as exc:  # SQLite may also report a busy database as an error
            results.append(type(exc).__name__)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "conflict", "conflict", "saved"]
    history = store.history(team.ana, pid)
    assert [h.version for h in history] == [1, 2]


def test_reads_while_another_clinician_saves_never_look_like_tampering(
    store: PlanStore, team: Team
) -> None:
    """A read between another caller's reads of the plan row and of its versions once
    took a half-seen save for tampering and wrote a false 'tamper' audit entry."""
    plan = example_plan()
    pid = store.create(team.ana, plan).plan_id
    stop = threading.Event()
    failures: list[str] = []

    def read() -> None:
        while not stop.is_set():
            try:
                store.get(team.ana, pid)
            except Exception as exc:
                failures.append(f"{type(exc).__name__}: {exc}")
                return

    readers = [threading.Thread(target=read) for _ in range(3)]
    for t in readers:
        t.start()
    try:
        for version in range(1, 16):
            doc = plan.model_copy(update={"strengths": [f"edit {version}"]})
            store.save(team.ana, pid, doc, expected_version=version)
    finally:
        stop.set()
        for t in readers:
            t.join()
    assert failures == []
    assert [h.version for h in store.history(team.ana, pid)][-1] == 16
    with Session(store.engine) as s:
        actions = s.scalars(text("SELECT action FROM audit_log")).all()
    assert "tamper" not in actions


# ---------------------------------------------------------------- migrations


def test_migrations_run_up_and_down(db_url: str) -> None:
    engine = db.make_engine(db_url)
    db.migrate(engine)
    assert db.current_revision(engine) == db.HEAD
    db.downgrade(engine)
    with engine.connect() as conn:
        names = conn.execute(text("SELECT 1")).scalar()
    assert names == 1
    assert db.current_revision(engine) is None
    db.migrate(engine)
    assert db.current_revision(engine) == db.HEAD
    engine.dispose()


def test_default_database_is_sqlite_under_the_data_dir(tmp_path: object) -> None:
    from assistant.config import get_settings

    url = get_settings().effective_database_url
    assert url.startswith("sqlite:///") and url.endswith("plans.sqlite")


def test_unreachable_database_gives_a_plain_message() -> None:
    engine = db.make_engine("postgresql+psycopg://nobody:x@127.0.0.1:1/none")
    with pytest.raises(StoreError, match="cannot reach the plan database"):
        db.migrate(engine)


def test_plan_type_roundtrip(store: PlanStore, team: Team) -> None:
    plan = example_plan("example_ptsd")
    saved = store.create(team.ana, plan)
    back = store.get(team.ana, saved.plan_id).plan
    assert isinstance(back, TreatmentPlan)
    assert back.model_dump(exclude={"status"}) == plan.model_dump(exclude={"status"})


def test_open_store_creates_and_migrates_a_new_database(tmp_path: Path) -> None:
    from assistant.store import open_store

    url = f"sqlite:///{tmp_path / 'new' / 'folder' / 'plans.sqlite'}"
    store = open_store(url, validator=FakeValidator())
    assert db.current_revision(store.engine) == db.HEAD
    assert store.accounts.count() == 0
