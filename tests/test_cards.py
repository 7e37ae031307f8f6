"""Papers a survivor can carry: the appointment card and the numbers card, through the CLI and the core."""

from __future__ import annotations

import re
import stat

import pytest

from advocate import cards
from tests.helpers import LAW_ENFORCEMENT_NUMBERS, ORG, banned_in


@pytest.fixture
def org_config(isolated, monkeypatch):
    cfg = isolated / "cards-config.toml"
    cfg.write_text(f'organization_name = "{ORG}"\n', encoding="utf-8")
    monkeypatch.setenv("ADVOCATE_CONFIG", str(cfg))
    return cfg


@pytest.fixture
def appts(cli, org_config):
    """A medical appointment in Tijuana (free-text place) and a legal one in Chicago at a directory service whose
    name carries a labelling word."""
    code = cli("clients", "new", "-f", "json").json()["code"]
    tj = cli("appt", "log", "--client", code, "--when", "2031-03-04 09:00", "--tz", "America/Tijuana",
             "--type", "medical", "--duration", "120", "--interpreter", "mjc",
             "--place", "Clínica Las Palmas, Av. Revolución 1200, Tijuana", "--advocate", "Ana María López")
    assert tj.exit_code == 0, tj
    sid = cli("services", "add", "--name", "Chicago Anti-Trafficking Legal Clinic", "-c", "legal-civil",
              "--location", "60608", "--address", "1800 S Halsted St", "--phone", "312-555-0142").stdout.strip()
    assert sid
    chi = cli("appt", "log", "--client", code, "--when", "2031-11-04 14:30", "--tz", "America/Chicago",
              "--type", "immigration", "--duration", "60", "--service", sid)
    assert chi.exit_code == 0, chi
    return {"code": code, "tijuana": tj.stdout.strip().splitlines()[-1], "chicago": chi.stdout.strip().splitlines()[-1],
            "service": sid}


def test_tijuana_card_in_spanish(cli, appts):
    r = cli("appointments", "card", appts["tijuana"], "--lang", "es", "-f", "txt", "--with", "Ana María")
    assert r.exit_code == 0, r
    out = r.stdout
    assert "martes 4 de marzo de 2031, 9:00 de la mañana" in out
    assert "(hora de Tijuana)" in out
    assert "Clínica Las Palmas, Av. Revolución 1200, Tijuana" in out
    assert "Ana" in out and "María" not in out and "López" not in out  # first name only, and only when given
    assert "mixteco de San Juan Colorado" in out
    assert "Sus medicinas o una lista de ellas" in out and "Esta tarjeta" in out
    # numbers that work from Mexico, none that works only from the U.S., never law enforcement
    assert "800 5533 000" in out and "911" in out
    assert "1-888-373-7888" not in out and "988" not in out.replace("2031", "")
    assert not any(n in out for n in LAW_ENFORCEMENT_NUMBERS)
    assert appts["code"] not in out and appts["code"] not in r.stderr


def test_chicago_card_in_english_uses_the_directory_and_us_lines(cli, appts):
    r = cli("appointments", "card", appts["chicago"], "--lang", "en", "-f", "txt")
    assert r.exit_code == 0, r
    out = r.stdout
    assert "Tuesday, November 4, 2031, 2:30 in the afternoon" in out
    assert "(Chicago time)" in out
    assert "1800 S Halsted St" in out and "312-555-0142" in out
    assert "Civil legal help" in out  # the neutral stand-in for the service's labelling name
    assert "1-888-373-7888" in out and "800 5533 000" not in out.replace("+52 800 5533 000", "")
    assert "Going with you" not in out  # nobody named: no line for it
    assert "Chicago Anti-Trafficking" in r.stderr  # the advocate is told what was replaced
    assert not any(n in out for n in LAW_ENFORCEMENT_NUMBERS)


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("fmt", ["html", "txt", "md"])
def test_no_labelling_word_by_default(cli, appts, lang, fmt):
    code = cli("clients", "new", "-f", "json").json()["code"]
    r = cli("appt", "log", "--client", code, "--when", "2031-05-01 10:00", "--tz", "America/Chicago",
            "--type", "law-enforcement", "--duration", "30", "--place", f"{ORG} office, 12 Main St")
    tagged = r.stdout.strip().splitlines()[-1]
    papers = [cli("appointments", "card", aid, "--lang", lang, "-f", fmt, "--with", "Ana")
              for aid in (appts["tijuana"], appts["chicago"], tagged)]
    papers += [cli("card", "numbers", "--for", country, "--lang", lang, "-f", fmt) for country in ("MX", "US")]
    for p in papers:
        assert p.exit_code == 0, p
        assert banned_in(p.stdout) == [], (banned_in(p.stdout), p.stdout)
        assert appts["code"] not in p.stdout and code not in p.stdout


def test_label_restores_names(cli, appts):
    out = cli("appointments", "card", appts["chicago"], "--lang", "en", "-f", "txt", "--label").stdout
    assert "Chicago Anti-Trafficking Legal Clinic" in out and ORG in out
    assert "Immigration" in out  # the appointment type too
    out = cli("card", "numbers", "--for", "US", "--lang", "es", "-f", "txt", "--label").stdout
    assert "Línea Nacional contra la Trata de Personas (EE. UU.)" in out
    assert not any(n in out for n in LAW_ENFORCEMENT_NUMBERS)  # --label never adds law enforcement


def test_numbers_card_by_country(cli):
    mx = cli("card", "numbers", "--for", "MX", "-f", "txt")
    us = cli("card", "numbers", "--for", "us", "--lang", "en", "-f", "txt")
    assert mx.exit_code == 0 and us.exit_code == 0, (mx, us)
    assert "Números que funcionan desde México" in mx.stdout and "Línea de ayuda 24 h" in mx.stdout
    assert "800 5533 000" in mx.stdout and "001 520 623 7874" in mx.stdout  # CIAM as dialled from Mexico
    assert "1-888-373-7888" not in mx.stdout and "+1 520 623 7874" not in mx.stdout
    assert "Numbers that work from the United States" in us.stdout and "1-888-373-7888" in us.stdout
    assert us.stdout.index("1-888-373-7888") < us.stdout.index("call 988")  # survivor-first order
    for out in (mx.stdout, us.stdout):
        assert not any(n in out for n in LAW_ENFORCEMENT_NUMBERS)


def test_html_is_self_contained_and_sized_for_its_paper(cli, appts):
    card = cli("appointments", "card", appts["tijuana"]).stdout
    wallet = cli("card", "numbers", "--for", "MX").stdout
    for page in (card, wallet):
        assert page.startswith("<!DOCTYPE html>") and "<style>" in page
        assert not re.search(r"(src|href)\s*=|@import|url\(", page)
    assert "size: 5.5in 8.5in" in card and 'lang="es"' in card
    assert "size: 3.5in 2in" in wallet


def test_markup_in_data_is_escaped(cli):
    code = cli("clients", "new", "-f", "json").json()["code"]
    aid = cli("appt", "log", "--client", code, "--when", "2031-05-01 10:00", "--tz", "America/Chicago",
              "--type", "medical", "--duration", "30", "--place", "<script>x</script> *Clinic*").stdout.split()[-1]
    assert "<script>" not in cli("appointments", "card", aid).stdout
    assert "\\*Clinic\\*" in cli("appointments", "card", aid, "-f", "md").stdout


def test_output_goes_through_the_gateway(cli, appts, tmp_path, db_path):
    target = tmp_path / "cita.html"
    r = cli("appointments", "card", appts["tijuana"], "-o", target)
    assert r.exit_code == 0, r and r.stdout == ""
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    first = target.read_text(encoding="utf-8")
    assert "hora de Tijuana" in first
    r = cli("appointments", "card", appts["chicago"], "-o", target)
    assert r.exit_code == 2 and "already exists" in r.stderr and target.read_text(encoding="utf-8") == first
    assert cli("appointments", "card", appts["chicago"], "-o", target, "--force").exit_code == 0
    before = db_path.read_bytes()
    r = cli("card", "numbers", "--for", "MX", "-o", db_path, "--force")
    assert r.exit_code == 2 and db_path.read_bytes() == before
    r = cli("card", "numbers", "--for", "MX", "-o", f"{tmp_path}/cards/")
    assert r.exit_code == 0 and (tmp_path / "cards" / "card.html").exists()


def test_bad_input_is_one_sentence(cli, appts):
    for args, flag in ((("appointments", "card", "999"), None), (("appointments", "card", appts["tijuana"], "-f", "pdf"), "--format"),
                       (("appointments", "card", appts["tijuana"], "--lang", "fr"), "--lang"),
                       (("card", "numbers", "--for", "CA"), "--for")):
        r = cli(*args)
        assert r.exit_code in (1, 2) and r.stderr.startswith("Error:") and "Traceback" not in r.stderr, r
        if flag:
            assert flag in r.stderr, r


def test_spanish_interface_notes(cli, appts):
    r = cli("--lang", "es", "appointments", "card", appts["chicago"], "-f", "txt", "--lang", "es")
    assert r.exit_code == 0 and "Nota:" in r.stderr and "aparece como" in r.stderr


def test_labelling_words_core():
    assert cards.is_labelling("Línea Nacional contra la TRATA de Personas")
    assert cards.is_labelling("Víctimas de violencia")
    assert cards.is_labelling("ICE check-in") and not cards.is_labelling("Office at 12 Police Rd") is False
    assert not cards.is_labelling("Clínica Las Palmas") and not cards.is_labelling("nice service")
    assert cards.is_labelling("Oficina de Casa Aurora", "Casa Aurora")
    for text in ("EMERGENCY SHELTER", "Albergue del Desierto", "Servicios para sobrevivientes", "NON DV CLIENTS ONLY",
                 "Citizenship Class", "U visa", "Violencia doméstica", "Sex Addicts Anonymous", "centro de detención",
                 "escriba BEFREE o HELP", "MOTHER TERESA HOME FOR WOMEN IN DISTRESS"):
        assert cards.is_labelling(text), text
    for text in ("Calle Sexta 123", "Iced coffee", "Visalia, CA", "Dvorak Hall", "Domingo 10:00"):
        assert not cards.is_labelling(text), text


@pytest.mark.parametrize(("text", "items", "kept", "dropped"), [
    ("Immigration: 8:00am-5:00pm, Mon-Thur Citizenship Class: 9:00am-11:00am, Tue, Thur ESOL: 12:00pm-2:00pm, Tue, Thur",
     False, "ESOL: 12:00pm-2:00pm, Tue, Thur",
     ["Immigration: 8:00am-5:00pm, Mon-Thur", "Citizenship Class: 9:00am-11:00am, Tue, Thur"]),
    ("8:30am-4:30pm, Mon, Tue, Thur, Fri; 8:30am-7:30pm, Wed (NON DV CLIENTS ONLY)", False,
     "8:30am-4:30pm, Mon, Tue, Thur, Fri", ["8:30am-7:30pm, Wed (NON DV CLIENTS ONLY)"]),
    ("Administrative: 8:30am-4:00pm, Mon-Fri Domestic Violence Walk-in: 8:30am-2:00pm, Mon-Fri", False,
     "Administrative: 8:30am-4:00pm, Mon-Fri", ["Domestic Violence Walk-in: 8:30am-2:00pm, Mon-Fri"]),
    ("Take bus 8. Use the shelter door on Clark St. Ring twice.", False, "Take bus 8. Ring twice.",
     ["Use the shelter door on Clark St."]),
    ("Photo ID, immigration papers, proof of income (pay stubs, W-2)", True,
     "Photo ID, proof of income (pay stubs, W-2)", ["immigration papers"]),
    ("Photo ID; proof of address", True, "Photo ID; proof of address", []),
    ("Asylum clinic", False, "", ["Asylum clinic"]),
])
def test_neutral_text_leaves_off_whole_parts(text, items, kept, dropped):
    assert cards.neutral_text(text, items=items) == (kept, dropped)


@pytest.mark.parametrize(("street", "kept", "dropped"), [
    ("Victim Services Building, 50 W Washington St", "50 W Washington St", ["Victim Services Building"]),
    ("Av. Revolución 1200, Col. El Refugio", "Av. Revolución 1200, Col. El Refugio", []),  # a colonia's name
    ("Calle Refugio s/n", "Calle Refugio s/n", []), ("1200 Shelter Cove Road", "1200 Shelter Cove Road", []),
    ("DV Shelter, 12 Main St", "12 Main St", ["DV Shelter"]),
])
def test_neutral_address_keeps_the_street(street, kept, dropped):
    assert cards.neutral_address(street) == (kept, dropped)


@pytest.mark.parametrize("zone,words,phrase", [
    ("America/Tijuana", "martes 4 de marzo de 2031, 9:00 de la mañana", "hora de Tijuana"),
    ("America/Mexico_City", "martes 4 de marzo de 2031, 9:00 de la mañana", "hora de la Ciudad de México"),
    ("America/Chicago", "martes 4 de marzo de 2031, 9:00 de la mañana", "hora de Chicago"),
    # a zone with no city: the offset with its usual sign (Babel said "GMT+5" for UTC-5, and "Panamá" for EST)
    ("Etc/GMT+5", "martes 4 de marzo de 2031, 9:00 de la mañana", "hora de UTC-5"),
    ("EST", "martes 4 de marzo de 2031, 9:00 de la mañana", "hora de UTC-5"),
    ("UTC", "martes 4 de marzo de 2031, 9:00 de la mañana", "hora de UTC"),
    ("Asia/Kathmandu", "martes 4 de marzo de 2031, 9:00 de la mañana", "hora de Katmandú"),
])
def test_when_words(zone, words, phrase):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    assert cards.when_words(datetime(2031, 3, 4, 9, 0, tzinfo=ZoneInfo(zone)), "es") == (words, phrase)
    assert cards.when_words(datetime(2031, 3, 4, 21, 5, tzinfo=ZoneInfo(zone)), "en")[0] == \
        "Tuesday, March 4, 2031, 9:05 at night"


def test_durations_in_words_not_decimals():
    """Issue 15 follow-up: the card said "unas 1.5 horas"."""
    from advocate.cards import _duration_words

    es = {m: _duration_words(m, "es") for m in (45, 60, 90, 120, 150)}
    assert es == {45: "unos 45 minutos", 60: "una hora, más o menos", 90: "una hora y media, más o menos",
                  120: "unas 2 horas", 150: "unas 2 horas y media"}
    assert _duration_words(90, "en") == "about an hour and a half"
    assert "1.5" not in " ".join(es.values()) and "1,5" not in " ".join(es.values())


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_law_enforcement_appointment_card_does_not_say_so(cli, appts, lang):
    """'Su cita: Entrevista con autoridades' on a card tells whoever finds it that the person talks to the police."""
    r = cli("appt", "log", "--client", appts["code"], "--when", "2031-05-06 10:00", "--tz", "America/Chicago",
            "--type", "law-enforcement", "--duration", "60", "--place", "Oficina 4, 200 W Main St, Chicago")
    assert r.exit_code == 0, r
    aid = r.stdout.strip().splitlines()[-1]
    card = cli("appointments", "card", aid, "--lang", lang, "-f", "txt")
    assert card.exit_code == 0, card
    title = card.stdout.splitlines()[0]
    assert title in ("Su cita", "Your appointment"), title
    for word in ("autoridad", "Entrevista", "enforcement", "interview", "police", "policía"):
        assert word.lower() not in card.stdout.lower(), word
    assert "Entrevista con autoridades" in cli("appointments", "card", aid, "--lang", "es", "-f", "txt",
                                               "--label").stdout


def test_medical_and_benefits_titles_read_naturally_in_spanish():
    from advocate.appointments.log import types

    assert types()["medical"]["label_es"] == "Consulta médica"  # not "Su cita: Cita médica"
    assert types()["benefits"]["label_es"] == "Oficina de apoyos del gobierno"  # not the calque "beneficios"


def test_the_card_names_the_places_own_town_for_the_time(cli, appts):
    """A Miami appointment read '(hora de Nueva York)': someone in Miami may think it is another time."""
    es, en = _clinic_card(cli, appts, "305-555-0100")
    assert "hora de Miami" in es and "Nueva York" not in es
    assert "Miami time" in en and "New York" not in en
    # a free-text place keeps the zone's own city
    assert "hora de Tijuana" in cli("appointments", "card", appts["tijuana"], "--lang", "es", "-f", "txt").stdout


@pytest.mark.parametrize(("place", "tz", "phrase"), [
    ("Jackson Memorial, Miami", "America/New_York", "hora de Miami"),
    ("1611 NW 12th Ave, Miami, FL 33136", "America/New_York", "hora de Miami"),
    ("JACKSON MEMORIAL, MIAMI", "America/New_York", "hora de Miami"),
    ("Clínica, Miami, OK", "America/New_York", "hora de Nueva York"),  # Oklahoma's Miami keeps Central time
    ("Corte, Dallas", "America/New_York", "hora de Nueva York"),  # "Dallas" is the Texan one, not Georgia's
    ("Corte, Dallas, GA", "America/New_York", "hora de Dallas"),
    ("Bellevue, New York", "America/New_York", "hora de Nueva York"),  # the zone's own city, in Spanish
    ("Corte de inmigración", "America/Chicago", "hora de Chicago"),  # no town in the text
    # a state or country where the town would be is never the town (a case manager's review: "Clínica, Seattle,
    # Washington" in an Eastern zone read "hora de Washington", D.C.'s time, three hours off Seattle's)
    ("Clínica, Seattle, Washington", "America/New_York", "hora de Nueva York"),
    ("Clínica, Gary, Indiana", "America/New_York", "hora de Nueva York"),  # Gary keeps Central time
    ("Albergue, Tijuana, B.C., México", "America/Mexico_City", "hora de la Ciudad de México"),
    ("Hospital Civil, Oaxaca, México", "America/Mexico_City", "hora de la Ciudad de México"),
    ("Consulado, CIUDAD DE MÉXICO", "America/Mexico_City", "hora de la Ciudad de México"),
    ("Oficina, Av. Juárez 100, Centro", "America/Mexico_City", "hora de la Ciudad de México"),  # a neighbourhood
    ("Clínica, Midtown", "America/New_York", "hora de Nueva York"),  # a small town's name: not enough
    ("Clinic, MCALLEN, TX", "America/Chicago", "hora de McAllen"),  # written in capitals: the town's own spelling
    ("Clínica, Centro, El Paso", "America/Denver", "hora de El Paso"),
    ("Clínica, 200 Main St, Suite 4", "America/Chicago", "hora de Chicago"),
])
def test_a_free_text_place_names_its_own_town_for_the_time(cli, appts, place, tz, phrase):
    """'(hora de Nueva York)' on a card for a Miami clinic typed as free text: the town the text ends with is named
    when the best-known town of that name (in the state given, if any) keeps the appointment's zone."""
    r = cli("appt", "log", "--client", appts["code"], "--when", "2031-05-06 10:00", "--tz", tz, "--type", "medical",
            "--duration", "60", "--place", place)
    assert r.exit_code == 0, r
    card = cli("appointments", "card", r.stdout.strip().splitlines()[-1], "--lang", "es", "-f", "txt").stdout
    assert f"({phrase})" in card, card


def test_the_advocate_reads_each_lines_caution_before_handing_the_card_over(cli):
    """The Mexico card's first line shares reports with police and prosecutors: its record says so, and now the
    advocate reads it on stderr (never on the card), in the interface language."""
    r = cli("--lang", "es", "card", "numbers", "--for", "MX", "-f", "txt")
    assert r.exit_code == 0, r
    assert "antes de entregar el papel, Línea Nacional contra la Trata de Personas (México): El Consejo Ciudadano " \
           "comparte el análisis de los reportes con policía" in r.stderr
    assert "policía" not in r.stdout and "antes de entregar" not in r.stdout
    en = cli("--lang", "en", "card", "numbers", "--for", "MX", "-f", "txt")
    assert "before you hand over the paper, Mexico National Anti-Trafficking Hotline" in en.stderr or \
           "before you hand over the paper, " in en.stderr and "police" in en.stderr


def test_a_consular_line_keeps_its_own_name_when_it_labels_nothing(cli):
    """The Mexico card called CIAM "Consulado de México", for a person who is in Mexico."""
    mx = cli("--lang", "es", "card", "numbers", "--for", "MX", "-f", "txt").stdout
    assert "CIAM - Centro de Información y Asistencia a Personas Mexicanas" in mx and "Consulado de México" not in mx


def test_a_vanity_spelling_is_not_printed(cli):
    """"1-800-799-SAFE" tells whoever finds the card what the line is for (and means nothing in Spanish); its digits
    are on the card already."""
    for lang in ("es", "en"):
        out = cli("card", "numbers", "--for", "US", "--lang", lang, "-f", "txt").stdout
        assert "1-800-799-7233" in out and "SAFE" not in out and "HOPE" not in out
    assert "1-800-799-SAFE" in cli("card", "numbers", "--for", "US", "--label", "-f", "txt").stdout


def test_the_card_lists_the_papers_to_bring_from_appointment_prep(cli, appts, store):
    """The "papers to bring" answer of appointment-prep is saved under prep.papers as free text; the card read
    item 'papers' and showed only its defaults."""
    from advocate.checklists.model import get_checklist
    from advocate.checklists.progress import save_answers, written_answer

    before = cli("appointments", "card", appts["chicago"], "--lang", "es", "-f", "txt").stdout
    assert "pasaporte" not in before
    r = cli("checklist", "fill", "appointment-prep", "--client", appts["code"],
            "--set", "papers=citatorio de la corte y pasaporte")
    assert r.exit_code == 0, r
    for lang in ("es", "en"):
        card = cli("appointments", "card", appts["chicago"], "--lang", lang, "-f", "txt")
        assert card.exit_code == 0, card
        bring = card.stdout.split("QUÉ LLEVAR" if lang == "es" else "WHAT TO BRING")[1]
        assert "citatorio de la corte y pasaporte" in bring.split("\n\n")[0], card.stdout
    # the core reads it the way the checklist saved it; an "unknown" answer is no list of papers
    assert written_answer(store, appts["code"], "appointment-prep", "prep.papers") == \
        "citatorio de la corte y pasaporte"
    doc, _src = get_checklist("appointment-prep")
    save_answers(store, appts["code"], doc, [("papers", "unknown", None)])
    assert written_answer(store, appts["code"], "appointment-prep", "prep.papers") is None
    assert "pasaporte" not in cli("appointments", "card", appts["chicago"], "--lang", "es", "-f", "txt").stdout


def test_a_consulates_call_centre_number_is_printed_with_what_it_is(cli, appts):
    """The Miami consulate has no number of its own in the bundled list, only CIAM's (Tucson), which routes calls
    to it: the card printed "Teléfono: +1 520 623 7874" under the Coral Gables address, as if it were the office's."""
    r = cli("appt", "log", "--client", appts["code"], "--when", "2031-05-06 10:00", "--type", "consulate",
            "--duration", "60", "--service", "consulate-miami-fl")
    assert r.exit_code == 0, r
    aid = r.stdout.strip().splitlines()[-1]
    es = cli("appointments", "card", aid, "--lang", "es", "-f", "txt").stdout
    en = cli("appointments", "card", aid, "--lang", "en", "-f", "txt").stdout
    assert "+1 520 623 7874 (CIAM (24 h) comunica con este consulado)" in es, es
    assert "+1 520 623 7874 (CIAM (24/7) routes calls to this consulate)" in en, en


def test_a_directory_extension_is_written_out_on_the_card(cli, appts):
    """"305-555-0100 x429" on a Spanish card: "x" is no extension in Spanish; the sheet already wrote it out."""
    es, en = _clinic_card(cli, appts, "305-555-0100 x429")
    assert "305-555-0100, extensión 429" in es
    assert "305-555-0100, ext. 429" in en


def _clinic_card(cli, appts, phone: str) -> tuple[str, str]:
    """The Spanish and English text cards of an appointment at a Miami clinic added with ``phone``."""
    sid = cli("services", "add", "--name", "Clínica del Sol", "-c", "medical", "--location", "33130",
              "--address", "100 SW 8th St", "--phone", phone).stdout.strip()
    r = cli("appt", "log", "--client", appts["code"], "--when", "2031-05-06 10:00", "--type", "medical",
            "--duration", "60", "--service", sid)
    assert r.exit_code == 0, r
    aid = r.stdout.strip().splitlines()[-1]
    return tuple(cli("appointments", "card", aid, "--lang", lang, "-f", "txt").stdout for lang in ("es", "en"))


# Line breaks measured in headless Chromium on the wallet card (DejaVu Sans 7.5 pt, 3.14 in wide): the estimate may
# say more lines than the browser draws, never fewer (a line it thinks fits must fit, or the box clips a number).
@pytest.mark.parametrize("label,value,drawn", [
    ("Línea de ayuda 24 h", "llame al 1-888-373-7888 (24 h, más de 200 idiomas); mande un mensaje de texto al 233733", 3),
    ("Alguien con quien hablar 24 h",
     "llame al 988 (marque 2 para español); mande un mensaje de texto al 988 (escriba AYUDA para español)", 3),
    ("Help line, 24 h", "call 1-888-373-7888 (24/7, 200+ languages); text 233733", 2),
    ("Someone to talk to, 24 h", "call 800 911 2000 (24 h, free)", 1),
    ("Línea de ayuda 24 h", "llame al 079 (marque la opción 1)", 1),
    ("Emergencias", "llame al 911 (emergencias, 24 h)", 1),
    ("Alguien con quien hablar 24 h", "llame al 800 911 2000 (24 h, gratuita)", 2),
])
def test_wallet_line_estimate_is_never_short_of_the_browser(label, value, drawn):
    words = [(w, 1.0) for w in f"{label}:".split()] + [(w, 1.1) for w in value.split()]
    assert drawn <= cards.wallet_rows(words) <= drawn + 1


@pytest.mark.parametrize("country", ["US", "MX"])
@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_wallet_card_holds_whole_lines_and_names_what_it_left_off(cli, country, lang):
    """The wallet card's box clipped what did not fit: the U.S. card in Spanish printed three lines, half of the
    domestic violence line's and nothing of two more. What does not fit whole is left off and said on stderr."""
    r = cli("--lang", "en", "card", "numbers", "--for", country, "--lang", lang, "-f", "html")
    assert r.exit_code == 0, r
    assert "overflow: hidden" not in r.stdout  # a line that somehow does not fit shows past the border, not gone
    title = re.search(r"<h1>(.*?)</h1>", r.stdout).group(1)
    shown = re.findall(r'<p>(.*?): <span class="v">(.*?)</span></p>', r.stdout)
    assert shown
    used = cards.wallet_rows([(w, 1.1) for w in title.split()], px=8.5 * 96 / 72) * cards._WALLET_TITLE_LINE_PX
    used += sum(cards.wallet_rows([(w, 1.0) for w in f"{a}:".split()] + [(w, 1.1) for w in b.split()])
                * cards._WALLET_LINE_PX + cards._WALLET_GAP_PX for a, b in shown)
    assert used <= cards._WALLET_ROOM_PX + cards._WALLET_GAP_PX + 0.04 * 96
    left = [ln for ln in r.stderr.splitlines() if "has no room for it" in ln]
    for line in left:
        assert line.rsplit(": ", 1)[-1] not in r.stdout
    assert not any("--label" in ln for ln in r.stderr.splitlines()[-1:]) or not left  # --label brings no room
    # a printed card lists whole lines; a txt or md one, which has no size, keeps every line
    full = cli("--lang", "en", "card", "numbers", "--for", country, "--lang", lang, "-f", "txt")
    assert "has no room" not in full.stderr
    if (country, lang) == ("US", "es"):
        assert left and "1-800-799-7233" not in r.stdout and "1-800-799-7233" in r.stderr
        assert "1-800-799-7233" in full.stdout
        es = cli("card", "numbers", "--for", country, "--lang", lang, "-f", "html")
        assert "no cabe en la tarjeta y se dejó fuera: Línea de ayuda 24 h: llame al 1-800-799-7233" in es.stderr
