"""Keep the dependency direction of STYLE.md true with an AST scan of every import."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ("bot", "handlers", "storage")
_BACKENDS = ("storage.sqlite", "storage.postgres", "storage.factory", "storage.copy")
_DATABASE_DRIVERS = ("aiosqlite", "sqlite3", "asyncpg", *_BACKENDS)


def _modules(package: str) -> Iterator[tuple[str, Path]]:
    for path in sorted((ROOT / package).rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = [p for p in rel.parts if p != "__init__"]
        yield ".".join(parts), path


def _imports(path: Path) -> set[str]:
    """Every module name imported by a file, including lazy imports inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _violations(
    package: str, forbidden: tuple[str, ...], allow: tuple[str, ...] = ()
) -> list[str]:
    found = []
    for module, path in _modules(package):
        if any(module == a or module.startswith(a + ".") for a in allow):
            continue
        for name in sorted(_imports(path)):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                found.append(f"{module} imports {name}")
    return found


IO_LIBRARIES = (
    "aiosqlite",
    "sqlite3",
    "httpx",
    "telegram",
    "socket",
    "urllib.request",
    "requests",
)


class TestDependencyDirection:
    """The rules of STYLE.md, one test each."""

    def test_domain_imports_no_io_and_nothing_else_of_ours(self) -> None:
        forbidden = (
            *IO_LIBRARIES,
            "bot.services",
            "bot.extract",
            "bot.ingest",
            "handlers",
            "storage",
        )
        assert _violations("bot/domain", forbidden) == []

    def test_extract_is_pure(self) -> None:
        forbidden = (*IO_LIBRARIES, "bot.services", "bot.ingest", "bot.app", "handlers", "storage")
        assert _violations("bot/extract", forbidden) == []

    def test_services_never_touch_telegram_or_a_concrete_backend(self) -> None:
        forbidden = (*_DATABASE_DRIVERS, "telegram", "handlers")
        assert _violations("bot/services", forbidden) == []

    def test_handlers_never_touch_the_database_directly(self) -> None:
        assert _violations("handlers", _DATABASE_DRIVERS) == []

    def test_storage_depends_only_on_the_domain(self) -> None:
        forbidden = (
            "telegram",
            "handlers",
            "bot.services",
            "bot.extract",
            "bot.ingest",
            "bot.app",
        )
        assert _violations("storage", forbidden) == []

    def test_ingest_never_touches_telegram_or_the_database(self) -> None:
        forbidden = (*_DATABASE_DRIVERS, "telegram", "handlers")
        assert _violations("bot/ingest", forbidden) == []

    def test_only_the_composition_root_and_cli_build_concrete_storage(self) -> None:
        offenders = []
        for package in PROJECT:
            for module, path in _modules(package):
                if module.startswith(("bot.app", "bot.cli", "storage")):
                    continue
                if any(n.startswith(_BACKENDS) for n in _imports(path)):
                    offenders.append(module)
        assert offenders == []


class TestScanner:
    """The scanner itself must see lazy and aliased imports, or the rules above prove nothing."""

    def test_sees_imports_inside_functions(self, tmp_path: Path) -> None:
        source = tmp_path / "m.py"
        source.write_text("def f():\n    import telegram.ext\n    from storage import sqlite\n")
        assert {"telegram.ext", "storage", "storage.sqlite"} <= _imports(source)

    @pytest.mark.parametrize("package", PROJECT)
    def test_every_package_has_modules(self, package: str) -> None:
        assert list(_modules(package))
