"""Files -> reports or incidents: plain text, JSON Lines of reports, ACLED-style CSV exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Protocol

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from bot.domain import (
    ActorRef,
    ActorType,
    CasualtyCount,
    CountStatus,
    DatePrecision,
    EventType,
    GeoPrecision,
    Incident,
    Location,
    Report,
    SourceRef,
    SubEventType,
)
from bot.ingest.text import clean_text, make_report, one_line

ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)
ACLED_REQUIRED: frozenset[str] = frozenset(
    {"event_id_cnty", "event_date", "event_type", "sub_event_type", "country", "location"}
)
ACLED_SOURCE_PREFIX = "acled:"

# ISO 3166 numeric -> (alpha-2, ACLED country name, ACLED region) for the region Sitrep covers.
COUNTRIES: dict[int, tuple[str, str, str]] = {
    368: ("IQ", "Iraq", "Middle East"),
    760: ("SY", "Syria", "Middle East"),
    364: ("IR", "Iran", "Middle East"),
    792: ("TR", "Turkey", "Middle East"),
    400: ("JO", "Jordan", "Middle East"),
    682: ("SA", "Saudi Arabia", "Middle East"),
    414: ("KW", "Kuwait", "Middle East"),
    422: ("LB", "Lebanon", "Middle East"),
    887: ("YE", "Yemen", "Middle East"),
    376: ("IL", "Israel", "Middle East"),
    275: ("PS", "Palestine", "Middle East"),
    48: ("BH", "Bahrain", "Middle East"),
    512: ("OM", "Oman", "Middle East"),
    634: ("QA", "Qatar", "Middle East"),
    784: ("AE", "United Arab Emirates", "Middle East"),
    818: ("EG", "Egypt", "Northern Africa"),
    4: ("AF", "Afghanistan", "Caucasus and Central Asia"),
}
_BY_ALPHA2 = {alpha2: (num, name, region) for num, (alpha2, name, region) in COUNTRIES.items()}
_BY_NAME = {name.casefold(): alpha2 for alpha2, name, _ in COUNTRIES.values()}

_TIME_PRECISION = {"1": DatePrecision.DAY, "2": DatePrecision.WEEK, "3": DatePrecision.MONTH}
_GEO_PRECISION = {"1": GeoPrecision.POINT, "2": GeoPrecision.NEAR, "3": GeoPrecision.ADMIN1}
_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d/%m/%Y")
_SLUG = re.compile(r"[^a-z0-9]+")


class RowError(Exception):
    """One input row could not be used; the message says why (shown in import summaries)."""


class ActorLookup(Protocol):
    """What the ACLED mapping needs from the actor registry."""

    def lookup(self, name: str) -> Sequence[ActorRef]:
        """Registry actors with this name or alias."""
        ...


PlaceLocator = Callable[[str, str, str | None], Location | None]
"""(place name, ISO alpha-2 country, admin1 name) -> a gazetteer Location, or None."""


# ---------------------------------------------------------------- text and JSON Lines


def read_text(source: Path | IO[str], *, max_chars: int) -> str:
    """Read a text file or stream (stdin), refusing more than ``max_chars`` characters."""
    if isinstance(source, Path):
        try:
            with source.open(encoding="utf-8", errors="replace") as handle:
                text = handle.read(max_chars + 1)
        except OSError as exc:
            raise RowError(f"cannot read {source}: {exc.strerror or exc}") from None
    else:
        text = source.read(max_chars + 1)
    if len(text) > max_chars:
        raise RowError(f"the text is longer than {max_chars:,} characters")
    text = clean_text(text)
    if not text:
        raise RowError("the text is empty")
    return text


class ReportRecord(BaseModel):
    """One line of a JSON Lines report file."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    text: str
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    published_at: dt.datetime | None = None
    language: str = "en"

    @field_validator("text")
    @classmethod
    def _not_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text is empty")
        return value

    @field_validator("published_at", mode="before")
    @classmethod
    def _date_or_datetime(cls, value: object) -> object:
        if isinstance(value, str) and len(value.strip()) == 10:
            return value.strip() + "T12:00:00+00:00"  # a bare date: midday UTC
        return value

    @field_validator("published_at")
    @classmethod
    def _aware(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)  # naive times in files are taken as UTC
        return value


def record_to_report(
    record: ReportRecord, *, fetched_at: dt.datetime, max_chars: int | None = None
) -> Report:
    """A Report from one JSON Lines record."""
    return make_report(
        record.text,
        fetched_at=fetched_at,
        url=record.url,
        title=record.title,
        outlet=record.outlet,
        published_at=record.published_at,
        origin="import",
        language=record.language,
        max_chars=max_chars,
    )


def iter_jsonl(lines: Iterable[str]) -> Iterator[tuple[int, ReportRecord | RowError]]:
    """(line number, record or the reason it was rejected) for each non-blank line."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, RowError(f"line {number}: not JSON ({exc.msg})")
            continue
        if not isinstance(data, dict):
            yield number, RowError(f"line {number}: expected a JSON object")
            continue
        try:
            yield number, ReportRecord.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(part) for part in first.get("loc", ())) or "record"
            yield number, RowError(f"line {number}: {field}: {first.get('msg', 'invalid')}")


# ---------------------------------------------------------------- ACLED CSV


def slug(text: str) -> str:
    """A lowercase ASCII id fragment: "Civilians (Iraq)" -> "civilians-iraq"."""
    return _SLUG.sub("-", text.casefold()).strip("-")[:60] or "unknown"


def country_code(iso: str | None, name: str | None) -> str | None:
    """ISO alpha-2 from ACLED's numeric ``iso`` or its country name (or an alpha-2 given)."""
    if iso and iso.strip().isdigit() and int(iso) in COUNTRIES:
        return COUNTRIES[int(iso)][0]
    if name:
        key = name.strip()
        if len(key) == 2 and key.upper() in _BY_ALPHA2:
            return key.upper()
        return _BY_NAME.get(key.casefold())
    return None


def country_info(alpha2: str) -> tuple[int | None, str, str]:
    """(ISO numeric, ACLED country name, ACLED region) for an alpha-2 code."""
    if alpha2 in _BY_ALPHA2:
        return _BY_ALPHA2[alpha2]
    return None, alpha2, ""


def _parse_date(value: str) -> dt.date:
    value = value.strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).replace(tzinfo=dt.UTC).date()
        except ValueError:
            continue
    raise RowError(f"event_date {value!r} is not a date (expected YYYY-MM-DD)")


def _sub_event(event_type: str, sub_event_type: str) -> tuple[EventType, SubEventType]:
    by_event = {item.value.casefold(): item for item in EventType}
    by_sub = {item.value.casefold(): item for item in SubEventType}
    event = by_event.get(event_type.strip().casefold())
    sub = by_sub.get(sub_event_type.strip().casefold())
    if event is None:
        raise RowError(f"unknown event_type {event_type!r}")
    if sub is None:
        raise RowError(f"unknown sub_event_type {sub_event_type!r}")
    if sub.event_type is not event:
        raise RowError(f"sub_event_type {sub.value!r} does not belong to {event.value!r}")
    return event, sub


def _inter_type(value: str | None) -> ActorType | None:
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit() and 1 <= int(text) <= len(ActorType):
        return list(ActorType)[int(text) - 1]
    # Newer exports spell the type out ("State forces", "Rebel group").
    folded = text.casefold().rstrip("s")
    for actor_type in ActorType:
        if actor_type.label.casefold().rstrip("s") == folded:
            return actor_type
    return None


def _actor(name: str, inter: ActorType | None, actors: ActorLookup | None) -> ActorRef | None:
    name = " ".join(name.split())
    if not name:
        return None
    if actors is not None:
        known = actors.lookup(name)
        if known:
            return known[0]
    actor_type = inter or ActorType.EXTERNAL_FORCES
    # Unknown to the registry: a stable generated id keeps repeated imports consistent.
    return ActorRef(id=f"acled-{slug(name)}", name=name, type=actor_type)


def _float(value: str | None) -> float | None:
    if value is None or not value.strip():
        return None
    try:
        number = float(value)
    except ValueError:
        raise RowError(f"{value!r} is not a number") from None
    return number


def acled_row_to_incident(
    row: dict[str, str],
    *,
    actors: ActorLookup | None = None,
    locate: PlaceLocator | None = None,
) -> Incident:
    """Map one ACLED CSV row straight onto an Incident; raise RowError when it cannot be used."""
    values = {key.strip().lower(): (value or "").strip() for key, value in row.items() if key}
    missing = sorted(name for name in ACLED_REQUIRED if not values.get(name))
    if missing:
        raise RowError(f"missing {', '.join(missing)}")
    event_id = values["event_id_cnty"]
    day = _parse_date(values["event_date"])
    event, sub = _sub_event(values["event_type"], values["sub_event_type"])
    country = country_code(values.get("iso"), values.get("country"))
    if country is None:
        raise RowError(f"unknown country {values.get('country')!r}")
    precision = _TIME_PRECISION.get(values.get("time_precision", "1") or "1", DatePrecision.DAY)
    geo = _GEO_PRECISION.get(values.get("geo_precision", "1") or "1", GeoPrecision.POINT)
    lat, lon = _float(values.get("latitude")), _float(values.get("longitude"))
    if lat is not None and not -90 <= lat <= 90:
        raise RowError(f"latitude {lat} is out of range")
    if lon is not None and not -180 <= lon <= 180:
        raise RowError(f"longitude {lon} is out of range")
    admin1 = values.get("admin1") or None
    place = values["location"]
    location = locate(place, country, admin1) if locate is not None else None
    if location is None:
        location = Location(
            name=place,
            admin1=admin1,
            admin2=values.get("admin2") or None,
            country=country,
            lat=lat,
            lon=lon,
            geo_precision=geo,
        )
    else:
        location = location.model_copy(
            update={
                "geo_precision": geo,
                "lat": lat if lat is not None else location.lat,
                "lon": lon if lon is not None else location.lon,
                "admin2": location.admin2 or values.get("admin2") or None,
            }
        )
    # Order: actor1, actor2, then associated actors, so an export puts the sides back.
    mains: list[ActorRef] = []
    associated: list[ActorRef] = []
    for side in ("1", "2"):
        inter = _inter_type(values.get(f"inter{side}"))
        main = _actor(values.get(f"actor{side}", ""), inter, actors)
        if main is not None:
            mains.append(main)
        for extra in values.get(f"assoc_actor_{side}", "").split(";"):
            assoc = _actor(extra, inter, actors)
            if assoc is not None:
                associated.append(assoc)
    refs = mains + associated
    unique: dict[str, ActorRef] = {}
    for ref in refs:
        unique.setdefault(ref.id, ref)
    fatalities = values.get("fatalities", "")
    if fatalities and not fatalities.isdigit():
        raise RowError(f"fatalities {fatalities!r} is not a whole number")
    source = one_line(values.get("source"), 200)
    killed = (
        CasualtyCount(
            min=int(fatalities), max=int(fatalities), status=CountStatus.EXACT, source=source
        )
        if fatalities
        else CasualtyCount(status=CountStatus.UNKNOWN)
    )
    injured = CasualtyCount(status=CountStatus.UNKNOWN)
    if "killed_max" in values:
        # Sitrep's own export: fatalities is 0 for an unknown toll, killed_max tells them apart.
        killed, injured = _sitrep_counts(values, killed, source)
    notes = clean_text(values.get("notes", ""))
    summary = notes or f"{sub.value} in {place}"
    return Incident(
        date=day,
        date_precision=precision,
        location=location,
        actors=list(unique.values()),
        event_type=event,
        sub_event_type=sub,
        killed=killed,
        injured=injured,
        summary=summary if len(summary) <= 1000 else summary[:999] + "…",
        evidence=[notes] if notes else [],
        sources=[SourceRef(url=f"{ACLED_SOURCE_PREFIX}{event_id}", outlet=source)],
    )


def _whole(values: dict[str, str], column: str) -> int | None:
    value = (values.get(column) or "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise RowError(f"{column} {value!r} is not a whole number")
    return int(value)


def _sitrep_counts(
    values: dict[str, str], killed: CasualtyCount, source: str | None
) -> tuple[CasualtyCount, CasualtyCount]:
    """Killed and injured ranges from the extra columns of a Sitrep export."""
    killed_max = _whole(values, "killed_max")
    if killed_max is None and killed.min == 0:
        killed = CasualtyCount(status=CountStatus.UNKNOWN)
    elif killed_max is not None and killed.min is not None:
        killed = killed.model_copy(update={"max": max(killed_max, killed.min)})
    injured_min, injured_max = _whole(values, "injured_min"), _whole(values, "injured_max")
    if injured_min is None:
        injured = CasualtyCount(status=CountStatus.UNKNOWN)
    else:
        injured = CasualtyCount(
            min=injured_min,
            max=injured_max if injured_max is not None else injured_min,
            status=CountStatus.EXACT,
            source=source,
        )
    return _stated(values, "killed", killed), _stated(values, "injured", injured)


def _stated(values: dict[str, str], figure: str, count: CasualtyCount) -> CasualtyCount:
    """A Sitrep export's ``<figure>_status`` and ``<figure>_source`` put back on a count."""
    status_text = (values.get(f"{figure}_status") or "").strip()
    update: dict[str, object] = {}
    if status_text:
        try:
            status = CountStatus(status_text)
        except ValueError:
            raise RowError(f"{figure}_status {status_text!r} is not a known status") from None
        # A number stays a number and no number stays none: only how it was stated changes.
        numberless = status in (CountStatus.UNKNOWN, CountStatus.NONE_REPORTED)
        if numberless == (count.min is None):
            update["status"] = status
    if f"{figure}_source" in values:
        update["source"] = one_line(values.get(f"{figure}_source"), 200) or None
    return count.model_copy(update=update) if update else count


def open_acled(handle: IO[str]) -> csv.DictReader[str]:
    """A DictReader over an ACLED export; raise RowError if required columns are missing."""
    reader = csv.DictReader(handle)
    columns = {name.strip().lower() for name in (reader.fieldnames or [])}
    missing = sorted(ACLED_REQUIRED - columns)
    if missing:
        raise RowError(f"not an ACLED-style CSV: missing columns {', '.join(missing)}")
    return reader


def iter_acled(
    handle: IO[str],
    *,
    actors: ActorLookup | None = None,
    locate: PlaceLocator | None = None,
) -> Iterator[tuple[int, str | None, Incident | RowError]]:
    """(row number, event_id_cnty, incident or the reason it was rejected) for each data row."""
    reader = open_acled(handle)
    for number, row in enumerate(reader, start=1):
        event_id = (row.get("event_id_cnty") or "").strip() or None
        try:
            yield number, event_id, acled_row_to_incident(row, actors=actors, locate=locate)
        except RowError as exc:
            yield number, event_id, RowError(f"row {number}: {exc}")
        except (ValidationError, ValueError) as exc:
            yield number, event_id, RowError(f"row {number}: invalid value ({exc})")


def sniff_format(path: Path) -> str:
    """ "jsonl" or "acled", judged from the name and then the first non-blank line."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".csv":
        return "acled"
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.strip():
                    return "jsonl" if line.lstrip().startswith("{") else "acled"
    except OSError as exc:
        raise RowError(f"cannot read {path}: {exc.strerror or exc}") from None
    raise RowError(f"{path} is empty")


def count_rows(path: Path, fmt: str) -> int:
    """How many data rows a file holds (for progress bars)."""
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        if fmt == "jsonl":
            return sum(1 for line in handle if line.strip())
        return sum(1 for _ in csv.reader(handle)) - 1


def text_stream(data: str) -> IO[str]:
    """A text stream over a string (tests, stdin already read)."""
    return io.StringIO(data)


class _LocatableEntry(Protocol):
    """The parts of a gazetteer entry the locator reads."""

    @property
    def kind(self) -> str:
        """ "place", "admin1" or "country"."""
        ...

    @property
    def country(self) -> str:
        """ISO alpha-2."""
        ...

    @property
    def admin1(self) -> str | None:
        """Canonical governorate name."""
        ...

    def to_location(self, precision: GeoPrecision | None = None) -> Location:
        """A domain Location."""
        ...


class _PlaceIndex(Protocol):
    def lookup(self, name: str, *, country: str | None = None) -> Sequence[_LocatableEntry]:
        """Entries named ``name``, best first."""
        ...


def gazetteer_locator(gazetteer: _PlaceIndex) -> PlaceLocator:
    """A PlaceLocator over the gazetteer: the place in the row's country (and governorate)."""

    def locate(name: str, country: str, admin1: str | None) -> Location | None:
        entries = [
            entry
            for entry in gazetteer.lookup(name, country=country)
            if entry.kind == "place" and entry.country == country
        ]
        if admin1:
            wanted = admin1.casefold()
            # ACLED's governorate spelling may differ ("Ninewa"/"Nineveh"): prefer, don't require.
            entries.sort(key=lambda entry: (entry.admin1 or "").casefold() != wanted)
        return entries[0].to_location() if entries else None

    return locate
