"""Alembic environment, driven from code by ``assistant.store.db.migrate``.

The caller puts an open connection in ``config.attributes["connection"]``; nothing is
read from an ini file or the environment here.
"""

from __future__ import annotations

from alembic import context

from assistant.store.models import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through assistant.store.db.migrate()")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
