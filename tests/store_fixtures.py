"""Fixtures for the store, review, account and export tests (imported by those files).

``db_url`` runs each test on SQLite and, when ``TPA_TEST_POSTGRES_URL`` is set (see
``.ci/postgres.sh``), on PostgreSQL too; otherwise the PostgreSQL case is skipped and
says why.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from assistant.plan import Provenance, TreatmentPlan, load
from assistant.store import AuthSession, PlanStore, make_engine, migrate
from assistant.validation.report import Finding, Report

PLANS_DIR = Path(__file__).parent / "data" / "plans"
EXAMPLE_PLANS = sorted(PLANS_DIR.glob("example_*.json"))
PASSWORD = "correct horse battery"
PG_ENV = "TPA_TEST_POSTGRES_URL"


def example_plan(name: str = "example_gad") -> TreatmentPlan:
    return load(PLANS_DIR / f"{name}.json")


def suggested_plan(name: str = "example_gad") -> TreatmentPlan:
    """An example plan whose items all came from the knowledge base, not yet reviewed."""
    plan = example_plan(name)
    data = plan.model_dump(by_alias=True)
    for key in ("problems", "interventions"):
        for item in data[key]:
            item["provenance"] = _suggested(item["id"])
    for goal in data["goals"]:
        goal["provenance"] = _suggested(goal["id"])
        for obj in goal["objectives"]:
            obj["provenance"] = _suggested(obj["id"])
    return TreatmentPlan.model_validate(data)


def _suggested(item_id: str) -> dict[str, Any]:
    return Provenance(
        source="knowledge", record_id="gad.core", record_version=2, item_id=item_id
    ).model_dump()


@dataclass
class FakeValidator:
    """Stands in for assistant.validation.validate; ``errors`` are reported for every plan."""

    errors: list[Finding] = field(default_factory=list)
    signing_errors: list[Finding] = field(
        default_factory=list, metadata={"doc": "reported only under the signing severities"}
    )

    def __call__(
        self, plan: TreatmentPlan, *args: Any, for_signing: bool = False, **kw: Any
    ) -> Report:
        return Report(findings=list(self.errors) + (self.signing_errors if for_signing else []))

    def fail(self, path: str = "goals[0].objectives[0]", rule: str = "BL01") -> None:
        self.errors = [
            Finding(rule, "baseline.missing", "error", path, "the objective has no baseline")
        ]


def _postgres_url() -> str | None:
    return os.environ.get(PG_ENV) or None


DB_PARAMS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgres",
        id="postgres",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(
                _postgres_url() is None,
                reason=f"no PostgreSQL configured: set {PG_ENV} (bash .ci/postgres.sh prints one)",
            ),
        ],
    ),
]


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters for tests (the real ones are slow by design)."""
    from argon2 import PasswordHasher

    monkeypatch.setattr(
        "assistant.store.passwords._HASHER",
        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
    )


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test (migrating is the slow part)."""
    path = tmp_path_factory.mktemp("template") / "plans.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    return path


@pytest.fixture(params=DB_PARAMS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path, _sqlite_template: Path) -> Iterator[str]:
    if request.param == "sqlite":
        target = tmp_path / "plans.sqlite"
        shutil.copyfile(_sqlite_template, target)
        yield f"sqlite:///{target}"
        return
    url = _postgres_url()
    assert url is not None
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    yield url


@pytest.fixture
def validator() -> FakeValidator:
    return FakeValidator()


@pytest.fixture
def store(db_url: str, validator: FakeValidator) -> Iterator[PlanStore]:
    engine = make_engine(db_url)
    migrate(engine)
    yield PlanStore(engine, validator=validator)
    engine.dispose()


@dataclass
class Team:
    """Signed-in sessions: an administrator and the clinical team they set up."""

    admin: AuthSession  # ada: the first account, an administrator (a clinician)
    supervisor: AuthSession
    ana: AuthSession  # supervisee of ``supervisor``
    ben: AuthSession  # another supervisee
    solo: AuthSession  # independent clinician, no supervisor
    other_sup: AuthSession  # a supervisor of nobody here


def add_team(store: PlanStore) -> Team:
    acc = store.accounts
    acc.init("ada", PASSWORD, role="clinician", full_name="Ada Moss", credentials="LCSW")
    admin = acc.login("ada", PASSWORD)
    acc.add(admin, "sam", PASSWORD, role="supervisor", full_name="Sam Reyes", credentials="PhD")
    acc.add(admin, "olga", PASSWORD, role="supervisor", full_name="Olga Lind", credentials="PsyD")
    acc.add(admin, "ana", PASSWORD, full_name="Ana Pires", credentials="LPC-A", supervisor="sam")
    acc.add(admin, "ben", PASSWORD, full_name="Ben Okoro", credentials="LMSW", supervisor="sam")
    acc.add(admin, "sol", PASSWORD, full_name="Sol Park", credentials="LCSW")
    return Team(
        admin,
        *(acc.login(name, PASSWORD) for name in ("sam", "ana", "ben", "sol", "olga")),
    )


@pytest.fixture
def team(store: PlanStore) -> Team:
    return add_team(store)
