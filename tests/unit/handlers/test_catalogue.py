"""The Arabic catalogue: every message in the code is translated, and the .mo is not stale.

The message ids are extracted from the source exactly as ``make messages`` does (same keywords,
same directories, read from the Makefile), so a new ``t(lang, "...")`` without a translation
fails here until someone runs ``make messages`` and translates it.
"""

from __future__ import annotations

import ast
import gettext
import io
import re
import string
from collections.abc import Iterable
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from handlers.i18n import DOMAIN, LOCALE_DIR, supported_languages

ROOT = Path(__file__).resolve().parents[3]
LANGUAGES = [code for code in supported_languages() if code != "en"]


def _make_variable(name: str) -> list[str]:
    match = re.search(rf"^{name} := (.+)$", (ROOT / "Makefile").read_text("utf-8"), re.M)
    assert match is not None, f"{name} missing from the Makefile"
    return match.group(1).split()


def _keywords() -> dict[str, tuple[int, ...] | None]:
    """Babel's keyword spec from the Makefile's ``t:2 tn:2,3 ...``."""
    keywords: dict[str, tuple[int, ...] | None] = {}
    for item in _make_variable("MESSAGE_KEYWORDS"):
        name, _, positions = item.partition(":")
        keywords[name] = tuple(int(p) for p in positions.split(",")) if positions else None
    return keywords


def extracted_ids() -> set[str]:
    """Every message id (the singular for plurals) in the interface code."""
    keywords = {**_keywords(), "_": None, "gettext": None, "ngettext": (1, 2)}
    ids: set[str] = set()
    for directory in _make_variable("MESSAGE_SOURCES"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / directory, keywords=keywords
        ):
            ids.add(message if isinstance(message, str) else message[0])
    ids.discard("")
    return ids


def load_po(language: str) -> Catalog:
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def untranslated(catalog: Catalog, ids: Iterable[str]) -> list[str]:
    """The ids with no usable translation: missing, empty, fuzzy or short of plural forms."""
    missing = []
    for message_id in sorted(ids):
        message = catalog.get(message_id)
        if message is None or message.fuzzy:
            missing.append(message_id)
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = catalog.num_plurals if isinstance(message.id, tuple) else 1
        if len(forms) < wanted or not all(forms):
            missing.append(message_id)
    return missing


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _as_tuple(value: object) -> tuple[object, ...]:
    return tuple(value) if isinstance(value, tuple | list) else (value,)


def placeholder_mismatches(catalog: Catalog) -> list[str]:
    """Translations naming a placeholder the English text does not fill, or tags it lacks."""
    wrong = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        english = [str(text) for text in _as_tuple(message.id)]
        known = set().union(*(_fields(text) for text in english))
        tags = sorted(re.findall(r"</?[a-z]+>", english[0]))
        forms = [str(text) for text in _as_tuple(message.string)]
        for form in forms:
            if not _fields(form) <= known or sorted(re.findall(r"</?[a-z]+>", form)) != tags:
                wrong.append(f"{english[0]!r} -> {form!r}")
    return wrong


def stale_entries(catalog: Catalog, compiled: bytes) -> list[str]:
    """Messages whose compiled translation differs from the .po (the .mo needs recompiling)."""
    fresh = io.BytesIO()
    write_mo(fresh, catalog)
    expected = gettext.GNUTranslations(io.BytesIO(fresh.getvalue()))._catalog  # type: ignore[attr-defined]
    actual = gettext.GNUTranslations(io.BytesIO(compiled))._catalog  # type: ignore[attr-defined]
    keys = set(expected) | set(actual)
    return sorted(str(key) for key in keys if key != "" and expected.get(key) != actual.get(key))


def test_arabic_is_a_supported_language() -> None:
    assert "ar" in LANGUAGES


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_in_the_code_is_translated(language: str) -> None:
    ids = extracted_ids()
    assert len(ids) > 300  # the extraction found the interface, not an empty tree
    assert untranslated(load_po(language), ids) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_fill_the_same_placeholders_and_tags(language: str) -> None:
    assert placeholder_mismatches(load_po(language)) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_its_po_file(language: str) -> None:
    compiled = (LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo").read_bytes()
    assert stale_entries(load_po(language), compiled) == []


class TestTheChecksCatchMistakes:
    """The checkers above, on catalogues broken on purpose."""

    def test_a_missing_or_fuzzy_translation_is_reported(self) -> None:
        catalog = Catalog(locale="ar")
        catalog.add("Killed", "القتلى")
        catalog.add("Injured", "")
        catalog.add("Arrested", "المعتقلون", flags=["fuzzy"])
        assert untranslated(catalog, ["Killed", "Injured", "Arrested", "New text"]) == [
            "Arrested",
            "Injured",
            "New text",
        ]

    def test_a_plural_short_of_arabic_forms_is_reported(self) -> None:
        catalog = Catalog(locale="ar")
        catalog.add(("{n} incident", "{n} incidents"), ("حادثة", "حادثتان"))
        assert untranslated(catalog, ["{n} incident"]) == ["{n} incident"]

    def test_a_changed_po_makes_the_compiled_file_stale(self) -> None:
        catalog = Catalog(locale="ar")
        catalog.add("Killed", "القتلى")
        compiled = io.BytesIO()
        write_mo(compiled, catalog)
        assert stale_entries(catalog, compiled.getvalue()) == []
        catalog["Killed"].string = "قتلى"
        catalog.add("Injured", "الجرحى")
        assert stale_entries(catalog, compiled.getvalue()) == ["Injured", "Killed"]

    def test_a_translation_with_a_foreign_placeholder_is_reported(self) -> None:
        catalog = Catalog(locale="ar")
        catalog.add("{n} killed", "قتلى: {count}")
        catalog.add("<b>unconfirmed</b>", "غير مؤكدة")
        assert len(placeholder_mismatches(catalog)) == 2


def _message_arguments() -> Iterable[tuple[str, int, ast.expr]]:
    positions = {"t": 1, "tn": 1, "N_": 0, "UserError": 0}
    for directory in _make_variable("MESSAGE_SOURCES"):
        for path in sorted((ROOT / directory).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                    index = positions.get(node.func.id)
                    if index is not None and len(node.args) > index:
                        yield path.relative_to(ROOT).as_posix(), node.lineno, node.args[index]


def test_no_message_is_built_with_an_f_string() -> None:
    """An f-string message cannot be extracted or translated: placeholders are the way."""
    built = [
        f"{path}:{line}"
        for path, line, argument in _message_arguments()
        if isinstance(argument, ast.JoinedStr | ast.BinOp)
    ]
    assert built == []


def test_every_literal_message_is_extracted() -> None:
    """A ``t(lang, "...")`` written inside an f-string's braces is invisible to the extractor
    (it skips the whole f-string): its text would never reach the catalogue."""
    ids = extracted_ids()
    missed = [
        f"{path}:{line} {argument.value!r}"
        for path, line, argument in _message_arguments()
        if isinstance(argument, ast.Constant)
        and isinstance(argument.value, str)
        and argument.value
        and argument.value not in ids
    ]
    assert missed == []
