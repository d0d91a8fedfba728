"""`sitrep places` (list, export, import) and `sitrep export --corrections`: what people taught
and corrected, as data files."""

from __future__ import annotations

import json
import sys
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from bot.cli.common import CliError, closing_after, db_option, run_job, settings_for_cli
from bot.config import Settings
from bot.services.errors import UserError

if TYPE_CHECKING:
    from bot.app import AppContext

T = TypeVar("T")
# A places file is a hand-edited list, not a data dump: a bigger one is the wrong file.
MAX_PLACES_FILE_BYTES = 20_000_000


def _run(settings: Settings, job: Callable[[AppContext], Awaitable[T]]) -> T:
    """Open the app's context (no instance lock: a running bot is fine), run one job."""
    from bot.app import open_context

    def opened() -> AbstractAsyncContextManager[AppContext]:
        return closing_after(open_context(settings, lock=False, create=False))

    return run_job(opened, job, UserError)


@click.group("places")
def places_group() -> None:
    """Local places admins taught (found by extraction inside their country)."""


@places_group.command("list")
@db_option
def places_list(database: str | None) -> None:
    """Show every local place."""

    async def job(context: AppContext) -> list[str]:
        return [
            f"{p.id:>4}  {p.name}  {p.lat},{p.lon}  {p.admin1 or '-'}, {p.country}"
            + (f"  aliases: {', '.join(p.aliases)}" if p.aliases else "")
            for p in await context.learning.local_places()
        ]

    lines = _run(settings_for_cli(database), job)
    if not lines:
        click.echo("no local places yet; admins add them with /place_add in Telegram")
    for line in lines:
        click.echo(line)


@places_group.command("export")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@db_option
def places_export(file: Path, database: str | None) -> None:
    """Write every local place to FILE as JSON ("-": standard output)."""
    from bot.services.place_files import export_places

    async def job(context: AppContext) -> dict[str, Any]:
        return await export_places(context.learning, context.clock.now())

    document = _run(settings_for_cli(database), job)
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if str(file) == "-":
        sys.stdout.write(text)
        return
    try:
        file.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot write {file}: {exc.strerror or exc}") from None
    click.echo(f"wrote {len(document['places'])} place(s) to {file}", err=True)


def _read_document(file: Path) -> object:
    try:
        if file.stat().st_size > MAX_PLACES_FILE_BYTES:
            raise CliError(f"{file} is too big for a places file (at most 20 MB)")
        return json.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CliError(f"cannot read {file}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CliError(f"{file} is not JSON: {exc}") from None


@places_group.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@db_option
def places_import(file: Path, database: str | None) -> None:
    """Add the places of FILE (a `sitrep places export` file), checked like /place_add."""
    from bot.services.place_files import PlaceImport, import_places

    document = _read_document(file)

    async def job(context: AppContext) -> PlaceImport:
        return await import_places(
            context.learning, document, now=context.clock.now(), note=f"imported from {file.name}"
        )

    result = _run(settings_for_cli(database), job)
    for name, why in result.skipped:
        click.echo(f"skipped {name}: {why}", err=True)
    click.echo(f"imported {len(result.added)} place(s), skipped {len(result.skipped)}")
    if result.skipped and not result.added:
        raise CliError(f"nothing was imported from {file.name}")


def export_corrections(file: Path, database: str | None) -> None:
    """`sitrep export --corrections FILE`: JSON Lines, or CSV for a FILE ending in .csv."""
    from bot.services.correction_export import CorrectionExport, write_csv, write_jsonl

    async def job(context: AppContext) -> list[dict[str, object]]:
        return await CorrectionExport(context.storage).rows()

    rows = _run(settings_for_cli(database), job)
    writer = write_csv if file.suffix.lower() == ".csv" else write_jsonl
    if str(file) == "-":
        writer(rows, sys.stdout)
        return
    try:
        with file.open("w", encoding="utf-8", newline="") as handle:
            count = writer(rows, handle)
    except OSError as exc:
        raise CliError(f"cannot write {file}: {exc.strerror or exc}") from None
    click.echo(f"wrote {count} correction(s) to {file}", err=True)


def register(app: click.Group) -> None:
    """Add `places` to the main app (`export --corrections` lives on `export`)."""
    app.add_command(places_group)
