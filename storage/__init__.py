"""Persistence: repository Protocols (``storage.base``) and the SQLite backend (``sqlite``).

Import-light on purpose: importing ``storage`` loads neither aiosqlite nor any backend.
"""
