"""Statement text built from column names in each backend's placeholder style."""

from __future__ import annotations

from storage.statements import assignments_sql, dollar, insert_sql, named, qmark


def test_insert_in_sqlite_style() -> None:
    sql = insert_sql("feeds", {"url": "u", "title": None}, qmark)
    assert sql == "INSERT INTO feeds (url, title) VALUES (?, ?)"


def test_insert_numbers_postgres_placeholders_in_column_order() -> None:
    sql = insert_sql("feeds", ["url", "title", "active"], dollar)
    assert sql == "INSERT INTO feeds (url, title, active) VALUES ($1, $2, $3)"


def test_assignments_in_both_styles() -> None:
    assert assignments_sql(["etag", "failures"], qmark) == "etag = ?, failures = ?"
    assert assignments_sql(["etag", "failures"], dollar) == "etag = $1, failures = $2"


def test_named_placeholders_name_their_column() -> None:
    assert insert_sql("t", ["a", "b"], named) == "INSERT INTO t (a, b) VALUES (:a, :b)"
    assert assignments_sql(["a", "b"], named) == "a = :a, b = :b"
