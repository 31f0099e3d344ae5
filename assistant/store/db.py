"""Opening the database and bringing its schema up to date.

SQLite under the data directory by default; PostgreSQL when ``DATABASE_URL`` names one
(``postgresql+psycopg://user:password@host/db``). The schema is managed only through the
Alembic migrations shipped in ``assistant/migrations``; no ini file is needed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from assistant.errors import StoreError
from assistant.logs import get_logger
from assistant.private_files import private_dir, private_file

log = get_logger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
HEAD = "0004"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # The driver's own transaction handling starts a transaction only before a write, so
    # the reads before it are not one snapshot: a plan row read before another writer's
    # commit and its versions read after it look like tampering. SQLAlchemy takes over
    # (see _sqlite_begin) once the driver stops issuing BEGIN itself.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    """Every transaction takes the write lock when it starts. Each store call writes an
    audit entry, so it would need the lock anyway; taking it first makes its reads one
    consistent view and makes concurrent callers queue (busy_timeout) instead of failing
    when a reader tries to become a writer."""
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """An engine for ``url``; a SQLite file is kept 0600 and its folder, when created here,
    0700."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(
            "the database address is not a valid URL: use sqlite:///path/to/plans.sqlite "
            "or postgresql+psycopg://user:password@host/database"
        ) from None
    if parsed.drivername == "postgresql" or parsed.drivername == "postgres":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        db_file = Path(str(parsed.database)).expanduser()
        if not db_file.parent.exists():
            private_dir(db_file.parent)
        private_file(db_file)  # 0600, before SQLite creates it with the default mode
    try:
        engine = create_engine(parsed, future=True, pool_pre_ping=True)
    except NoSuchModuleError:
        raise StoreError(
            f"no database driver for '{parsed.drivername}': for PostgreSQL install "
            "psycopg (pip install 'psycopg[binary]') and use postgresql+psycopg://"
        ) from None
    except ModuleNotFoundError as exc:
        raise StoreError(f"the database driver is not installed ({exc.name})") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _alembic_config(connection: Any) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


@contextmanager
def _migrating(engine: Engine) -> Iterator[Any]:
    """A connection in a transaction for Alembic. On SQLite, foreign keys are off meanwhile:
    a batch migration copies a table and drops the old one, which they would refuse."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        # The pragma is ignored inside a transaction, so it goes to the driver directly,
        # outside the one SQLAlchemy would begin.
        raw = conn.connection.driver_connection if sqlite else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                yield conn
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (default: the newest)."""
    from alembic import command

    try:
        with _migrating(engine) as conn:
            command.upgrade(_alembic_config(conn), revision)
    except OperationalError as exc:
        raise StoreError(
            f"cannot reach the plan database ({engine.url.render_as_string(hide_password=True)}): "
            f"{str(exc.orig).strip().splitlines()[0] if exc.orig else 'connection failed'}"
        ) from None
    log.debug("database schema at %s", revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    from alembic import command

    with _migrating(engine) as conn:
        command.downgrade(_alembic_config(conn), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return MigrationContext.configure(conn).get_current_revision()


def open_engine(url: str | None = None) -> Engine:
    """Engine for ``url`` (default: the configured database), migrated to the newest schema."""
    if url is None:
        from assistant.config import get_settings

        settings = get_settings()
        url = settings.effective_database_url
        if settings.database_url is None:
            private_dir(settings.data_dir)  # the data folder holds the plans: owner only
    engine = make_engine(url)
    migrate(engine)
    return engine
