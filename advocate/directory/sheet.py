"""Read a spreadsheet (XLSX or CSV, one row per service) as the tables the shared import writes from.

Small agencies keep their resource list in a spreadsheet whose column names are in English or Spanish
("Organización", "Teléfono", "Idiomas"...). This module guesses which column is which (accents, case and
spacing ignored), lets the caller override the guess with a mapping, streams the rows (openpyxl in
read-only mode, so a 50,000-row sheet never sits in memory) and stages them as HSDS-shaped tables:
the import itself (upsert, inactivation, rejects, summary, one transaction) is the one HSDS files use.

A row's service id is the sheet's own id column when it has one; otherwise a hash of the service's
name and address, so importing the edited sheet again updates the rows in place. The phone joins the
hash only to tell apart two rows with the same name and address (phones change more often than places).
"""

from __future__ import annotations

import csv
import hashlib
import re
import sys
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advocate.directory.hsds_read import MAX_FIELD, TABLE_ALIASES, Staged, _encoding
from advocate.errors import InputError
from advocate.i18n import N_, _
from advocate.textnorm import fold

if TYPE_CHECKING:
    from advocate.store import Store

SHEET_SUFFIXES = (".xlsx", ".xlsm")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
OTHER_SHEETS = (".xls", ".ods", ".numbers")
LAYOUTS = ("auto", "hsds", "sheet")
MAX_COLUMNS = 300
MAX_UNPACKED = 1024**3  # an .xlsx whose parts unpack to more than this is refused (a zip bomb, or not a list)
MAX_SHARED_STRINGS = 64 * 2**20  # a workbook's shared strings, read whole by openpyxl
HEADER_SCAN = 30  # rows looked at to find the header under a title

# field -> what it holds (the words the prompt and the docs use)
FIELDS: dict[str, str] = {
    "name": N_("service name"),
    "organization": N_("organization"),
    "id": N_("the sheet's own id for the row"),
    "description": N_("description"),
    "categories": N_("services or categories"),
    "phone": N_("phone"),
    "email": N_("email"),
    "url": N_("website"),
    "address": N_("street address"),
    "address_2": N_("second address line (suite, colonia)"),
    "city": N_("city"),
    "state": N_("state"),
    "postal_code": N_("ZIP or postal code"),
    "country": N_("country"),
    "latitude": N_("latitude"),
    "longitude": N_("longitude"),
    "coordinates": N_("coordinates (lat, lon in one cell)"),
    "languages": N_("languages spoken"),
    "interpretation": N_("interpretation offered"),
    "hours": N_("hours"),
    "eligibility": N_("who can use it"),
    "fees": N_("fees"),
    "notes": N_("notes"),
    "status": N_("status (active or closed)"),
    "last_verified": N_("date last verified"),
}
# fields several columns may feed (joined): "Teléfono" and "Teléfono 2", "Notas" and "Comentarios"
MULTI = frozenset({"phone", "languages", "categories", "notes"})

# Checked in this order on the folded header ("Código postal" -> "codigo postal"); the first that matches
# wins, so the specific come before the general ("Email address" is an email, "Service hours" are hours,
# "Nombre de la organización" is the organization).
_RULES: list[tuple[str, str]] = [
    ("id", r"^(id|ids|uid|key|record id|service id|id servicio|id del servicio|identificador|clave|folio)$"),
    ("email", r"\b(e ?mail|correo|correo electronico)\b"),
    ("url", r"\b(web ?site|web ?page|url|web|sitio|pagina|pagina web|link|enlace|homepage)\b"),
    ("postal_code", r"\b(zip|zipcode|zip code|postal|postcode|cp|c p)\b"),
    ("coordinates", r"\b(coordinates|coordenadas|lat ?lon|lat ?long|lat ?lng|latlng|gps)\b"),
    ("latitude", r"^(lat|latitude|latitud|y)$"),
    ("longitude", r"^(lon|lng|long|longitude|longitud|x)$"),
    ("phone", r"\b(phones?|telephones?|tel|tels|telefonos?|celular|cell|movil|hotline|linea|numero de contacto"
              r"|contact number|phone number)\b"),
    ("interpretation", r"\b(interpret\w*|interpretacion|translation|traduccion)\b"),
    ("languages", r"\b(languages?|idiomas?|lenguas?|lenguajes?)\b"),
    ("hours", r"\b(hours|schedule|horarios?|horas|dias y horario|opening|open)\b"),
    ("eligibility", r"\b(eligib\w*|elegibilidad|requisitos|requirements|who can|quien puede|poblacion|serves|atiende a)\b"),
    ("fees", r"\b(fees?|cost|costs|costos?|cuotas?|precios?|tarifas?)\b"),
    ("last_verified", r"\b(verified|verificado|verificacion|last updated|updated|actualizado|actualizacion"
                      r"|fecha de revision|revisado)\b"),
    ("notes", r"\b(notes?|notas?|comments?|comentarios?|observaciones|remarks)\b"),
    ("description", r"\b(description|descripcion|about|details|detalles|summary|resumen)\b"),
    ("categories", r"\b(categor\w*|services|servicios|service types?|type of service|types?|tipos?|taxonomy"
                   r"|taxonomia|area|areas)\b"),
    ("organization", r"\b(organi[sz]ations?|organizacion|organizaciones|org|agency|agencia|provider|proveedor"
                     r"|institucion|dependencia|asociacion|company|empresa)\b"),
    ("name", r"\b(names?|nombre|nombres|service|servicio|program|programa|recurso|resource|title|titulo)\b"),
    ("address_2", r"\b(address 2|address line 2|direccion 2|suite|apt|unit|colonia|interior|int)\b"),
    ("address", r"\b(address|address 1|address line 1|addr|direccion|domicilio|calle|street|ubicacion|location)\b"),
    ("city", r"\b(city|town|ciudad|municipio|localidad|poblado|alcaldia)\b"),
    ("state", r"^(state|st|province|region|estado|provincia|entidad|entidad federativa|state province)$"),
    ("country", r"\b(country|pais|nacion)\b"),
    ("status", r"\b(status|estatus|active|activo|situacion)\b"),
]
_COMPILED = [(f, re.compile(p)) for f, p in _RULES]


def header_key(text) -> str:
    """A header as the guesser reads it: accents, case, punctuation and spacing ignored."""
    return re.sub(r"[^0-9a-z]+", " ", fold(str(text or ""))).strip()


def guess_field(header) -> str | None:
    """The field a column name means ("Teléfono principal" -> phone), or None."""
    key = header_key(header)
    if not key:
        return None
    for name, rx in _COMPILED:
        if rx.search(key):
            return name
    return None


# A column no directory has and a list of people does: such a sheet is refused, so a client list imported by
# mistake never puts a person's name into the directory (which is exported and shared with partners).
_PERSON_WORDS = re.compile(
    r"\b(dob|d o b|date of birth|birth ?date|fecha de nacimiento|fecha nacimiento|ssn|social security"
    r"|seguro social|a number|alien number|alien registration|uscis number|numero a|curp|passport number|passport no|numero de pasaporte"
    r"|case number|case no|numero de caso|no de caso|numero de expediente|client name|client id|client code"
    r"|nombre del cliente|codigo del cliente|survivor name|victim name|nombre de la victima|pseudonym)\b")
# (singular only: a directory may head its population served "Clients"; a client list names one per row)
_PERSON_HEADERS = {"client", "cliente", "survivor", "sobreviviente", "victim", "victima", "participant",
                   "participante", "beneficiario", "beneficiaria"}


def person_column(headers: list) -> str | None:
    """The first column that only a list of people would have ("DOB", "A-Number", "Client"), or None."""
    for h in headers[:MAX_COLUMNS]:
        key = header_key(h)
        if key and (key in _PERSON_HEADERS or _PERSON_WORDS.search(key)):
            return str(h)
    return None


def refuse_people(path, headers: list) -> None:
    column = person_column(headers)
    if column is not None:
        raise InputError(_('{path} looks like a list of people, not of services: no directory has a column like '
                           '"{column}". Client data stays in the log under pseudonymous codes; if this really is a '
                           'directory, rename that column and import it again').format(path=path, column=column),
                         field="path")


def guess_mapping(headers: list) -> dict[str, list[int]]:
    """field -> column indexes: each column feeds at most one field; a single-valued field takes the first
    column that means it (the others stay unmapped)."""
    out: dict[str, list[int]] = {}
    for i, h in enumerate(headers[:MAX_COLUMNS]):
        f = guess_field(h)
        if f is None or (f in out and f not in MULTI):
            continue
        out.setdefault(f, []).append(i)
    return out


def parse_map(texts) -> dict[str, str]:
    """``["name=Organización,phone=Teléfono", "city=C"]`` -> {field: column}; a column of "" means the field is
    not read at all. A column is a header (any accents or case) or a spreadsheet letter (A, B, ... AA)."""
    out: dict[str, str] = {}
    for text in texts or ():
        for part in re.split(r",\s*(?=[A-Za-z_]+\s*=)", str(text)):
            if not part.strip():
                continue
            if "=" not in part:
                raise InputError(_('"{part}" is not a field=column pair, e.g. name=Organización').format(part=part),
                                 field="map")
            key, _sep, column = part.partition("=")
            key = key.strip().lower().replace("-", "_")
            if key not in FIELDS:
                import difflib

                raise InputError(_('"{key}" is not a field a sheet can fill; fields are: {fields}').format(
                    key=key, fields=", ".join(FIELDS)), field="map",
                    suggestions=difflib.get_close_matches(key, list(FIELDS), n=2))
            out[key] = column.strip()
    return out


def _letters(text: str) -> int | None:
    """Spreadsheet column letters -> 0-based index ("A" -> 0, "AA" -> 26); None for anything else."""
    if not re.fullmatch(r"[A-Za-z]{1,3}", text):
        return None
    n = 0
    for ch in text.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def apply_map(headers: list, guessed: dict[str, list[int]], given: dict[str, str]) -> dict[str, list[int]]:
    """The guess with the given mapping laid over it: a given column is taken from whatever it was guessed as."""
    mapping = {f: list(cols) for f, cols in guessed.items()}
    keys = [header_key(h) for h in headers]
    for f, column in given.items():
        mapping.pop(f, None)
        if not column:
            continue
        want = header_key(column)
        idx = next((i for i, k in enumerate(keys) if k and k == want), None)
        if idx is None:
            letter = _letters(column)
            idx = letter if letter is not None and letter < len(headers) else None
        if idx is None:
            shown = ", ".join(f'"{h}"' for h in headers if str(h or "").strip())[:300]
            raise InputError(_('the sheet has no column "{column}" for {field}; its columns are: {shown}').format(
                column=column, field=f, shown=shown), field="map")
        for other in list(mapping):
            mapping[other] = [i for i in mapping[other] if i != idx]
            if not mapping[other]:
                del mapping[other]
        mapping[f] = [idx]
    return mapping


# --- reading the cells ------------------------------------------------------------------------------
def _cell(value) -> str:
    """A cell as text: whole numbers without ".0", dates as ISO dates, the rest as written."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") or len(text) == 10 else text
    return str(value)


def _xlsx_check(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as z:
            unpacked = sum(i.file_size for i in z.infolist())
            strings = sum(i.file_size for i in z.infolist() if i.filename.lower().endswith("sharedstrings.xml"))
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(_("{path} is not a readable .xlsx file ({exc})").format(path=path, exc=exc),
                         field="path") from None
    if unpacked > MAX_UNPACKED:
        raise InputError(_("{path} unpacks to more than 1 GB; split the sheet or save it as CSV").format(path=path),
                         field="path")
    if strings > MAX_SHARED_STRINGS:  # read whole into memory by openpyxl: ~7 bytes of memory per byte
        raise InputError(_("{path} holds more than {mb} MB of text cells; save the sheet as CSV and import that")
                         .format(path=path, mb=MAX_SHARED_STRINGS // 2**20), field="path")


@dataclass
class _Book:
    """The rows of one sheet, streamed; ``close()`` lets go of the file."""

    name: str
    rows: Iterator[list[str]]
    names: list[str] = field(default_factory=list)
    closer: Callable[[], None] | None = None

    def close(self):
        if self.closer is not None:
            self.closer()


def _open_xlsx(path: Path, sheet: str | None, given: dict[str, str]) -> _Book:
    import warnings

    _xlsx_check(path)
    try:
        import openpyxl
    except ImportError:  # declared in pyproject.toml; only a broken install lacks it
        raise InputError(_("reading .xlsx needs the openpyxl package; install it or save the sheet as CSV"),
                         field="path") from None
    try:
        with warnings.catch_warnings():  # "data validation extension not supported" and the like
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputError(_("{path} is not a readable .xlsx file ({exc})").format(path=path, exc=exc),
                         field="path") from None
    names = list(wb.sheetnames)
    try:
        if sheet is not None:
            wanted = header_key(sheet)
            chosen = next((n for n in names if n == sheet), None) or next(
                (n for n in names if header_key(n) == wanted), None)
            if chosen is None:
                raise InputError(_('{path} has no sheet called "{sheet}"; its sheets are: {names}').format(
                    path=path, sheet=sheet, names=", ".join(f'"{n}"' for n in names)), field="sheet")
        else:  # the first sheet whose top rows look like a list of services
            chosen = None
            for n in names:
                ws = wb[n]
                if getattr(ws, "sheet_state", "visible") != "visible":
                    continue
                top = [[_cell(v) for v in r] for r in islice(ws.iter_rows(values_only=True), HEADER_SCAN)]
                if _find_header(top, given) is not None:
                    chosen = n
                    break
            if chosen is None:
                chosen = names[0] if names else None
            if chosen is None:
                raise InputError(_("{path} has no sheets").format(path=path), field="path")
        ws = wb[chosen]
        if not hasattr(ws, "iter_rows"):  # a chart sheet
            raise InputError(_('"{sheet}" in {path} is a chart, not a sheet of rows').format(sheet=chosen, path=path),
                             field="sheet")
        rows = ([_cell(v) for v in r[:MAX_COLUMNS]] for r in ws.iter_rows(values_only=True))
        return _Book(chosen, rows, names, wb.close)
    except BaseException:
        wb.close()
        raise


def _open_text(path: Path) -> _Book:
    csv.field_size_limit(min(sys.maxsize, MAX_FIELD))
    encoding = "utf-8-sig" if _encoding(lambda: open(path, "rb")) == "utf-8" else "cp1252"
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        first = fh.readline()
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    delimiter = "\t" if path.suffix.lower() == ".tsv" else max(counts, key=lambda d: (counts[d], d == ","))
    text = open(path, encoding=encoding, errors="replace", newline="")
    reader = csv.reader((line.replace("\x00", "") if "\x00" in line else line for line in text), delimiter=delimiter)

    def rows():
        try:
            for rec in reader:
                yield rec[:MAX_COLUMNS]
        except csv.Error as exc:
            raise InputError(_("{path} is malformed near line {line_num} ({exc})").format(
                path=path, line_num=reader.line_num, exc=exc), field="path") from None

    return _Book(path.stem, rows(), [path.stem], text.close)


def _find_header(top: list[list[str]], given: dict[str, str]) -> int | None:
    """The index of the header row among the first rows: the first naming two fields we know (or every column
    the mapping names), so a title or a blank line above the header is passed over."""
    wanted = {header_key(c) for c in given.values() if c and _letters(c) is None}
    for i, row in enumerate(top):
        keys = {header_key(c) for c in row if str(c).strip()}
        if wanted and wanted <= keys:
            return i
        fields = guess_mapping(row)
        if len(fields) >= 2 and ("name" in fields or "organization" in fields):
            return i
    return None


def open_sheet(path, *, sheet: str | None = None, given: dict[str, str] | None = None):
    """(book, header row number (1-based), headers, mapping, rows iterator after the header)."""
    path = Path(path).expanduser()
    given = given or {}
    if not path.is_file():
        raise InputError(_("there is no file at {path}").format(path=path), field="path")
    suffix = path.suffix.lower()
    if suffix in OTHER_SHEETS:
        raise InputError(_("{path} is an old .xls or another spreadsheet format; save it as .xlsx or CSV first")
                         .format(path=path), field="path")
    if suffix in SHEET_SUFFIXES or zipfile.is_zipfile(path):
        book = _open_xlsx(path, sheet, given)
    else:
        if sheet is not None and header_key(sheet) != header_key(path.stem):
            raise InputError(_("a CSV file has one sheet; leave out the sheet name"), field="sheet")
        book = _open_text(path)
    try:
        top = []
        for row in book.rows:
            top.append(row)
            if len(top) >= HEADER_SCAN:
                break
        at = _find_header(top, given)
        if at is None:  # no header we recognise: the first row with two filled cells, and the mapping decides
            at = next((i for i, r in enumerate(top) if sum(1 for c in r if str(c).strip()) >= 2), None)
        if at is None:
            raise InputError(_("{path} has no header row (column names) in its first {n} rows").format(
                path=path, n=HEADER_SCAN), field="path")
        headers = [str(h or "").strip() for h in top[at]]
        mapping = apply_map(headers, guess_mapping(headers), given)
        rest = top[at + 1:]

        def rows():
            yield from rest
            yield from book.rows

        return book, at + 1, headers, mapping, rows()
    except BaseException:
        book.close()
        raise


@dataclass
class SheetPlan:
    """What the reader makes of a sheet before importing it: for a prompt, a preview or ``--dry-run``."""

    sheet: str
    sheets: list[str]
    header_row: int
    headers: list[str]
    mapping: dict[str, list[int]]

    @property
    def unmapped_columns(self) -> list[str]:
        used = {i for cols in self.mapping.values() for i in cols}
        return [h for i, h in enumerate(self.headers) if h and i not in used]

    def columns_of(self, f: str) -> list[str]:
        return [self.headers[i] for i in self.mapping.get(f, [])]

    def named(self) -> dict[str, str]:
        """field -> column name(s), as the summary and a saved mapping show them."""
        return {f: ", ".join(self.columns_of(f)) for f in FIELDS if f in self.mapping}


def inspect_sheet(path, *, sheet: str | None = None, mapping: dict[str, str] | None = None) -> SheetPlan:
    """Read only the top of a sheet: which sheet, which header row, which column is which."""
    book, at, headers, cols, _rows = open_sheet(path, sheet=sheet, given=mapping)
    book.close()
    refuse_people(path, headers)
    return SheetPlan(book.name, book.names, at, headers, cols)


# --- staging ----------------------------------------------------------------------------------------
_SERVICE_COLUMNS = ["id", "name", "organization_id", "description", "url", "email", "status", "languages",
                    "interpretation_services", "eligibility_description", "fees_description", "assured_date",
                    "notes", "_reject"]
_TABLES = {
    "services": _SERVICE_COLUMNS,
    "organizations": ["id", "name"],
    "locations": ["id", "name", "latitude", "longitude"],
    "addresses": ["location_id", "address_1", "address_2", "city", "state_province", "postal_code", "country"],
    "service_at_location": ["service_id", "location_id"],
    "phones": ["service_id", "number"],
    "schedules": ["service_id", "description"],
    "attributes": ["link_id", "taxonomy_term_id", "value"],
    "taxonomy_terms": ["id", "code", "name"],
    "service_taxonomy": ["service_id", "taxonomy_id"],
    "taxonomy": ["id", "name"],
}
_INACTIVE = {"inactive", "inactivo", "inactiva", "closed", "cerrado", "cerrada", "defunct", "no", "baja", "false",
             "suspended", "suspendido", "suspendida"}
_PHONE_SPLIT = re.compile(r"[;\n|]+|\s+/\s+|\s+(?:or|o|and|y)\s+(?=[(+\d])", re.I)


class SheetTables(Staged):
    """The staged tables of one sheet, with what the reader decided (for the import summary)."""

    summary: dict


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _country(text: str, state: str) -> str:
    from advocate.geo.regions import lookup_region

    key = header_key(text)
    if key in ("mexico", "mex", "mx", "mexique", "estados unidos mexicanos"):
        return "MX"
    if key in ("us", "usa", "u s", "u s a", "united states", "united states of america", "eeuu", "ee uu",
               "estados unidos", "eua"):
        return "US"
    if text:
        return text
    countries = {c for c, _code in lookup_region(state)} if state else set()
    return countries.pop() if len(countries) == 1 else ""


_CATEGORY_CELLS: dict[str, tuple[tuple[tuple[str, str], ...], tuple[str, ...]]] = {}  # text -> _categories(text)
_CATEGORY_CELLS_MAX = 4096  # a sheet's category column repeats a few dozen texts


def _categories(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """([(category, the words that gave it)], words that name no category) for a free-text cell, read once per
    distinct text."""
    hit = _CATEGORY_CELLS.get(text)
    if hit is None:
        if len(_CATEGORY_CELLS) >= _CATEGORY_CELLS_MAX:
            _CATEGORY_CELLS.clear()
        cats, leftover = _read_categories(text)
        hit = _CATEGORY_CELLS[text] = (tuple(cats), tuple(leftover))
    return list(hit[0]), list(hit[1])


def _read_categories(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    from advocate.directory.taxonomy import evidence_from_text
    from advocate.directory.vocab import categories as known
    from advocate.directory.vocab import category_id

    found: dict[str, str] = {}
    leftover: list[str] = []
    for part in re.split(r"[,;\n|/]+", text):
        part = part.strip(" .-•*")
        if not part:
            continue
        cat = category_id(part)  # (not normalize_category: its suggestions for a word that names none go unread)
        if cat in known():
            found.setdefault(cat, part)
            continue
        evs = [e for e in evidence_from_text(part) if e.category in known()]
        for e in evs:
            found.setdefault(e.category, part)
        if not evs:
            leftover.append(part)
    return list(found.items()), leftover


def _header_again(cells: list[str], header_keys: list[str]) -> bool:
    """Whether a row is the header given again: each of its first cells reads as its header does (told apart, most
    often, by the first cell alone)."""
    return len(cells) >= len(header_keys) and all(header_key(c) == k for c, k in zip(cells, header_keys, strict=False))


def read_sheet(path, *, sheet: str | None = None, mapping: dict[str, str] | None = None):
    """(staged tables, "sheet", default source name) for an .xlsx or CSV list of services, one row each."""
    from advocate.directory.hsds import clean

    path = Path(path).expanduser()
    given = mapping or {}
    book, header_row, headers, cols, rows = open_sheet(path, sheet=sheet, given=given)
    plan = SheetPlan(book.name, book.names, header_row, headers, cols)
    try:
        refuse_people(path, headers)
    except InputError:
        book.close()
        raise
    if "name" not in cols and "organization" not in cols:
        book.close()
        raise InputError(_("no column of {path} looks like a service or organization name (its columns: {shown}); "
                           "name it with a mapping such as name=Organización").format(
            path=path, shown=", ".join(h for h in headers if h)[:300]), field="map")
    staged = SheetTables()
    try:
        for table, columns in _TABLES.items():
            staged.load(table, columns, iter(()))
        batches: dict[str, list] = {t: [] for t in _TABLES}

        def add(table: str, **values):
            batches[table].append([values.get(c, "") for c in _TABLES[table]])
            if len(batches[table]) >= 5000:
                staged.append(table, batches[table])
                batches[table].clear()

        header_keys = [header_key(h) for h in headers]
        # the row each id was first given in, and the organizations and terms staged so far, are kept in the
        # staging database (memory does not grow with the rows): "first" id -> row, "sheet_orgs", "sheet_terms"
        recent: set[tuple[str, str]] = set()  # organizations and terms met lately: most rows repeat them

        def new(memo: str, key: str) -> bool:
            if (memo, key) in recent:
                return False
            if len(recent) >= 4096:
                recent.clear()
            recent.add((memo, key))
            return staged.remember_once(memo, key) is None

        skipped = 0
        for n, raw in enumerate(rows, start=header_row + 1):
            cells = [str(c) if c is not None else "" for c in raw]
            filled = [c for c in cells if c.strip()]
            if len(filled) < 2 or _header_again(cells, header_keys):
                skipped += 1  # blank, a heading across merged cells, or the header again
                continue

            def get(f: str, limit: int = 20000, cells: list[str] = cells) -> str:
                parts = [cells[i] for i in cols.get(f, []) if i < len(cells) and cells[i].strip()]
                return clean("\n".join(parts), multiline=True, limit=limit) or ""

            name, org = get("name", 500), get("organization", 500)
            name = name or org
            address, city, state = get("address", 500), get("city", 200), get("state", 100)
            postal = get("postal_code", 20)
            if city and not state and "," in city:  # "Miami, FL" in one cell
                city, _c, state = (p.strip() for p in city.rpartition(","))
            country = _country(get("country", 60), state)
            if postal.isdigit() and len(postal) < 5 and country in ("", "US"):
                postal = postal.zfill(5)  # a ZIP the spreadsheet stored as a number lost its zero
            phone_text = get("phone", 1000)
            own_id = get("id", 1000)
            place_key = "|".join(header_key(x) for x in (address, city, state, postal))
            taken = False  # the id is new, and now this row's
            if own_id:
                sid = own_id
            elif name:
                sid = "r" + hashlib.sha1(f"{header_key(name)}|{place_key}".encode()).hexdigest()[:16]
                taken = staged.remember_once("first", sid, n) is None
                if not taken:  # the same name and place: the phone tells them apart
                    sid = "r" + hashlib.sha1(f"{header_key(name)}|{place_key}|{_digits(phone_text)}".encode()).hexdigest()[:16]
            else:
                sid = f"row-{n}"
            reject = ""
            if not name:
                reject = f"no name (row {n})"
            elif not taken and (first := staged.remember_once("first", sid, n)) is not None:
                reject = (f"the same id as row {first[0]} (row {n})" if own_id else
                          f"the same name, address and phone as row {first[0]} (row {n})")
                sid = f"row-{n}"
            org_id = ""
            if org and org != name or (org and "name" not in cols):
                org_id = "o" + hashlib.sha1(header_key(org).encode()).hexdigest()[:16]
                if new("sheet_orgs", org_id):
                    add("organizations", id=org_id, name=org)
            status = "inactive" if header_key(get("status")) in _INACTIVE else "active"
            add("services", id=sid, name=name, organization_id=org_id, description=get("description"),
                url=get("url", 500), email=get("email", 300), status=status, languages=get("languages", 1000),
                interpretation_services=get("interpretation", 1000), eligibility_description=get("eligibility"),
                fees_description=get("fees", 2000), assured_date=get("last_verified", 40), notes=get("notes", 2000),
                _reject=reject)
            if reject:
                continue
            lat, lon = get("latitude", 40), get("longitude", 40)
            if not (lat and lon) and get("coordinates"):
                m = re.match(r"^\s*(-?\d+(?:\.\d+)?)\s*[,; ]\s*(-?\d+(?:\.\d+)?)\s*$", get("coordinates"))
                if m:
                    lat, lon = m.group(1), m.group(2)
            if address or city or postal or (lat and lon):
                add("locations", id=sid, name=org if org and org != name else "", latitude=lat, longitude=lon)
                add("addresses", location_id=sid, address_1=address, address_2=get("address_2", 300), city=city,
                    state_province=state, postal_code=postal, country=country)
                add("service_at_location", service_id=sid, location_id=sid)
            for number in _PHONE_SPLIT.split(phone_text):
                if number.strip():
                    add("phones", service_id=sid, number=number.strip())
            hours = get("hours", 500)
            if hours:
                add("schedules", service_id=sid, description=hours)
            cats, leftover = _categories(get("categories", 2000))
            for cat, words in cats:
                add("attributes", link_id=sid, taxonomy_term_id=f"advocate:{cat}", value=f'taxonomy: sheet "{words}"')
                if new("sheet_terms", cat):
                    add("taxonomy_terms", id=f"advocate:{cat}", code=cat, name=cat)
            for words in leftover:
                tid = "sheet:" + header_key(words)[:80]
                add("service_taxonomy", service_id=sid, taxonomy_id=tid)
                if new("sheet_terms", tid):
                    add("taxonomy", id=tid, name=words[:200])
        for table, batch in batches.items():
            staged.append(table, batch)
        staged.summary = {"sheet": plan.sheet, "header_row": header_row, "mapping": plan.named(),
                          "unmapped_columns": plan.unmapped_columns, "skipped_rows": skipped}
        return staged, "sheet", path.stem
    except BaseException:
        staged.close()
        raise
    finally:
        book.close()


# --- which reader ------------------------------------------------------------------------------------
def looks_like_sheet(path) -> bool:
    """True for an .xlsx, and for a CSV that is not part of an HSDS export (its name is not an HSDS table's,
    no services.csv sits beside it, and its header is not HSDS's)."""
    path = Path(path).expanduser()
    suffix = path.suffix.lower()
    if suffix in SHEET_SUFFIXES or suffix in OTHER_SHEETS:
        return path.is_file()  # (the reader says to save an .xls as .xlsx)
    if suffix not in TEXT_SUFFIXES or not path.is_file():
        return False
    if path.stem.lower() in TABLE_ALIASES or (path.parent / "services.csv").is_file():
        return False
    try:
        book = _open_text(path)
        try:
            header = {header_key(h) for h in next(iter(book.rows), [])}
        finally:
            book.close()
    except (InputError, OSError):
        return True
    return not ({"id", "name"} <= header and header & {"organization id", "service id", "location id", "program id"})


@dataclass
class ImportPlan:
    """How one import reads its input, and what a sheet's source remembers for the next import and ``sync``."""

    is_sheet: bool
    mapping: dict[str, str] | None = None
    sheet: str | None = None
    stored: dict = field(default_factory=dict)
    remember: bool = True
    given_mapping: bool = False
    workbook: bool = False

    def read(self, path):
        from advocate.directory.hsds_read import read_tables

        if not self.is_sheet:
            return read_tables(path)
        return read_sheet(path, sheet=self.sheet, mapping=self.mapping)

    def options(self, stats: Mapping[str, Any]) -> dict | None:
        """The options the source keeps (None: leave them as they are)."""
        if not self.is_sheet:
            return None
        out = dict(self.stored)
        if self.given_mapping and self.remember:
            out["map"] = self.mapping
        if self.workbook and stats.get("sheet"):
            out["sheet"] = stats["sheet"]
        return out


def remembered(store: Store, name: str) -> tuple[str | None, dict]:
    """(layout, options) a source was last imported with; (None, {}) for a source never imported."""
    from advocate.directory.sources import list_sources

    found = [r for r in list_sources(store) if r["name"] == name]
    return (found[0]["layout"], found[0]["options"] or {}) if found else (None, {})


def sheet_plan(store: Store, path, *, source: str | None = None, layout: str = "auto", mapping: dict[str, str] | None = None,
               sheet: str | None = None, remember: bool = True) -> ImportPlan:
    """Decide how to read ``path``: an HSDS export, or a sheet (with the mapping and sheet name given, else
    the ones its source remembers)."""
    from advocate.directory.hsds import _slug

    if layout not in LAYOUTS:
        raise InputError(_('"{layout}" is not a layout; use auto, hsds or sheet').format(layout=layout), field="layout")
    p = Path(path).expanduser()
    stored_layout: str | None = None
    stored: dict = {}
    if layout != "hsds" and p.is_file():
        stored_layout, stored = remembered(store, _slug(source or p.stem))
    is_sheet = layout == "sheet" or (layout == "auto" and (
        looks_like_sheet(p) or bool(mapping) or sheet is not None or stored_layout == "sheet"))
    if not is_sheet:
        return ImportPlan(False)
    return ImportPlan(True, mapping=mapping if mapping is not None else (stored.get("map") or None),
                      sheet=sheet if sheet is not None else (stored.get("sheet") if p.suffix.lower() in SHEET_SUFFIXES
                                                             else None),
                      stored=stored, remember=remember, given_mapping=mapping is not None,
                      workbook=p.suffix.lower() in SHEET_SUFFIXES)
