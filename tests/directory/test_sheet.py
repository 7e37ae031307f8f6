"""Spreadsheets as directories (issue 13, item 3): header guessing, the reader, stable ids, the shared import."""

from __future__ import annotations

import csv

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advocate.directory.hsds import import_directory
from advocate.directory.search import get_service
from advocate.directory.sheet import (
    _RULES,
    FIELDS,
    MULTI,
    apply_map,
    guess_field,
    guess_mapping,
    header_key,
    inspect_sheet,
    looks_like_sheet,
    parse_map,
)
from advocate.errors import InputError
from tests.helpers import ROWS, workbook

openpyxl = pytest.importorskip("openpyxl")

def services(store, source):
    return {r[1]: r[0] for r in store.conn.execute("SELECT id, name FROM services WHERE source = ?", (source,))}


def test_spanish_sheet_imports_with_the_mapping_guessed(store, tmp_path):
    book = workbook(tmp_path / "recursos.xlsx", rows=[*ROWS, [None, "Salud", "305 555 0399", "", "Miami", "FL"]])
    rejects = tmp_path / "rejects.csv"
    s = import_directory(store, book, source="red-miami", rejects_path=rejects)
    assert s["layout"] == "sheet" and s["sheet"] == "Recursos" and s["header_row"] == 3
    assert s["services_read"] == s["imported"] + s["updated"] + s["rejected"] == 5
    assert s["imported"] == 4 and s["rejected"] == 1 and s["skipped_rows"] == 2
    assert s["mapping"]["organization"] == "Organización" and s["mapping"]["phone"] == "Teléfono"
    assert s["mapping"]["postal_code"] == "Código postal" and s["mapping"]["languages"] == "Idiomas"
    assert s["unmapped_columns"] == ["Contacto"]
    assert [r["reason"] for r in csv.DictReader(rejects.open())] == ["no name (row 10)"]
    ids = services(store, "red-miami")
    shelter = get_service(store, ids["Refugio La Esperanza"])
    assert shelter["phone"] == "(305) 555-0100 x2"
    assert set(shelter["languages"]) == {"spa", "mixtec"}
    assert set(shelter["categories"]) == {"shelter", "domestic-violence"}
    assert shelter["city"] == "Miami" and shelter["region"] == "FL" and shelter["country"] == "US"
    assert shelter["approximate"] is True and shelter["latitude"] is not None  # placed from its ZIP, offline
    notes = store.conn.execute("SELECT notes, hours, url FROM services WHERE id = ?", (shelter["id"],)).fetchone()
    assert notes == ("Llamar antes de llegar", "24 horas", "https://esperanza.example.org")
    legal = get_service(store, ids["Centro Legal Inmigrante"])
    assert legal["categories"] == ["legal-immigration"]
    assert set(legal["languages"]) == {"spa", "eng", "kjb"}
    assert legal["approximate"] is True and abs(legal["latitude"] - 25.47) < 0.2  # "Homestead, Florida"
    clinic = get_service(store, ids["Clínica del Pueblo"])
    assert clinic["phone"] == "305 555 0300; 305 555 0301"
    assert clinic["postal_code"] == "02134"  # the number the spreadsheet kept, zero put back
    tijuana = get_service(store, ids["Casa del Migrante Tijuana"])
    assert tijuana["country"] == "MX" and 32 < tijuana["latitude"] < 33  # Tijuana, not a US ZIP 22000
    evidence = store.conn.execute("SELECT basis, reason FROM category_evidence WHERE service_id = ? AND category = 'shelter'",
                                  (shelter["id"],)).fetchone()
    assert evidence == ("taxonomy", 'sheet "Albergue"')


def test_reimporting_the_edited_sheet_updates_in_place(store, tmp_path):
    import_directory(store, workbook(tmp_path / "a.xlsx"), source="red")
    before = services(store, "red")
    edited = [list(r) for r in ROWS]
    edited[0][2] = "(305) 555-0111"  # a new phone: same service (the phone is not part of its id)
    edited[1][7] = "Español, Mam"
    edited[2], edited[3] = edited[3], edited[2]  # rows moved
    s = import_directory(store, workbook(tmp_path / "b.xlsx", rows=edited[:3]), source="red")
    assert (s["imported"], s["updated"], s["inactivated"]) == (0, 3, 1)
    assert services(store, "red") == before
    assert get_service(store, before["Refugio La Esperanza"])["phone"] == "(305) 555-0111"
    assert set(get_service(store, before["Centro Legal Inmigrante"])["languages"]) == {"spa", "mam"}
    status = store.conn.execute("SELECT status FROM services WHERE id = ?", (before["Clínica del Pueblo"],)).fetchone()
    assert status == ("inactive",)


def test_an_id_column_is_the_key_and_duplicates_are_rejected(store, tmp_path):
    path = tmp_path / "ids.csv"
    path.write_text("ID,Name,Phone,City,State\nA1,Shelter One,305-555-0100,Miami,FL\n"
                    "A1,Shelter Again,305-555-0101,Miami,FL\nA2,Clinic,305-555-0102,Miami,FL\n"
                    "A3,Clinic,305-555-0103,Miami,FL\n,Clinic,305-555-0103,Miami,FL\n"
                    ",Food Bank,305-555-0104,Miami,FL\n,Food Bank,305-555-0105,Miami,FL\n"
                    ",Food Bank,305-555-0105,Miami,FL\n")
    s = import_directory(store, path, source="ids")
    assert s["layout"] == "sheet" and s["services_read"] == 8
    assert s["imported"] == 6 and s["rejected"] == 2, s["rejects"]
    reasons = sorted(r["reason"] for r in s["rejects"])
    assert reasons == ["the same id as row 2 (row 3)", "the same name, address and phone as row 8 (row 9)"]
    assert get_service(store, "ids:A1")["name"] == "Shelter One"
    assert get_service(store, "ids:A3")["name"] == "Clinic"


def test_map_overrides_the_guess_by_name_or_letter(store, tmp_path):
    book = workbook(tmp_path / "r.xlsx")
    s = import_directory(store, book, source="m", mapping=parse_map(["name=servicios, phone=M", "notes="]))
    assert s["mapping"]["name"] == "Servicios" and s["mapping"]["phone"] == "Contacto"
    assert "notes" not in s["mapping"] and "Teléfono" in s["unmapped_columns"] and "Notas" in s["unmapped_columns"]
    names = set(services(store, "m"))
    assert "Albergue; violencia doméstica" in names
    orgs = {r[0] for r in store.conn.execute("SELECT name FROM organizations WHERE source = 'm'")}
    assert "Refugio La Esperanza" in orgs  # Organización still feeds the organization


def test_map_errors_name_the_field():
    with pytest.raises(InputError) as e:
        parse_map(["nmae=Nombre"])
    assert e.value.field == "map" and "name" in e.value.suggestions
    with pytest.raises(InputError) as e:
        parse_map(["Nombre"])
    assert e.value.field == "map"
    with pytest.raises(InputError) as e:
        apply_map(["Nombre", "Tel"], {}, {"phone": "Teléfono"})
    assert e.value.field == "map" and '"Nombre"' in e.value.message


def test_sheet_choice(store, tmp_path):
    book = workbook(tmp_path / "r.xlsx")
    assert inspect_sheet(book).sheet == "Recursos"  # the readme sheet before it has no header
    assert inspect_sheet(book, sheet="recursos").sheet == "Recursos"
    with pytest.raises(InputError) as e:
        inspect_sheet(book, sheet="Otra")
    assert e.value.field == "sheet" and '"Léame"' in e.value.message


def test_csv_sheet_semicolons_and_windows_encoding(store, tmp_path):
    path = tmp_path / "lista.csv"
    path.write_bytes("Nombre;Teléfono;Ciudad;Estado;Idiomas;Categorías\n"
                     "Albergue San José;(619) 555-0100 ext. 4;San Diego;CA;Español, Mixteco;Albergue\n"
                     ";;;;;\n".encode("cp1252"))
    assert looks_like_sheet(path)
    s = import_directory(store, path, source="sd")
    assert s["layout"] == "sheet" and s["imported"] == 1 and s["skipped_rows"] == 1
    svc = get_service(store, next(iter(services(store, "sd").values())))
    assert svc["name"] == "Albergue San José" and svc["phone"] == "(619) 555-0100 x4"
    assert svc["categories"] == ["shelter"] and set(svc["languages"]) == {"spa", "mixtec"}


def test_hsds_csv_is_not_taken_for_a_sheet(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "services.csv").write_text("id,name,organization_id\n1,A,o\n")
    (folder / "phones.csv").write_text("id,service_id,number\n1,1,305\n")
    other = tmp_path / "plain.csv"
    other.write_text("id,name,organization_id,status\n1,A,o,active\n")
    assert not looks_like_sheet(folder / "services.csv") and not looks_like_sheet(folder / "phones.csv")
    assert not looks_like_sheet(other) and not looks_like_sheet(folder)


def test_hostile_cells_are_cleaned_and_bounded(store, tmp_path):
    path = tmp_path / "evil.csv"
    path.write_text('Name,Description,Phone,City,State\n"=HYPERLINK(""http://x"",""Shelter"")\x1b[31m",'
                    + "x" * 50_000 + ",305-555-0100,Miami,FL\n")
    import_directory(store, path, source="evil")
    name, desc = store.conn.execute("SELECT name, description FROM services WHERE source = 'evil'").fetchone()
    assert "\x1b" not in name and name.startswith("=HYPERLINK")  # kept as text; outputs neutralize it
    assert len(desc) == 20000
    from advocate.formats import neutralize

    assert neutralize(name).startswith("'=")


def test_enforcement_overrides_the_sheets_own_category(store, tmp_path):
    path = tmp_path / "pd.csv"
    path.write_text("Name,Services,City,State\nMiami Police Department Victim Unit,Victim services,Miami,FL\n")
    import_directory(store, path, source="pd")
    cats = [r[0] for r in store.conn.execute("SELECT category FROM service_categories WHERE service_id LIKE 'pd:%'")]
    assert cats == ["law-enforcement"]


def test_damaged_workbook_changes_nothing(store, tmp_path):
    bad = tmp_path / "roto.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    before = store.conn.execute("SELECT count(*) FROM services").fetchone()
    with pytest.raises(InputError) as e:
        import_directory(store, bad, source="roto")
    assert "not a readable .xlsx" in e.value.message
    assert store.conn.execute("SELECT count(*) FROM services").fetchone() == before
    old = tmp_path / "viejo.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputError, match="save it as .xlsx or CSV"):
        import_directory(store, old, source="viejo")


# --- the header guesser ------------------------------------------------------------------------------
KNOWN = {
    "Nombre": "name", "Nombre del servicio": "name", "Organización": "organization",
    "Nombre de la organización": "organization", "Organization name": "organization", "Agency": "organization",
    "Teléfono": "phone", "Phone number": "phone", "Tel.": "phone", "Dirección": "address", "Street address": "address",
    "Ciudad": "city", "City": "city", "Estado": "state", "State": "state", "Código postal": "postal_code",
    "ZIP code": "postal_code", "C.P.": "postal_code", "Idiomas": "languages", "Languages spoken": "languages",
    "Servicios": "categories", "Categorías": "categories", "Tipo de servicio": "categories",
    "Horario": "hours", "Service hours": "hours", "Sitio web": "url", "Website": "url", "Correo": "email",
    "Email address": "email", "Correo electrónico": "email", "Descripción": "description", "Notas": "notes",
    "Comentarios": "notes", "País": "country", "Latitud": "latitude", "Longitude": "longitude", "ID": "id",
    "Colonia": "address_2", "Intérprete": "interpretation", "Requisitos": "eligibility", "Costo": "fees",
    "Última verificación": "last_verified", "Estatus": "status",
}


def test_known_headers():
    wrong = {h: guess_field(h) for h, f in KNOWN.items() if guess_field(h) != f}
    assert not wrong


def _vary(draw, text):
    """The same header as people type it: any case, accents dropped, spaces and punctuation around."""
    import unicodedata

    out = []
    for ch in text:
        if draw(st.booleans()):
            ch = ch.upper() if draw(st.booleans()) else ch.lower()
        if draw(st.booleans()):
            ch = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        out.append(ch)
    pad = st.sampled_from(["", " ", "  ", "\t", ":", " *", "_"])
    return draw(pad) + "".join(out).replace(" ", draw(st.sampled_from([" ", "  ", "_", " - "]))) + draw(pad)


@st.composite
def varied_header(draw):
    header, f = draw(st.sampled_from(sorted(KNOWN.items())))
    return _vary(draw, header), f


@settings(max_examples=300, deadline=None)
@given(varied_header())
def test_guess_ignores_accents_case_and_spacing(pair):
    header, f = pair
    assert guess_field(header) == f, header


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=30), st.sampled_from(sorted(KNOWN)), st.none(), st.integers()), max_size=40))
def test_every_column_feeds_one_field_at_most(headers):
    mapping = guess_mapping(headers)
    used = [i for cols in mapping.values() for i in cols]
    assert len(used) == len(set(used))
    assert all(f in FIELDS for f in mapping)
    assert all(len(cols) == 1 for f, cols in mapping.items() if f not in MULTI)
    for f, cols in mapping.items():
        assert all(guess_field(headers[i]) == f for i in cols)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(sorted(KNOWN)), min_size=1, max_size=12, unique=True), st.data())
def test_a_given_column_wins_over_the_guess(headers, data):
    f = data.draw(st.sampled_from(sorted(FIELDS)))
    column = data.draw(st.sampled_from(headers))
    mapping = apply_map(headers, guess_mapping(headers), {f: _vary(data.draw, column).strip(" *:_\t")})
    idx = headers.index(column)
    assert mapping[f] == [idx]
    assert all(idx not in cols for g, cols in mapping.items() if g != f)


def test_every_rule_names_a_field():
    assert {f for f, _p in _RULES} <= set(FIELDS)
    assert header_key("  Código   Postal: ") == "codigo postal"


def test_the_source_remembers_the_mapping_and_the_sheet(store, tmp_path):
    from advocate.directory.sources import get_source

    book = workbook(tmp_path / "r.xlsx")
    import_directory(store, book, source="m", mapping=parse_map(["phone=Contacto"]))
    src = get_source(store, "m")
    assert src["kind"] == "sheet" and src["layout"] == "sheet"
    assert src["options"] == {"map": {"phone": "Contacto"}, "sheet": "Recursos"}
    s = import_directory(store, book, source="m")  # no mapping: the remembered one
    assert s["mapping"]["phone"] == "Contacto" and s["updated"] == 4
    s = import_directory(store, book, source="m", mapping={"notes": ""}, remember_mapping=False)
    assert "phone" in s["mapping"] and s["mapping"]["phone"] == "Teléfono" and "notes" not in s["mapping"]
    assert get_source(store, "m")["options"]["map"] == {"phone": "Contacto"}  # not remembered
    s = import_directory(store, book, source="m", dry_run=True)
    assert s["mapping"]["phone"] == "Contacto"


@pytest.mark.parametrize("headers", [
    ["Client", "Phone", "Address"], ["Nombre", "Teléfono", "Fecha de nacimiento"], ["Name", "A-Number", "City"],
    ["Name", "DOB"], ["Nombre del cliente", "Ciudad"], ["Name", "Case number", "Phone"], ["Name", "CURP"],
    ["Sobreviviente", "Teléfono"], ["Name", "Passport number"], ["Name", "SSN"],
])
def test_a_list_of_people_is_refused_and_nothing_is_written(store, tmp_path, cli, headers):
    """A client list imported by mistake would put a person's name into the directory, which is exported and
    shared with partners: a sheet with a column only a list of people has is refused, the store untouched."""
    path = tmp_path / "people.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([headers, ["Maria Lopez", "305 555 0100", "1990-01-01"][:len(headers)]])
    before = store.conn.execute("SELECT count(*) FROM services").fetchone()[0]
    with pytest.raises(InputError, match="list of people") as err:
        import_directory(store, path, source="people")
    assert err.value.field == "path" and headers[0] not in ("Maria Lopez",)
    with pytest.raises(InputError, match="list of people"):
        inspect_sheet(path)
    assert store.conn.execute("SELECT count(*) FROM services").fetchone()[0] == before
    assert not store.conn.execute("SELECT 1 FROM services WHERE name LIKE '%Maria%'").fetchone()
    r = cli("--lang", "es", "services", "import", path)
    assert r.exit_code == 2 and "lista de personas" in r.stderr and "Traceback" not in r.stderr
    assert "Maria" not in r.stderr  # a cell of the sheet is never echoed


@pytest.mark.parametrize("header", ["Client eligibility", "Clients served", "Clients", "Clientes", "Population served",
                                    "Passport services",
                                    "Atención a víctimas de delitos", "Case management"])
def test_directory_columns_that_mention_people_are_not_taken_for_a_list_of_people(store, tmp_path, header):
    path = tmp_path / "dir.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["Name", "Phone", header], ["Legal Aid", "305 555 0100", "yes"]])
    assert import_directory(store, path, source="dir")["imported"] == 1


def test_a_category_cell_is_read_once_per_text_and_a_word_naming_none_costs_no_suggestions(store, tmp_path, monkeypatch):
    """A sheet's category column repeats a few texts: each is read once. A word that names no category is kept
    as the sheet's own term, without looking for the closest category names (suggestions nobody reads: they
    made a spreadsheet's import five times slower)."""
    from advocate import textnorm
    from advocate.directory import sheet

    def no_suggestions(*a, **k):
        raise AssertionError("suggestions looked for")

    monkeypatch.setattr(textnorm, "close_words", no_suggestions)
    path = tmp_path / "lista.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Nombre", "Servicios", "Ciudad", "Estado"])
        for i in range(30):
            w.writerow([f"Servicio {i}", "Albergue; cosas varias" if i % 2 else "Salud mental / Albergu", "Miami", "FL"])
    s = import_directory(store, path, source="lista")
    assert s["imported"] == 30 and s["rejected"] == 0
    cats = {name: get_service(store, sid)["categories"] for name, sid in services(store, "lista").items()}
    assert all(cats[f"Servicio {i}"] == (["shelter"] if i % 2 else ["mental-health"]) for i in range(30)), cats
    first = sheet._categories("Albergue; cosas varias")
    again = sheet._categories("Albergue; cosas varias")
    assert first == again == ([("shelter", "Albergue")], ["cosas varias"])
    first[0].append(("x", "y"))  # a caller's lists are its own
    assert sheet._categories("Albergue; cosas varias") == again


def test_the_header_given_again_is_skipped_whatever_its_case_and_accents(store, tmp_path):
    """A list that repeats its header (a printout pasted twice, ALL CAPS, accents dropped) skips those rows; a
    service whose first cell happens to read as a header is kept."""
    path = tmp_path / "pegada.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Organización", "Teléfono", "Ciudad", "Estado"])
        w.writerow(["Refugio Esperanza", "305-555-0100", "Miami", "FL"])
        w.writerow(["ORGANIZACION", "telefono", "ciudad", "ESTADO"])
        w.writerow(["Organización", "305-555-0199", "Miami", "FL"])
        w.writerow(["Centro Legal", "305-555-0200", "Homestead", "FL"])
    s = import_directory(store, path, source="pegada")
    assert s["imported"] == 3 and s["skipped_rows"] == 1
    assert set(services(store, "pegada")) == {"Refugio Esperanza", "Organización", "Centro Legal"}


@given(st.lists(st.sampled_from(["Organización", "ORGANIZACION", "organizacion ", "Teléfono", "telefono", "", "x"]),
                max_size=5),
       st.lists(st.sampled_from(["Organización", "Teléfono", "Ciudad", ""]), max_size=4))
def test_the_header_again_check_reads_each_row_as_the_whole_list_did(cells, header):
    """The check stops at the first cell that differs: it says what comparing every cell's key said."""
    from advocate.directory.sheet import _header_again

    keys = [header_key(h) for h in header]
    assert _header_again(cells, keys) == ([header_key(c) for c in cells[:len(keys)]] == keys)
