"""The directory's CSV format: read and check a whole file, or write places back out.

The import is all or nothing, so reading never stops at the first mistake: it collects every
problem with its row (the header is row 1, as a spreadsheet shows it) and column, and only a file
without problems yields records. Pure: no database, no bot.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError

from domain import contact
from domain.counting import counted, nouns
from domain.gazetteer import POSTCODE, UnknownPostcode, buurt_for_point, lookup_postcode, pc4_index
from domain.geo import InvalidCoordinates, haversine_m, validate_coordinates
from domain.opening_hours import OpeningHoursError, WeeklySchedule, parse_osm
from domain.taxonomy import get_category, match_category

COLUMNS = (
    "external_id", "name", "category", "description", "address", "postcode", "latitude", "longitude",
    "phone", "email", "website", "networks", "opening_hours", "languages", "wheelchair",
)
WHEELCHAIR_VALUES = ("yes", "limited", "no", "unknown")
MAX_LENGTHS = {
    "external_id": 100, "name": 80, "address": 200, "phone": 40, "email": 254, "website": 300, "description": 4000,
}
MAX_NETWORK_NAME = 100
# A place further than this from its postcode's centre has a typo in its coordinates or postcode
# (PC4 areas in cities are ~1 km across; rural ones up to a few km).
MAX_FROM_POSTCODE_M = 3_000
PROGRESS_EVERY = 500


@dataclass(frozen=True)
class PlaceRecord:
    """One valid row: what an initiative and its place should be."""

    external_id: str | None
    name: str
    category: str
    description: str | None
    address: str | None
    postcode: str | None  # "3024 AB" or "3024"
    latitude: float
    longitude: float
    approximate: bool  # coordinates from the postcode's centroid
    buurt: str | None
    phone: str | None
    email: str | None
    website: str | None
    networks: tuple[str, ...]
    schedule: WeeklySchedule | None
    languages: tuple[str, ...]
    wheelchair: str
    row: int = 0  # in the file (the header is row 1), for messages about the row


@dataclass(frozen=True)
class Problem:
    row: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class CsvRejected(Exception):
    """The file has problems; nothing may be imported."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(counted(len(problems), "problem", "problems"))
        self.problems = problems


def read_places(data: bytes, progress: Callable[[int], None] | None = None) -> list[PlaceRecord]:
    """Every row as a PlaceRecord, or CsvRejected listing every problem in the file.

    `progress(n)` is called every PROGRESS_EVERY rows with how many more were read (for a bar).
    """
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark (Excel) is fine
    except UnicodeDecodeError as exc:
        raise CsvRejected([Problem(1, None, f"the file is not UTF-8 (bad byte at position {exc.start}); save it as 'CSV UTF-8'")]) from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise CsvRejected([Problem(1, None, "the file is empty; the first row must be the header: " + ",".join(COLUMNS))])
    header = [cell.strip().lower() for cell in rows[0]]
    problems = _check_header(header)
    if problems:
        raise CsvRejected(problems)
    records: list[PlaceRecord] = []
    seen_ids: dict[str, int] = {}
    seen_names: dict[tuple[str, str], int] = {}
    if progress is not None:
        progress(0)
    for number, cells in enumerate(rows[1:], start=2):
        if progress is not None and number % PROGRESS_EVERY == 0:
            progress(PROGRESS_EVERY)
        if not any(cell.strip() for cell in cells):
            continue  # blank line
        if len(cells) != len(header):
            problems.append(Problem(number, None, f"has {len(cells)} fields, the header has {len(header)} (a comma too many or too few?)"))
            continue
        row = {name: value.strip() for name, value in zip(header, cells, strict=True)}
        record, row_problems = _read_row(number, row)
        problems.extend(row_problems)
        if record is None:
            continue
        if record.external_id:
            if record.external_id in seen_ids:
                problems.append(Problem(number, "external_id", f"'{record.external_id}' is also used in row {seen_ids[record.external_id]}"))
            seen_ids.setdefault(record.external_id, number)
        else:
            key = (record.name.lower(), record.postcode or "")
            if key in seen_names:
                problems.append(Problem(number, "name", f"same name and postcode as row {seen_names[key]}; give each an external_id"))
            seen_names.setdefault(key, number)
        records.append(record)
    if problems:
        raise CsvRejected(problems)
    return records


def _check_header(header: list[str]) -> list[Problem]:
    if len(header) == 1 and ";" in header[0]:
        return [Problem(1, None, "the columns are separated by semicolons; use commas (in Excel: save as 'CSV UTF-8 (comma delimited)')")]
    problems = []
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        problems.append(Problem(1, None, f"missing {nouns(missing, 'column', 'columns')}: {', '.join(missing)}"))
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        problems.append(Problem(1, None, f"unknown {nouns(unknown, 'column', 'columns')}: {', '.join(repr(c) for c in unknown)}"))
    doubled = sorted({c for c in header if header.count(c) > 1})
    if doubled:
        problems.append(Problem(1, None, f"{nouns(doubled, 'column', 'columns')} more than once: {', '.join(doubled)}"))
    return problems


def _read_row(number: int, row: dict[str, str]) -> tuple[PlaceRecord | None, list[Problem]]:
    problems: list[Problem] = []

    def problem(column: str, message: str) -> None:
        problems.append(Problem(number, column, message))

    for column, limit in MAX_LENGTHS.items():
        if len(row[column]) > limit:
            problem(column, f"longer than {limit} characters")
    if not row["name"]:
        problem("name", "empty; every place needs a name")

    category = row["category"].lower()
    if not category:
        problem("category", "empty; use one of: " + ", ".join(_category_codes()))
    elif get_category(category) is None:
        guess = match_category(category)
        hint = f" (did you mean '{guess.code}'?)" if guess else ""
        problem("category", f"unknown category '{row['category']}'{hint}; use one of: " + ", ".join(_category_codes()))

    postcode = None
    if row["postcode"]:
        match = POSTCODE.fullmatch(row["postcode"])
        if match is None:
            problem("postcode", f"'{row['postcode']}' is not a Dutch postcode like 3024 or 3024 AB")
        else:
            postcode = match.group(1) + (f" {match.group(2).upper()}" if match.group(2) else "")

    point, approximate = _point(row, postcode, problem)

    email = contact.clean_email(row["email"]) if row["email"] else None
    if row["email"] and email is None:
        problem("email", f"'{row['email']}' is not an e-mail address")
    phone = contact.clean_phone(row["phone"]) if row["phone"] else None
    if row["phone"] and phone is None:
        problem("phone", f"'{row['phone']}' is not a phone number (Dutch, or international with +country)")
    website = row["website"] or None
    if website and not re.fullmatch(r"https?://\S+\.\S+", website):
        problem("website", f"'{website}' must start with https:// or http://")

    networks = _split(row["networks"])
    for name in networks:
        if len(name) > MAX_NETWORK_NAME:
            problem("networks", f"network name longer than {MAX_NETWORK_NAME} characters: '{name[:30]}…'")

    languages = tuple(code.lower() for code in _split(row["languages"]))
    for code in languages:
        if not _is_language(code):
            problem("languages", f"'{code}' is not a two-letter language code (ISO 639-1) such as nl, en, ar, tr")

    schedule: WeeklySchedule | None = None
    if row["opening_hours"]:
        parsed = _opening_hours(row["opening_hours"])
        if isinstance(parsed, OpeningHoursError):
            problem("opening_hours", f"{parsed.reason}: '{parsed.fragment}' (example: Mo-Th 10:00-16:00; Sa 12:00-17:00)")
        else:
            schedule = parsed

    wheelchair = row["wheelchair"].lower() or "unknown"
    if wheelchair not in WHEELCHAIR_VALUES:
        problem("wheelchair", f"'{row['wheelchair']}' must be one of {', '.join(WHEELCHAIR_VALUES)} (or empty)")

    if problems or point is None:
        return None, problems
    buurt = buurt_for_point(*point)
    record = PlaceRecord(
        external_id=row["external_id"] or None,
        name=row["name"],
        category=category,
        description=row["description"] or None,
        address=row["address"] or None,
        postcode=postcode,
        latitude=point[0],
        longitude=point[1],
        approximate=approximate,
        buurt=buurt.name if buurt else None,
        phone=phone,
        email=email,
        website=website,
        networks=tuple(dict.fromkeys(networks)),
        schedule=schedule,
        languages=tuple(dict.fromkeys(languages)),
        wheelchair=wheelchair,
        row=number,
    )
    return record, problems


@lru_cache(maxsize=4096)
def _opening_hours(text: str) -> WeeklySchedule | OpeningHoursError | None:
    """Parsed once per distinct text: a directory repeats the same hours many times."""
    try:
        schedule = parse_osm(text)
    except OpeningHoursError as exc:
        return exc
    if not schedule.always_open and not schedule.by_appointment and not any(schedule.days):
        return None  # "off": no opening hours, stored like an empty cell
    return schedule


def _point(row: dict[str, str], postcode: str | None,
           problem: Callable[[str, str], None]) -> tuple[tuple[float, float] | None, bool]:
    lat_text, lon_text = row["latitude"].replace(",", "."), row["longitude"].replace(",", ".")
    if lat_text or lon_text:
        if not (lat_text and lon_text):
            problem("latitude" if not lat_text else "longitude", "give both latitude and longitude, or neither")
            return None, False
        try:
            point = validate_coordinates(float(lat_text), float(lon_text))
        except (ValueError, InvalidCoordinates) as exc:
            column = "latitude" if _bad_number(lat_text, -90, 90) else "longitude"
            problem(column, f"not a valid coordinate ({exc}); use decimal degrees like 51.9054")
            return None, False
        far = _far_from_postcode(point, postcode)
        if far:
            problem("latitude", far)
            return None, False
        return point, False
    if not row["postcode"]:
        problem("latitude", "empty, and there is no postcode either; give latitude/longitude or a postcode")
        return None, False
    if postcode is None:
        return None, False  # the postcode problem is already reported
    found = lookup_postcode(*postcode.split(" ")) if " " in postcode else lookup_postcode(postcode)
    if isinstance(found, UnknownPostcode):
        problem("postcode", f"postcode {postcode} is unknown, so latitude/longitude are needed")
        return None, False
    return (found.lat, found.lon), True


def _far_from_postcode(point: tuple[float, float], postcode: str | None) -> str | None:
    """Why the point cannot be right for its postcode (swapped, or too far away); None when it can."""
    centre = pc4_index().get(postcode[:4]) if postcode else None
    if centre is None:
        return None  # no postcode, or one without a known centre: nothing to compare with
    distance = haversine_m(point[0], point[1], centre.lat, centre.lon)
    if distance <= MAX_FROM_POSTCODE_M:
        return None
    if haversine_m(point[1], point[0], centre.lat, centre.lon) <= MAX_FROM_POSTCODE_M:
        return (
            f"latitude and longitude are swapped ({point[0]}, {point[1]}): postcode {postcode} lies at "
            f"latitude {centre.lat:.4f}, longitude {centre.lon:.4f}"
        )
    return (
        f"{point[0]}, {point[1]} is {_km(distance)} from the centre of postcode {postcode} ({centre.place_name}); "
        f"at most {MAX_FROM_POSTCODE_M // 1000} km is expected. Check the coordinates and the postcode"
    )


def _km(metres: float) -> str:
    return f"{metres / 1000:,.0f} km" if metres >= 10_000 else f"{metres / 1000:.1f} km"


def _bad_number(text: str, low: float, high: float) -> bool:
    try:
        value = float(text)
    except ValueError:
        return True
    return not low <= value <= high


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


@lru_cache(maxsize=512)
def _is_language(code: str) -> bool:
    if not re.fullmatch(r"[a-z]{2}", code):
        return False
    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return False
    return True


def _category_codes() -> list[str]:
    from domain.taxonomy import CATEGORIES

    return [c.code for c in CATEGORIES]


@dataclass(frozen=True)
class PlaceRow:
    """What the export writes for one initiative (the same columns as the import reads)."""

    external_id: str | None
    name: str
    category: str
    description: str | None
    address: str | None
    postcode: str | None
    latitude: float | None  # None when the point is only the postcode's centroid
    longitude: float | None
    phone: str | None
    email: str | None
    website: str | None
    networks: tuple[str, ...]
    opening_hours: str | None
    languages: tuple[str, ...]
    wheelchair: str


def write_places(rows: Iterable[PlaceRow]) -> str:
    """CSV text in the import format, so export -> import changes nothing."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.external_id or "",
                row.name,
                row.category,
                row.description or "",
                row.address or "",
                row.postcode or "",
                "" if row.latitude is None else f"{row.latitude:.6f}",
                "" if row.longitude is None else f"{row.longitude:.6f}",
                row.phone or "",
                row.email or "",
                row.website or "",
                ";".join(row.networks),
                row.opening_hours or "",
                ";".join(row.languages),
                row.wheelchair,
            ]
        )
    return buffer.getvalue()
