"""Engine and session factories; the Alembic migrations ship inside this package."""

from kasasu.db.engine import create_db_engine, session_factory, transaction, write_checkpoint

__all__ = ["create_db_engine", "session_factory", "transaction", "write_checkpoint"]
