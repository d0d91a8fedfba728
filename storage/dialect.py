"""What differs between the SQL backends, so that a repository can be written once for both.

A repository written against :class:`SqlRepository` builds its statements with the dialect's
placeholder :data:`~storage.statements.Mark`, stores values through its
:class:`~storage.columns.Encoders`, reads rows with its :class:`~storage.mapping.RowMapper`
and runs statements through four small functions with one calling convention (parameters as
a sequence). Each backend supplies one :class:`Dialect`; what only one backend can do stays in
that backend's subclass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from storage.base import NotFoundError
from storage.columns import Encoders
from storage.mapping import RowMapper
from storage.statements import Mark

T = TypeVar("T")
Conn = Any  # aiosqlite.Connection or asyncpg.Connection: the dialect's functions accept it
Row = Any  # sqlite3.Row or asyncpg.Record: both read by column name
Op = Callable[[Conn], Awaitable[T]]
Params = Sequence[Any]


@dataclass(frozen=True, slots=True)
class Dialect:
    """One backend's placeholders, boolean literal, value encoders and row mapper; a backend's
    subclass runs statements with its driver (parameters always given as one sequence)."""

    mark: Mark
    true: str  # the literal a boolean column equals when set ("1" in SQLite, "TRUE")
    enc: Encoders
    mapper: RowMapper

    def marks(self, count: int, start: int = 1) -> str:
        """``count`` comma-separated placeholders, numbered from ``start``."""
        return ", ".join(self.mark(i, "") for i in range(start, start + count))

    async def fetchall(self, conn: Conn, sql: str, params: Params) -> list[Row]:
        """The rows of one statement."""
        raise NotImplementedError

    async def fetchone(self, conn: Conn, sql: str, params: Params) -> Row | None:
        """The first row of one statement, if any."""
        raise NotImplementedError

    async def execute(self, conn: Conn, sql: str, params: Params) -> int:
        """Run a statement; return how many rows it changed."""
        raise NotImplementedError

    async def insert_id(self, conn: Conn, sql: str, params: Params) -> int | None:
        """Run an INSERT; return the new row's id, or None if it inserted nothing."""
        raise NotImplementedError


class ParamList:
    """Statement parameters collected while a statement is built, each with its placeholder."""

    def __init__(self, mark: Mark) -> None:
        """Start with no parameters, in the placeholder style of ``mark``."""
        self._mark = mark
        self.values: list[Any] = []

    def add(self, value: Any) -> str:
        """Append a value; return its placeholder."""
        self.values.append(value)
        return self._mark(len(self.values), "")

    def add_all(self, values: Sequence[Any]) -> str:
        """Append several values; return their placeholders, comma-separated (for ``IN``)."""
        return ", ".join(self.add(value) for value in values)


class SqlStorage(Protocol):
    """What a repository needs of its storage: the clock and a way to run operations."""

    now: Callable[[], dt.datetime]

    async def _run(self, op: Op[T], *, write: bool) -> T: ...

    async def _run_single(self, op: Op[T], *, write: bool = False) -> T: ...


class SqlRepository:
    """Base of every SQL repository: the storage it runs in and its backend's dialect."""

    def __init__(self, storage: SqlStorage, dialect: Dialect) -> None:
        """Run in ``storage``'s transactions, with SQL in ``dialect``."""
        self._storage = storage
        self.dialect = dialect

    def _now(self) -> dt.datetime:
        """The storage's clock (the Clock port's, set by the composition root)."""
        return self._storage.now()

    async def _read(self, op: Op[T]) -> T:
        return await self._storage._run(op, write=False)

    async def _write(self, op: Op[T]) -> T:
        return await self._storage._run(op, write=True)

    async def _read_one(self, op: Op[T]) -> T:
        """A read that is a single statement (atomic by itself, so no transaction around it)."""
        return await self._storage._run_single(op)

    async def _write_one(self, op: Op[T]) -> T:
        """A write that is a single statement (atomic by itself)."""
        return await self._storage._run_single(op, write=True)

    async def _rows(self, sql: str, *params: Any) -> list[Row]:
        """The rows of one query."""
        fetchall = self.dialect.fetchall
        return await self._read_one(lambda conn: fetchall(conn, sql, params))

    async def _changed(self, sql: str, *params: Any) -> int:
        """Run one writing statement; return how many rows it changed."""
        execute = self.dialect.execute
        return await self._write_one(lambda conn: execute(conn, sql, params))

    async def _require_chat(self, conn: Conn, chat_id: int) -> None:
        """NotFoundError unless the chat is stored (rows about a chat need it first)."""
        sql = f"SELECT 1 FROM chats WHERE id = {self.dialect.mark(1, 'id')}"
        if await self.dialect.fetchone(conn, sql, (chat_id,)) is None:
            msg = f"chat {chat_id} is not stored; store it with chats.upsert() first"
            raise NotFoundError(msg)

    async def _row(self, sql: str, *params: Any) -> Row | None:
        """The first row of one query, if it has one."""
        fetchone = self.dialect.fetchone
        return await self._read_one(lambda conn: fetchone(conn, sql, params))

    async def _count(self, sql: str, *params: Any) -> int:
        """The number a ``SELECT COUNT(*)`` query returns."""
        row = await self._row(sql, *params)
        return int(row[0] or 0) if row is not None else 0
