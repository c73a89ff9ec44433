"""Reading ECB euro reference rates: the wide CSV history (``eurofxref-hist.csv``, with or
without its trailing empty column, or the zip around it) and the XML feeds
(``eurofxref-daily.xml``, ``eurofxref-90d.xml``, ``eurofxref-hist.xml``)."""

import datetime
import io
import re
import urllib.request
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from xml.etree import ElementTree as ET

from .importing import MalformedFileError

ECB_SOURCE = "European Central Bank euro foreign exchange reference rates"
_CODE_RE = re.compile(r"^[A-Z]{3}$")
_DOWNLOAD_LIMIT = 20 * 1024 * 1024


@dataclass
class ParsedRates:
    rates: list[tuple[str, datetime.date, Decimal]] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)


def fetch(location: str) -> tuple[bytes, str]:
    """The bytes of a local file or an http(s) URL, and a name for messages."""
    if location.startswith(("http://", "https://")):
        request = urllib.request.Request(location, headers={"User-Agent": "MediJourney update_fx"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310  # nosec B310 - scheme checked above
            data = response.read(_DOWNLOAD_LIMIT + 1)
        if len(data) > _DOWNLOAD_LIMIT:
            raise MalformedFileError(f"{location}: larger than {_DOWNLOAD_LIMIT} bytes")
        return data, location
    with open(location, "rb") as fh:
        return fh.read(), location


def parse(data: bytes, name: str) -> ParsedRates:
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                members = [n for n in zf.namelist() if n.lower().endswith((".csv", ".xml"))]
                if not members:
                    raise MalformedFileError(f"{name}: the zip holds no CSV or XML file")
                return parse(zf.read(members[0]), f"{name}!{members[0]}")
        except zipfile.BadZipFile:
            raise MalformedFileError(f"{name}: a damaged zip file") from None
    if b"\x00" in data[:4096]:
        raise MalformedFileError(f"{name}: a binary file, not ECB CSV or XML")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MalformedFileError(f"{name}: not UTF-8 text") from None
    if text.lstrip().startswith("<"):
        return parse_xml(text, name)
    return parse_csv(text, name)


def _rate(value: str) -> Decimal | None:
    value = value.strip()
    if value in ("", "N/A"):
        return None
    number = Decimal(value)
    if not number.is_finite() or number <= 0:
        raise InvalidOperation
    return number


def parse_csv(text: str, name: str) -> ParsedRates:
    lines = text.splitlines()
    if not lines:
        raise MalformedFileError(f"{name}: empty file")
    header = [h.strip() for h in lines[0].split(",")]
    while header and header[-1] == "":
        header.pop()
    codes = header[1:]
    if not header or header[0] != "Date" or not codes or not all(_CODE_RE.match(c) for c in codes):
        raise MalformedFileError(
            f"{name}: unexpected header; expected 'Date' then three-letter currency codes, found {lines[0][:120]!r}"
        )
    parsed = ParsedRates()
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        values = [v.strip() for v in line.split(",")]
        while len(values) > len(header) and values[-1] == "":
            values.pop()
        if len(values) != len(header):
            parsed.problems.append((number, f"expected {len(header)} fields, found {len(values)}"))
            continue
        try:
            day = datetime.date.fromisoformat(values[0])
        except ValueError:
            parsed.problems.append((number, f"not a date: {values[0]!r}"))
            continue
        for code, value in zip(codes, values[1:], strict=True):
            try:
                rate = _rate(value)
            except InvalidOperation:
                parsed.problems.append((number, f"{code}: not a positive number: {value!r}"))
                continue
            if rate is not None:
                parsed.rates.append((code, day, rate))
    return parsed


def parse_xml(text: str, name: str) -> ParsedRates:
    if "<!ENTITY" in text or "<!DOCTYPE" in text:
        raise MalformedFileError(f"{name}: XML with a DOCTYPE is refused")
    try:
        root = ET.fromstring(text)  # noqa: S314  # nosec B314 - DOCTYPE/entities refused above
    except ET.ParseError as exc:
        raise MalformedFileError(f"{name}: not valid XML ({exc})") from None
    parsed = ParsedRates()
    days = [el for el in root.iter() if el.tag.endswith("Cube") and "time" in el.attrib]
    if not days:
        raise MalformedFileError(f"{name}: no <Cube time=...> elements; not an ECB rates feed")
    for day_el in days:
        try:
            day = datetime.date.fromisoformat(day_el.attrib["time"])
        except ValueError:
            parsed.problems.append((0, f"not a date: {day_el.attrib['time']!r}"))
            continue
        for el in day_el:
            code, value = el.attrib.get("currency", ""), el.attrib.get("rate", "")
            if not _CODE_RE.match(code):
                parsed.problems.append((0, f"{day}: bad currency code {code!r}"))
                continue
            try:
                rate = _rate(value)
            except InvalidOperation:
                parsed.problems.append((0, f"{day} {code}: not a positive number: {value!r}"))
                continue
            if rate is not None:
                parsed.rates.append((code, day, rate))
    return parsed
