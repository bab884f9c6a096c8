"""Alembic environment: the URL comes from the config that kasasu.db.migrate builds."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from kasasu.db.engine import create_db_engine
from kasasu.models import Base

config = context.config


def run() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if url is None:  # pragma: no cover - migrate.alembic_config always sets it
        raise RuntimeError("sqlalchemy.url is not set")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_db_engine(url)
    try:
        _migrate(engine)
    finally:
        engine.dispose()


def _migrate(engine: Engine) -> None:
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run()
