"""Repositories written once for both SQL backends, each in its :class:`storage.dialect.Dialect`.

Each backend subclasses them with its dialect (``storage.sqlite.*``, ``storage.postgres.*``)
and adds only what it alone does (PostgreSQL's row locks, SQLite's search index).
"""
