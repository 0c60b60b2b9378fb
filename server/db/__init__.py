"""Database layer: SQLAlchemy models (:mod:`server.db.models`), engine and
sessions (:mod:`server.db.engine`), Alembic migrations (:mod:`server.db.migrate`)."""
