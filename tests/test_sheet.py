"""The referral sheet: `services sheet ID...` and `services near ... --sheet FILE`, through the CLI and the core."""

from __future__ import annotations

import csv
import re
from types import SimpleNamespace

import pytest

from advocate import sheet
from tests.helpers import FIX, LAW_ENFORCEMENT_NUMBERS, MIAMI_211, ORG, banned_in, file_digest, needs_shared

SERVICES = [
    # id, name, categories (AIRS-free: by name), application_process, lat, lon, address, city, state, zip, country,
    # phone, transportation, required document
    ("chi", "Chicago Anti-Trafficking Legal Center", "Call to make an appointment.", "41.8571", "-87.6466",
     "1800 S Halsted St", "Chicago", "IL", "60608", "US", "312-555-0142", "CTA bus 8 Halsted to 18th St",
     "Photo ID if you have one"),
    ("tj", "Casa de Salud Familiar", "Walk-ins welcome, Monday to Friday.", "32.5149", "-117.0382",
     "Av. Revolución 1200", "Tijuana", "BC", "22000", "MX", "664 555 0100", "", ""),
    ("vic", "Victim Services Walk-in Clinic", "", "41.8781", "-87.6298", "50 W Washington St", "Chicago", "IL",
     "60602", "US", "312-555-0199", "Police station entrance on Clark St", ""),
]


def _write(folder, name, rows):
    with open(folder / name, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def directory(cli, tmp_path, isolated, monkeypatch):
    """An HSDS 3.0 export with what a sheet needs (application process, required documents, directions), imported."""
    cfg = isolated / "sheet-config.toml"
    cfg.write_text(f'organization_name = "{ORG}"\n', encoding="utf-8")
    monkeypatch.setenv("ADVOCATE_CONFIG", str(cfg))
    folder = tmp_path / "hsds"
    folder.mkdir()
    _write(folder, "organizations.csv", [{"id": "o1", "name": ORG, "description": ""}])
    _write(folder, "services.csv", [{"id": s[0], "organization_id": "o1", "name": s[1], "description": "",
                                     "status": "active", "application_process": s[2], "assured_date": "2026-06-01"}
                                    for s in SERVICES])
    _write(folder, "locations.csv", [{"id": "l-" + s[0], "location_type": "physical", "organization_id": "o1",
                                      "name": s[1], "latitude": s[3], "longitude": s[4], "transportation": s[11]}
                                     for s in SERVICES])
    _write(folder, "addresses.csv", [{"id": "a-" + s[0], "location_id": "l-" + s[0], "address_1": s[5], "city": s[6],
                                      "state_province": s[7], "postal_code": s[8], "country": s[9],
                                      "address_type": "physical"} for s in SERVICES])
    _write(folder, "service_at_location.csv", [{"id": "x-" + s[0], "service_id": s[0], "location_id": "l-" + s[0]}
                                               for s in SERVICES])
    _write(folder, "phones.csv", [{"id": "p-" + s[0], "service_id": s[0], "number": s[10]} for s in SERVICES])
    _write(folder, "languages.csv", [{"id": "g-" + s[0], "service_id": s[0], "name": "Spanish", "code": "es"}
                                     for s in SERVICES])
    _write(folder, "required_documents.csv", [{"id": "d-" + s[0], "service_id": s[0], "document": s[12]}
                                              for s in SERVICES if s[12]])
    r = cli("services", "import", str(folder), "--source", "t")
    assert r.exit_code == 0, r
    return folder


def test_sheet_in_spanish_has_what_a_person_needs(cli, directory):
    r = cli("services", "sheet", "t:chi", "t:tj", "us-988", "--near", "60616", "-f", "txt")
    assert r.exit_code == 0, r
    out = r.stdout
    assert out.startswith("Lugares que le pueden ayudar")
    assert "Dirección: 1800 S Halsted St, Chicago, IL 60608" in out
    assert "Dónde queda: A " in out and " millas al " in out and " de Chicago, IL 60616" in out
    assert "Indicaciones (como las da el directorio): CTA bus 8 Halsted to 18th St" in out
    assert "Teléfono: 312-555-0142" in out
    assert "Idiomas que hablan: español" in out
    assert "Cita: Llame antes para hacer una cita." in out and "Cita: Puede ir sin cita." in out
    assert "Qué llevar: Esta hoja; Photo ID if you have one" in out
    # the Tijuana number, called from the US (the --near place's country), carries Mexico's code
    assert "Teléfono: 011 52 664 555 0100 (desde Estados Unidos)" in out
    # 988 is named by what it is, with how to reach it in Spanish
    assert "Alguien con quien hablar 24 h" in out.title() or "ALGUIEN CON QUIEN HABLAR 24 H" in out
    assert "marque 2 para español" in out
    assert banned_in(out) == []
    assert "Chicago Anti-Trafficking" in r.stderr  # the advocate is told what was renamed


def test_numbers_work_from_the_country_the_person_calls_from(cli, directory):
    out = cli("services", "sheet", "t:chi", "t:tj", "--for", "MX", "-f", "txt").stdout
    assert "Teléfono: 001 312-555-0142 (desde México)" in out
    assert "Teléfono: 664 555 0100\n" in out
    # 988 works only from the US: from Mexico it is left off, and the advocate is told
    r = cli("services", "sheet", "t:tj", "us-988", "--for", "MX", "-f", "txt")
    assert r.exit_code == 0 and "988" not in r.stdout and "us-988" not in r.stdout
    assert "no number to call from Mexico" in r.stderr
    r = cli("services", "sheet", "us-988", "--for", "MX")
    assert r.exit_code == 2 and r.stderr.count("\n") == 1
    mx = cli("services", "sheet", "mx-linea-nacional-trata", "--for", "MX", "-f", "txt").stdout
    assert "+52 800 5533 000" in mx and banned_in(mx) == []


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("fmt", ["html", "txt", "md"])
def test_no_labelling_word_by_default(cli, directory, lang, fmt):
    r = cli("services", "sheet", "t:chi", "t:tj", "t:vic", "us-trafficking-hotline", "us-988", "--near", "60616",
            "--lang", lang, "-f", fmt)
    assert r.exit_code == 0, r
    assert banned_in(r.stdout) == [], banned_in(r.stdout)
    assert "Police station" not in r.stdout  # directions with a labelling word are left off
    assert ORG not in r.stdout


def test_label_restores_names(cli, directory):
    out = cli("services", "sheet", "t:chi", "us-trafficking-hotline", "--lang", "en", "-f", "txt", "--label").stdout
    assert "CHICAGO ANTI-TRAFFICKING LEGAL CENTER" in out and "TRAFFICKING HOTLINE" in out and ORG in out


def test_near_sheet_has_no_law_enforcement_line(cli, directory, tmp_path):
    target = tmp_path / "hoja.txt"
    r = cli("services", "near", "60616", "-n", "5", "--sheet", str(target))
    assert r.exit_code == 0, r
    text = target.read_text(encoding="utf-8")
    assert "1800 S Halsted St" in text and banned_in(text) == []
    assert not any(n in text for n in LAW_ENFORCEMENT_NUMBERS)
    mx = tmp_path / "mx.md"
    assert cli("services", "near", "Tijuana, BC", "--sheet", str(mx), "--sheet-lang", "en").exit_code == 0
    text = mx.read_text(encoding="utf-8")
    assert text.startswith("# Places that can help") and "Av. Revolución 1200" in text
    assert not any(n in text for n in LAW_ENFORCEMENT_NUMBERS) and banned_in(text) == []
    # the table is still there, and -f json output is unchanged by --sheet
    plain = cli("services", "near", "60616", "-n", "5", "-f", "json").stdout
    with_sheet = cli("services", "near", "60616", "-n", "5", "-f", "json", "--sheet", str(tmp_path / "x.html"))
    assert with_sheet.stdout == plain


def test_output_goes_through_the_gateway(cli, directory, db_path, tmp_path):
    before = file_digest(db_path)
    for args in (("services", "sheet", "us-988", "-o", str(db_path)),
                 ("services", "near", "60616", "--sheet", str(db_path)),
                 ("services", "sheet", "us-988", "-o", str(db_path) + "-wal")):
        r = cli(*args)
        assert r.exit_code == 2 and "store" in r.stderr and r.stderr.count("\n") == 1, r
    assert file_digest(db_path) == before
    target = tmp_path / "hoja.html"
    assert cli("services", "sheet", "t:chi", "-o", str(target)).exit_code == 0
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    r = cli("services", "sheet", "t:tj", "-o", str(target))
    assert r.exit_code == 2 and "t:chi" not in r.stderr
    assert "1800 S Halsted" in target.read_text(encoding="utf-8")  # not replaced
    assert cli("services", "sheet", "t:tj", "-o", str(target), "--force").exit_code == 0
    r = cli("services", "near", "60616", "--sheet", str(target))
    assert r.exit_code == 2 and "Near" not in r.stdout  # refused before the lookup


def test_html_is_self_contained_and_sized_for_its_paper(cli, directory):
    letter = cli("services", "sheet", "t:chi", "us-988").stdout
    half = cli("services", "sheet", "t:chi", "--paper", "half-letter").stdout
    assert "size: 8.5in 11in" in letter and "size: 5.5in 8.5in" in half
    for page in (letter, half):
        assert page.startswith("<!DOCTYPE html>") and '<html lang="es">' in page
        assert "http" not in page and "<script" not in page and "<link" not in page
        assert "break-inside: avoid" in page


def test_bad_input_is_one_sentence(cli, directory):
    for args, flag in ((("services", "sheet", "nope"), None), (("services", "sheet", "t:chi", "-f", "pdf"), "--format"),
                       (("services", "sheet", "t:chi", "--lang", "fr"), "--lang"),
                       (("services", "sheet", "t:chi", "--for", "FR"), "--for"),
                       (("services", "sheet", "t:chi", "--paper", "a4"), "--paper")):
        r = cli(*args)
        assert r.exit_code in (1, 2) and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, (args, r)
        if flag:
            assert flag in r.stderr
    r = cli("--lang", "es", "services", "sheet", "t:chi", "--paper", "a4")
    assert "no es un tamaño de papel" in r.stderr
    # the sheet is no card: "--for FR" said "not a country for this card"
    assert "for this sheet" in cli("services", "sheet", "t:chi", "--for", "FR").stderr
    assert "para esta hoja" in cli("--lang", "es", "services", "sheet", "t:chi", "--for", "FR").stderr


def test_client_code_is_never_on_a_sheet(cli, directory):
    code = cli("clients", "new", "-f", "json").json()["code"]
    out = cli("services", "sheet", "t:chi", "t:tj", "us-988", "-f", "txt").stdout
    assert code not in out


@pytest.mark.parametrize(("text", "words"), [
    ("Must call to make an appointment", "Call first to make an appointment."),
    ("Walk-ins welcomed, call for information", "You can go without an appointment."),
    ("Participant must be referred by a partnering organization", "They ask for a referral first; your advocate can help with it."),
    ("Call for information", "Call first to ask how it works."),
    ("Varies on case status", None), ("", None), (None, None)])
def test_appointment_words(text, words):
    assert sheet.appointment_words(text, "en") == words


@pytest.mark.parametrize(("lat", "lon", "words"), [
    (41.95, -87.65, "5.1 miles north of Chicago, IL"), (41.88, -87.50, "6.7 miles east of Chicago, IL"),
    (41.80, -87.70, "6.5 miles south-west of Chicago, IL"), (41.8782, -87.6297, "Very close to Chicago, IL")])
def test_direction_words(lat, lon, words):
    place = SimpleNamespace(latitude=41.8781, longitude=-87.6298, label="Chicago, IL", country="US")
    assert sheet.direction_words(place, lat, lon, "en", "US") == words


def test_direction_words_in_kilometres_from_mexico():
    place = SimpleNamespace(latitude=32.5149, longitude=-117.0382, label="Tijuana, BC", country="MX")
    assert sheet.direction_words(place, 32.53, -116.93, "es", "MX") == "A 10 kilómetros al este de Tijuana, BC"
    assert sheet.direction_words(place, 32.5239, -117.0382, "es", "MX") == "A 1 kilómetro al norte de Tijuana, BC"


@pytest.mark.parametrize(("number", "svc", "caller", "shown"), [
    # the exit code works from a landline and a mobile alike (IFT: from Mexico "00" and the country code)
    ("312-555-0142", "US", "MX", "001 312-555-0142"), ("664 555 0100", "MX", "US", "011 52 664 555 0100"),
    ("1-312-555-0142", "US", "MX", "001 312-555-0142"), ("(305) 579-5733 x2221", "US", "MX", "001 (305) 579-5733 x2221"),
    ("312-555-0142", "US", "US", "312-555-0142"), ("911", "US", "MX", "911"), ("+52 800 5533 000", "MX", "US",
                                                                              "+52 800 5533 000")])
def test_dial_from(number, svc, caller, shown):
    assert sheet.dial_from(number, svc, caller) == shown


@pytest.mark.parametrize(("number", "lang", "shown"), [
    ("305-579-5733 x2221", "es", "305-579-5733, extensión 2221"), ("305-579-5733 ext. 12", "en", "305-579-5733, ext. 12"),
    ("305-579-5733 Extension 4", "es", "305-579-5733, extensión 4"), ("305-579-5733", "es", "305-579-5733"),
    ("1-800-799-SAFE", "es", "1-800-799-SAFE")])
def test_an_extension_is_written_as_ext(number, lang, shown):
    assert sheet.extension_words(number, lang) == shown


# --- every free-text field on a paper passes the neutrality check ------------------------------------------------

# Words that give a person away, in both languages (the brief's list, wider than cards.BANNED); matched on whole
# words, case-insensitively ("ICE", "DV" in capitals only).
REVEALING = re.compile(
    r"(?<!\w)(?:traffick\w*|trata|violen\w*|abus[eo]\w*|refugio\w*|refugee\w*|albergue\w*|shelter\w*|migra\w*|"
    r"inmigra\w*|immigra\w*|asilo|asylum\w*|v[ií]ctima\w*|victim\w*|sexual\w*|domestic\w*|dom[eé]stic[ao]s?|"
    r"survivor\w*|sobreviviente\w*|citizenship|naturaliz\w*|deport\w*|polic\w*|sheriff|rape|visas?|"
    r"undocumented|indocumentad\w*|befree|(?-i:ICE|DV|HSI))(?!\w)", re.I)
ESOL_HOURS = ("Immigration: 8:00am-5:00pm, Mon-Thur Citizenship Class: 9:00am-11:00am, Tue, Thur "
              "ESOL: 12:00pm-2:00pm, Tue, Thur")


def revealing_in(text: str) -> list[str]:
    return sorted({m.group(0) for m in REVEALING.finditer(text)})


@pytest.fixture
def revealing_export(cli, tmp_path, isolated, monkeypatch):
    """One service whose every free-text field says what it is for: name, hours, directions, street line, a phone's
    words, documents, organization, email and web address."""
    cfg = isolated / "sheet-config.toml"
    cfg.write_text(f'organization_name = "{ORG}"\n', encoding="utf-8")
    monkeypatch.setenv("ADVOCATE_CONFIG", str(cfg))
    folder = tmp_path / "revealing"
    folder.mkdir()
    _write(folder, "organizations.csv", [{"id": "o1", "name": "Refugio Esperanza Shelter", "description": "",
                                          "email": "help@traffickinghotline.org",
                                          "website": "https://example.org/immigration-help"}])
    _write(folder, "services.csv", [{
        "id": "r1", "organization_id": "o1", "name": "Immigration Assistance", "status": "active",
        "description": "Help for survivors of trafficking and domestic violence.",
        "email": "dv@example.org", "url": "https://example.org/asylum",
        "application_process": "Walk-ins welcome; asylum seekers call first.", "assured_date": "2026-06-01"}])
    _write(folder, "locations.csv", [{"id": "l1", "location_type": "physical", "organization_id": "o1",
                                      "name": "Victim Services Building", "latitude": "41.8781", "longitude": "-87.6298",
                                      "transportation": "Bus 8 to Washington. Enter by the DV shelter door. "
                                                        "Ring the bell twice."}])
    _write(folder, "addresses.csv", [{"id": "a1", "location_id": "l1", "address_1": "Victim Services Building, "
                                      "50 W Washington St", "city": "Chicago", "state_province": "IL",
                                      "postal_code": "60602", "country": "US", "address_type": "physical"}])
    _write(folder, "service_at_location.csv", [{"id": "x1", "service_id": "r1", "location_id": "l1"}])
    _write(folder, "phones.csv", [{"id": "p1", "service_id": "r1", "number": "312-555-0100 (DV line)"},
                                  {"id": "p2", "service_id": "r1", "number": "312-555-0101"}])
    _write(folder, "schedules.csv", [{"id": "h1", "service_id": "r1", "description": ESOL_HOURS}])
    _write(folder, "required_documents.csv", [{"id": "d1", "service_id": "r1",
                                               "document": "Photo ID, immigration papers, proof of income"}])
    r = cli("services", "import", str(folder), "--source", "rv")
    assert r.exit_code == 0, r
    return "rv:r1"


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("fmt", ["html", "txt", "md"])
def test_every_free_text_field_is_neutral(cli, revealing_export, lang, fmt):
    r = cli("services", "sheet", revealing_export, "--near", "60602", "--lang", lang, "-f", fmt)
    assert r.exit_code == 0, r
    assert revealing_in(r.stdout) == [], revealing_in(r.stdout)
    for kept in ("50 W Washington St", "312-555-0101", "Ring the bell twice.", "Photo ID", "proof of income"):
        assert kept in r.stdout, kept
    # with its immigration hours left off, the ESOL class's hours alone would send the person on the wrong days
    # for the wrong service: the paper asks to call instead, and the place is named for what it is ("Legal help")
    assert ("Llame antes de ir para preguntar el horario." if lang == "es" else "Call to ask the hours before you go.") \
        in r.stdout
    from advocate.cards import NEUTRAL_FOR_LABELLING
    from advocate.i18n import gettext_in

    assert any(gettext_in(lang, word).upper() in r.stdout.upper() for _cat, word in NEUTRAL_FOR_LABELLING)
    for gone in ("Refugio Esperanza", "example.org", "dv@", "help@", "0100", "Victim Services", "Citizenship", "ESOL",
                 "Educaci", "Education"):
        assert gone not in r.stdout, gone
    # the advocate is told what was left off and how to include it
    for said in ("Immigration: 8:00am-5:00pm, Mon-Thur", "Citizenship Class: 9:00am-11:00am, Tue, Thur",
                 "Enter by the DV shelter door.", "Victim Services Building", "312-555-0100 (DV line)",
                 "immigration papers", "--label"):
        assert said in r.stderr, said


def test_label_prints_the_directory_text_whole(cli, revealing_export):
    out = cli("services", "sheet", revealing_export, "--lang", "en", "-f", "txt", "--label").stdout
    assert ESOL_HOURS in out and "Enter by the DV shelter door." in out and "312-555-0100 (DV line)" in out
    assert "Victim Services Building, 50 W Washington St" in out and "immigration papers" in out


def test_appointment_card_at_a_revealing_service_is_neutral(cli, revealing_export):
    code = cli("clients", "new", "-f", "json").json()["code"]
    appt = cli("appt", "log", "--client", code, "--when", "2031-11-04 14:30", "--tz", "America/Chicago",
               "--type", "legal", "--duration", "60", "--service", revealing_export)
    assert appt.exit_code == 0, appt
    aid = appt.stdout.strip().splitlines()[-1]
    for lang in ("es", "en"):
        r = cli("appointments", "card", aid, "--lang", lang, "-f", "txt")
        assert r.exit_code == 0, r
        assert revealing_in(r.stdout) == [], revealing_in(r.stdout)
        assert "50 W Washington St" in r.stdout and "312-555-0101" in r.stdout and "0100" not in r.stdout
        assert "Victim Services Building" in r.stderr


def _sweep(store) -> dict[str, list[str]]:
    """Every service of the store on its own neutral sheet, in both languages: the revealing words left."""
    from advocate.cards import render_card

    found: dict[str, list[str]] = {}
    for (sid,) in store.conn.execute("SELECT id FROM services ORDER BY id"):
        for lang in ("es", "en"):
            try:
                card = sheet.referral_sheet(store, [sid], lang)
            except Exception as exc:  # a national line with no number from its own country: nothing printed
                assert type(exc).__name__ == "InputError", (sid, exc)
                continue
            words = revealing_in(render_card(card, "txt"))
            if words:
                found[f"{sid} ({lang})"] = words
    return found


def test_sweep_of_the_fixtures_and_the_bundled_lines(cli, store, revealing_export):
    for name in ("ohana", "hsds-3.0", "hsds-1.1-quirks"):
        r = cli("services", "import", str(FIX / name), "--source", "fx-" + name.replace(".", ""))
        assert r.exit_code == 0, r
    count = store.conn.execute("SELECT count(*) FROM services").fetchone()[0]
    assert count > 20  # the fixtures and the bundled national lines
    assert _sweep(store) == {}


@needs_shared
def test_sweep_of_the_real_miami_export(cli, store):
    """1,900 services of a real 211 export: not one revealing word on a neutral sheet (its hours say
    "Immigration:", "Domestic Violence Walk-in:", "NON DV CLIENTS ONLY"; its names "SHELTER", "SURVIVOR")."""
    assert cli("services", "import", str(MIAMI_211), "--source", "miami").exit_code == 0
    assert _sweep(store) == {}
    r = cli("services", "sheet", "miami:6562", "--near", "Miami, FL", "--lang", "es", "-f", "txt")
    assert r.exit_code == 0 and "Immigration" not in r.stdout
    # a case manager's review: the sheet called this immigration clinic "EDUCACIÓN" and gave only its ESOL class's
    # hours (the immigration desk's were left off): the wrong desk on the wrong days
    assert "AYUDA LEGAL" in r.stdout and "EDUCACI" not in r.stdout and "ESOL" not in r.stdout
    assert "Horario: Llame antes de ir para preguntar el horario." in r.stdout
    assert "vacunación" not in r.stdout  # an English class for adults is not a child's school


# --- what to bring ------------------------------------------------------------------------------------------------

def _bring_line(cli, sid: str) -> str:
    out = cli("services", "sheet", sid, "--lang", "es", "-f", "txt").stdout
    return next(ln for ln in out.splitlines() if "Qué llevar:" in ln)


def test_what_to_bring_is_never_a_wrong_guess(cli):
    def add(name, *cats):
        args = [a for c in cats for a in ("-c", c)]
        r = cli("services", "add", "--name", name, *args, "--location", "60608", "--address", "1 Main St")
        assert r.exit_code == 0, r
        return r.stdout.strip()

    english_class = add("English classes for adults", "education")
    assert _bring_line(cli, english_class) == "  Qué llevar: Esta hoja; una identificación, si tiene y si es seguro llevarla"
    daycare = add("Little Steps daycare", "childcare")
    assert "cartilla de vacunación" in _bring_line(cli, daycare)
    clinic = add("Clínica del Valle", "medical")
    assert "; sus medicinas o una lista de ellas;" in _bring_line(cli, clinic)
    # a centre of many kinds says nothing about what this visit needs
    centre = add("Centro Comunitario", "medical", "childcare", "benefits")
    assert _bring_line(cli, centre) == "  Qué llevar: Esta hoja; una identificación, si tiene y si es seguro llevarla"


def test_what_to_bring_from_the_record_first(cli, directory):
    # the directory lists the service's documents: those, and no guess from its categories
    assert _bring_line(cli, "t:chi") == "  Qué llevar: Esta hoja; Photo ID if you have one"


def test_a_guessed_category_brings_no_item():
    row = {"categories": ["medical"], "category_evidence": [{"category": "medical", "guessed": True}]}
    assert sheet._bring(row, {}, "en", False, None, []) == ["This sheet", "any ID you have, if it is safe to carry"]
    row["category_evidence"][0]["guessed"] = False
    assert "your medicines, or a list of them" in sheet._bring(row, {}, "en", False, None, [])


def test_hours_on_a_spanish_sheet(cli, revealing_export):
    r = cli("services", "add", "--name", "Clínica del Valle", "-c", "medical", "--location", "60608",
            "--address", "1 Main St", "--hours", "9:00am-5:00pm, Mon-Fri; 10:00am-2:00pm, Sat")
    out = cli("services", "sheet", r.stdout.strip(), "--lang", "es", "-f", "txt").stdout
    assert "Horario: De lunes a viernes, de 9:00\u00a0a.m. a 5:00\u00a0p.m.; sábado, de 10:00\u00a0a.m. a 2:00\u00a0p.m." in out
    # the directory's own words stay as written, and say so
    r = cli("services", "add", "--name", "Centro Comunitario", "-c", "education", "--location", "60608",
            "--address", "2 Main St", "--hours", "ESOL: 12:00pm-2:00pm, Tue, Thur")
    out = cli("services", "sheet", r.stdout.strip(), "--lang", "es", "-f", "txt").stdout
    assert "Horario (como lo da el directorio): ESOL: 12:00pm-2:00pm, Tue, Thur" in out


def test_a_place_with_a_phone_is_not_called_a_help_line_and_its_caution_reaches_the_advocate(cli):
    """A women's justice centre in a prosecutor's office was printed as "LÍNEA DE AYUDA" (the name of a national line)
    and its caution ("staff may open a criminal investigation") was shown nowhere."""
    r = cli("--lang", "es", "services", "sheet", "mx-tlax-cjm", "--near", "Tlaxcala, Tlax.", "-f", "txt")
    assert r.exit_code == 0, r
    assert "LÍNEA DE AYUDA" not in r.stdout and "Dirección: Av. Instituto Politécnico Nacional" in r.stdout
    assert "Fiscalía" not in r.stdout and "Justicia" not in r.stdout  # the paper still names no agency
    assert "antes de entregar el papel, Centro de Justicia para las Mujeres de Tlaxcala" in r.stderr
    assert "abrir una investigación penal" in r.stderr


def test_a_place_whose_numbers_do_not_work_from_there_says_so(cli):
    """The San Diego consulate's phone vanished from a sheet for someone in Mexico, with no word why. An office's
    own geographic numbers are now written as dialled from Mexico (a case manager's review: CIAM's own record gives
    "001 520 623 7874" from Mexico); a toll-free or short number of a local office still cannot be, and is said."""
    r = cli("--lang", "es", "services", "sheet", "consulate-san-diego-ca", "--for", "MX", "-f", "txt")
    assert r.exit_code == 0, r
    assert "Dirección: 1549 India St., San Diego, CA 92101" in r.stdout
    assert "Teléfono: llame al 001 (619) 231-8414; llame al 001 520 623 7874 (CIAM (24 h) comunica con este " \
           "consulado) (desde México)" in r.stdout, r.stdout
    assert "+1 520" not in r.stdout
    r = cli("--lang", "es", "services", "sheet", "mx-chih-ppnna", "--for", "US", "-f", "txt")
    assert r.exit_code == 0, r
    assert "Teléfono" not in r.stdout and "800 230 4050" not in r.stdout
    assert "la hoja no lleva teléfono porque no consta que alguno de sus números funcione desde" in r.stderr
    # a national line that does not work from there is still left off (988 from Mexico)
    assert cli("services", "sheet", "us-988", "--for", "MX", "-f", "txt").exit_code != 0


@pytest.mark.parametrize(("number", "country", "ok"), [
    ("(915) 549-0003", "US", True), ("+1 520 623 7874", "US", True), ("305-374-1065 x429", "US", True),
    ("1-866-487-9243", "US", False), ("988", "US", False), ("800 000 2018", "MX", False),
    ("+52 664 123 4567", "MX", True), ("079", "MX", False),
])
def test_which_numbers_are_called_from_abroad(number, country, ok):
    from advocate.sheet import callable_from_abroad

    assert callable_from_abroad(number, country) is ok


def test_a_far_away_help_line_is_a_number_not_an_address(cli):
    """A directory's national help line printed its San Francisco mailbox on a Miami sheet, "A 2,591 millas"."""
    sid = cli("services", "add", "--name", "Help Line", "-c", "hotline", "--location", "94114", "--address",
              "2261 Market Street, PMB #296", "--phone", "888-555-0199").stdout.strip()
    far = cli("services", "sheet", sid, "--near", "33125", "--lang", "es", "-f", "txt").stdout
    assert "Solo por teléfono" in far and "Market Street" not in far and "millas" not in far
    assert "Teléfono: 888-555-0199" in far
    near = cli("services", "sheet", sid, "--near", "94114", "--lang", "es", "-f", "txt").stdout
    assert "2261 Market Street" in near  # in its own town it may well be a place to go


def test_two_programmes_at_one_door_are_listed_once(store):
    """A 211 lists each programme of an office with the office's address, phone and hours: a sheet listed one
    door three times. Sections that differ only in name and what to bring are one, headed by two of the names,
    with what to bring from all; the advocate reads every directory name in one note (the paper's headings are
    neutral words). A different phone (an extension) stays its own entry."""
    from tests.helpers import put_service

    names = {"prog-a": "Casa Abierta", "prog-b": "Programa Dos", "prog-c": "Programa Tres",
             "prog-d": "VICTIM ADVOCATE PROGRAM", "prog-e": "Programa Cinco"}
    for sid, name in names.items():
        put_service(store, sid, 25.79, -80.19, name=name, cats=("legal-immigration",))
    with store.write():
        store.conn.execute("UPDATE locations SET address = '3000 Biscayne Blvd', region = 'FL', postal_code = '33137'")
        store.conn.execute("UPDATE services SET phone = '305-555-0106'")
        store.conn.execute("UPDATE services SET phone = '305-555-0106 x1250' WHERE id = 'prog-c'")
    card = sheet.referral_sheet(store, list(names), "es")
    assert [s.heading for s in card.sections] == ["Casa Abierta / Programa Dos", "Programa Tres"]
    same = [n for n in card.notes if "un solo apartado" in n or "one entry" in n]
    assert len(same) == 1
    assert all(name in same[0] for sid, name in names.items() if sid != "prog-c")  # the directory's own names
    assert "VICTIM" not in " ".join(s.heading for s in card.sections)
    bring = [ln.value for ln in card.sections[0].lines if ln.label == "Qué llevar"]
    assert bring and bring[0].startswith("Esta hoja") and len(bring[0].split("; ")) == len(set(bring[0].split("; ")))


def test_one_entry_per_door_whether_a_point_gives_a_direction_line():
    """A programme whose point is only a ZIP centre has no direction line: it still joins its office's entry, which
    keeps the line; hours or languages that differ keep two entries."""
    from advocate.cards import Line, Section

    def sec(name, *extra, hours="De lunes a viernes"):
        return Section(name, [Line("Dirección", "3000 Biscayne Blvd"), *extra, Line("Teléfono", "305-555-0106"),
                              Line("Horario", hours), Line("Qué llevar", "Esta hoja")], names=[name])

    direction = Line("Dónde queda", "A 2.8 millas al norte de Miami, FL 33130")
    notes: list[str] = []
    out = sheet._one_per_door([sec("A"), sec("B", direction), sec("C", hours="Sábados")], "es", notes)
    assert [s.heading for s in out] == ["A / B", "C"]
    assert [ln.label for ln in out[0].lines][:2] == ["Dirección", "Dónde queda"]
    assert len(notes) == 1


def test_merged_keeps_each_item_once_in_its_place():
    assert sheet._merged(["hoja", "id"], ["hoja", "cartas", "id"]) == ["hoja", "cartas", "id"]
    assert sheet._merged(["hoja", "cartas", "id"], ["hoja", "id"]) == ["hoja", "cartas", "id"]
    assert sheet._merged(["a"], ["b", "a", "c"]) == ["b", "a", "c"]
