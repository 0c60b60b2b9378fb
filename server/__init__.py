"""Central server of Credencialización (DESIGN.md §5).

HTTP API (FastAPI) over SQLAlchemy 2; PostgreSQL in production, SQLite as the
embedded default. Entry points: :func:`server.app.create_app`,
``credencializacion-server`` (:mod:`server.cli`), :mod:`server.testing`.
Never imports Qt.
"""
