"""`advocate services ...`: near, show, categories, languages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from advocate.cli.common import (
    ForceOpt,
    Format,
    FormatOpt,
    WideOpt,
    YesOpt,
    confirmed,
    info,
    interactive,
    overwrite,
    say_dropped,
    state,
)
from advocate.errors import ExitStatus
from advocate.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from advocate.cli.common import State
    from advocate.store import Store

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

# Shared filter options (near, batch and search use the same bundle)
CategoryOpt = Annotated[list[str] | None, typer.Option(
    "--category", "-c", metavar="CATEGORY",
    help=N_("Only these categories (repeatable), e.g. -c shelter -c legal-immigration; a group such as -c legal "
            "means every legal category. See `services categories`."))]
LanguageOpt = Annotated[list[str] | None, typer.Option(
    "--language", "-l", metavar="LANG",
    help=N_("Only services in this language (repeatable): ISO 639-1/639-3 code or name; a group (mixtec, zap) "
         "matches every variant. Staff who speak it and interpretation are told apart."))]
StaffOnlyOpt = Annotated[bool, typer.Option(
    "--staff-only", help=N_("With -l: only services whose staff speak the language (not through interpreters)."))]
WithinOpt = Annotated[str | None, typer.Option(
    "--within", "-w", metavar="DISTANCE", help=N_('Search radius: "25mi", "40km"; a plain number means miles. '
                                               "Default: 50mi (config: default_within)."))]
NationalFromOpt = Annotated[str | None, typer.Option(
    "--national-from", metavar="US|MX|all",
    help=N_("National lines that work when dialled from this country (default: the place's country), e.g. a U.S. "
         "advocate giving numbers to family in Mexico: --national-from MX."))]
LimitOpt = Annotated[int, typer.Option("--limit", "-n", min=1, max=10000, help=N_("Local results to show at most."))]
OnlineOpt = Annotated[bool, typer.Option(
    "--online", help=N_("Allow the online geocoder for this lookup (street addresses). Off by default."))]

_NW = {"no_wrap": True}
_WORDS = {"words": True}  # wrapped between words, never inside one
NEAR_TABLE = [("rank", "#", _NW), ("name", N_("Service"), {"min_width": 14}), ("distance", N_("Dist."), _NW),
              ("where", N_("Where"), {"drop": 2}), ("phone", N_("Phone / text"), {"min_width": 12, "words": True}),
              ("langs", N_("Lang."), {"max_width": 12, "drop": 1}), ("note", N_("Check"), {"max_width": 16}),
              ("short_id", "ID", {"keep": True})]


def _id_column(store: Store, table: list[tuple]) -> list[tuple]:
    """``table`` whose ID column may shorten a long id to a unique prefix and "…" (which `services show`
    and every --service accept) when the terminal is too narrow for the names to stay readable."""
    from advocate.directory.search import shortened_id

    return [(key, header, {**opts, "shorten": lambda text, width: shortened_id(store, text, width)})
            if opts.get("keep") else (key, header, *([opts] if opts else [])) for key, header, *rest in table
            for opts in [rest[0] if rest else {}]]


def _with_unit(within: str) -> str:
    """ "25" -> "25 mi" (a plain number means miles), "40km" -> "40 km": a radius always says its unit."""
    import re

    m = re.match(r"^\s*([\d.]+)\s*([a-zA-Z]*)\s*$", str(within))
    if not m:
        return str(within)
    unit = (m.group(2) or "mi").lower()
    return f"{m.group(1)} {'km' if unit.startswith('k') else 'mi'}"


def _filters(category, language, staff_only):
    from advocate.directory.search import Filters

    return Filters.parse(category, language, staff_only)


def _country_name(code: str) -> str:
    return {"US": _("the U.S."), "MX": _("Mexico")}.get(code, code)


def _line_cell(line: dict, spanish: bool, home: str | None = None) -> str:
    """One line in a table cell: a phone number as is, other kinds named; the label in the interface language.
    A line that cannot be dialled from the place's country (a U.S. number shown for Oaxaca with --national-from
    all) says so."""
    from advocate.directory.national import line_text

    if line["kind"] != "phone":
        text = line_text(line, with_scope=False, spanish=spanish)
    else:
        label = (line.get("label_es") if spanish else None) or line.get("label")
        text = f'{line["number"]} ({label})' if label else line["number"]
    where = line.get("from") or []
    if home in ("US", "MX") and where and home not in where:
        text += " - " + _("does not work from {country}").format(country=_country_name(home))
    return text


def approximate_distance(miles: float) -> str:
    """A distance to or from a point that is only a ZIP's or a town's centre: whole miles, never "0.0"
    (which would claim the same block): "~1 mi" up to a mile and a half, "~3 mi"."""
    from advocate.i18n import format_number

    return "~" + format_number(max(1, round(miles)), 0) + " mi"


def _decorate(rows: Sequence[Mapping[str, Any]], rough_origin: bool = False, home: str | None = None) -> list[dict]:
    """Terminal-only columns: rank, readable distance, place, caution marks. ``rough_origin``: the place
    searched from is only a town's centre (a ZIP without a point of its own), so every distance is rough.
    ``home``: the place's country (a line that does not work from there says so)."""
    from advocate.directory.search import cautions
    from advocate.i18n import current_language, format_number

    spanish = current_language() == "es"
    out = []
    rank = 0
    for row in rows:
        r = dict(row)
        if spanish and r.get("name_es"):
            r["name"] = r["name_es"]
        if r["scope"] == "local":
            rank += 1
            r["rank"] = str(rank)
            # "~" marks a distance to a ZIP or city centre, not to the door
            if r["distance_km"] is None:
                r["distance"] = ""
            elif r.get("approximate") or rough_origin:
                r["distance"] = approximate_distance(r["distance_mi"])
            else:
                r["distance"] = format_number(r["distance_mi"], 1) + " mi"
            r["where"] = ", ".join(x for x in (r.get("city"), r.get("region")) if x)
        else:
            r["rank"] = "-"
            r["distance"] = _("national") if r["scope"] == "national" else ""
            r["where"] = r.get("country") or ""
        langs = list(r.get("languages") or [])
        interp = [_("+{code} interp.").format(code=c) if c != "mul" else _("+interp.")
                  for c in r.get("interpretation") or []]
        r["langs"] = langs + interp
        r["note"] = ", ".join(c.text() for c in cautions(r))
        r["short_id"] = r["id"].removeprefix("advocate-bundled:")
        if r.get("lines"):
            # only a national line (toll-free, a short code) truly cannot be dialled from the other country; a
            # local office's own number can, with the exit code (the El Paso consulate's, from Ciudad Juárez, read
            # "does not work from Mexico" beside CIAM's row giving the same CIAM number "from Mexico")
            there = (home or "").upper() if r["scope"] != "local" else None
            r["phone"] = "\n".join(_line_cell(ln, spanish, there) for ln in r["lines"])
        else:
            r["phone"] = "\n".join(x for x in (r.get("phone"), r.get("text_line")) if x)
        out.append(r)
    return out


SheetLangOpt = Annotated[str, typer.Option("--sheet-lang", metavar="es|en",
                                           help=N_("The sheet's language (the survivor's): es or en."))]


@app.command()
def near(
    ctx: typer.Context,
    location: Annotated[str, typer.Argument(metavar="PLACE", help=N_('A US ZIP, "City, ST", "Ciudad, Estado" (Mexico) or "lat,lon".'))],
    within: WithinOpt = None,
    category: CategoryOpt = None,
    language: LanguageOpt = None,
    staff_only: StaffOnlyOpt = False,
    limit: LimitOpt = 10,
    no_national: Annotated[bool, typer.Option("--no-national", help=N_("Leave out national hotlines and remote services."))] = False,
    national_from: NationalFromOpt = None,
    online: OnlineOpt = False,
    fmt: FormatOpt = Format.table,
    sheet: Annotated[str | None, typer.Option("--sheet", metavar="FILE", help=N_(
        "Also write a referral sheet of the rows listed to FILE (.html, .txt or .md), for the survivor to carry; "
        "neutral words only."))] = None,
    sheet_lang: SheetLangOpt = "es",
    force: ForceOpt = False,
    wide: WideOpt = False,
):
    """Services near a place, nearest first, then the national lines that work from the place's country.

    National rows are survivor-first (the country's trafficking hotline, then crisis, DV and sexual-assault
    lines, consular help, the rest); law-enforcement lines only with -c law-enforcement.

    Examples: advocate services near 10001 ; advocate services near "Tijuana, BC" -c consular ;
    advocate services near "Los Angeles, CA" -l mixtec -f json
    """
    from advocate.directory.search import ROW_FIELDS, services_near
    from advocate.geo.parse import parse_distance
    from advocate.geo.resolve import resolve_place

    st = state(ctx)
    cfg = st.config()
    filters = _filters(category, language, staff_only)
    within_km = parse_distance(within or cfg.default_within)
    within_text = _with_unit(within or cfg.default_within)
    sheet_target = _sheet_target(sheet, sheet_lang, force)  # a refused file fails before any lookup
    store = st.store()
    place = resolve_place(location, online=online or cfg.online_geocoding, store=store, progress=info,
                          geocoder=st.geocoder())
    if place.note:
        info(place.note)
    rows = services_near(store, place, within_km=within_km, limit=limit, filters=filters,
                         national=not no_national, stale_months=cfg.stale_after_months,
                         national_from=national_from)
    from advocate.render import render

    if fmt == Format.table:
        local = sum(1 for r in rows if r["scope"] == "local")
        counts = ngettext("{n} local", "{n} local", local).format(n=local)
        if not no_national:
            national = len(rows) - local
            counts += ", " + ngettext("{n} national", "{n} national", national).format(n=national)
        title = _("Near {place} (within {within}): {counts}").format(place=place.label, within=within_text,
                                                                   counts=counts)
        render(_decorate(rows, place.town_centre, place.country), "table", table_columns=_id_column(store, NEAR_TABLE), title=title, wide=wide, on_dropped=say_dropped,
               empty_message=_("No services found near {label}; try a wider --within or fewer filters.").format(label=place.label))
        if any(r.get("confidence") in ("medium", "low") for r in rows):
            info(_("Rows marked verify rest on medium- or low-confidence facts: see `advocate services show ID` "
                   "for the caution, and confirm before sending someone."))
        if any(r.get("beyond_radius") for r in rows):
            info(_("No consulate within {within}; the nearest ones are shown.").format(within=within_text))
        _national_note(rows)
    else:
        render(_machine(rows, fmt), fmt.value, columns=list(ROW_FIELDS))
    if sheet_target is not None:
        _write_sheet(st, [r["id"] for r in rows], sheet_target, place=place, country=_dialled_from(rows, place))


def _dialled_from(rows: Sequence[Mapping[str, Any]], place) -> str | None:
    """The country the national numbers were chosen for (US or MX), else the place's."""
    where = next((r.get("dialled_from") for r in rows if r.get("dialled_from")), None)
    where = where if where in ("US", "MX") else (place.country or "").upper()
    return where if where in ("US", "MX") else None


def _sheet_target(sheet: str | None, sheet_lang: str, force: bool):
    """(path, format, language) for --sheet, checked (and agreed to) before anything is looked up."""
    if not sheet:
        return None
    from advocate.cards import card_language
    from advocate.files import output_path

    lang = card_language(sheet_lang)
    suffix = Path(sheet).suffix.lower().lstrip(".")
    fmt = {"txt": "txt", "text": "txt", "md": "md", "markdown": "md"}.get(suffix, "html")
    return output_path(sheet, default_name=f"sheet.{fmt}", **overwrite(force)), fmt, lang


def _write_sheet(st: State, ids: list[str], target, *, place, country: str | None) -> None:
    from advocate.cli.cards import emit_card
    from advocate.sheet import referral_sheet

    path, fmt, lang = target
    if not ids:
        info(_("No sheet written: no services were listed."))
        return
    made = referral_sheet(st.store(), ids, lang, place=place, country=country,
                          organization=st.config().organization_name or None)
    emit_card(made, fmt, str(path), True)  # the file was checked (and agreed to) before the lookup


def _national_note(rows: Sequence[Mapping[str, Any]]) -> None:
    """Say from where the national numbers shown can be dialled, and warn about law-enforcement rows."""
    nat = [r for r in rows if r.get("scope") == "national"]
    if nat:
        where = nat[0].get("dialled_from") or "all"
        if where == "all":
            info(_("National lines from every country are shown; each line says where it can be dialled from "
                   "(services show ID)."))
        else:
            info(_("National lines shown work when dialled from {country}; --national-from US|MX|all shows "
                   "another set.").format(country=where))
    for r in rows:
        if r.get("law_enforcement"):
            info(_("{name} is law enforcement: {caution}").format(name=r["name"], caution=r.get("caution") or ""))


def _machine(rows: Sequence[Mapping[str, Any]], fmt: Format) -> Sequence[Mapping[str, Any]]:
    """CSV/TSV cells cannot hold the list of lines: write them as words there."""
    if fmt.value not in ("csv", "tsv"):
        return rows
    from advocate.directory.national import line_text

    return [{**r, "lines": "; ".join(line_text(ln) for ln in r.get("lines") or [])} for r in rows]


@app.command()
def show(
    ctx: typer.Context,
    service_id: Annotated[str, typer.Argument(metavar="ID", help=N_("A service id from `services near`."))],
    fmt: FormatOpt = Format.table,
):
    """Everything known about one service."""
    from advocate.directory.search import get_service
    from advocate.render import render_record

    st = state(ctx)
    row = get_service(st.store(), service_id, stale_months=st.config().stale_after_months)
    if fmt != Format.table:
        render_record(row, fmt.value, title=row["name"])
        return
    from advocate.i18n import current_language
    from advocate.labels import SERVICE_VALUES, labelled, value_label

    spanish = current_language() == "es"
    render_record(labelled(_show_table(row, _imported_on(st.store(), row)), SERVICE_VALUES), "table",
                  title=(row.get("name_es") if spanish else None) or row["name"])
    if row.get("confidence") in ("medium", "low") or row.get("law_enforcement"):
        caution = (row.get("caution_es") if spanish else None) or row.get("caution")
        info(_("Caution ({confidence} confidence): {caution}").format(
            confidence=value_label("confidence", row["confidence"]), caution=caution or _("verify before use.")))


def _imported_on(store: Store, row: Mapping[str, Any]) -> str | None:
    """When the directory a row came from was last imported (None for the bundled lines)."""
    from advocate.directory.sources import get_source
    from advocate.errors import NotFound

    if row.get("source_date") or row.get("last_verified"):
        return None
    try:
        return get_source(store, row.get("source") or "").get("last_pulled")
    except NotFound:
        return None


def _show_table(row: Mapping[str, Any], imported: str | None = None) -> dict:
    """The record for a terminal: each line with where it works from and its own source and date."""
    from advocate.directory.national import line_text
    from advocate.i18n import current_language

    # "precision" says again what "approximate" says (the table shows that one, in words)
    out = {k: v for k, v in row.items()
           if k not in ("lines", "locations", "citation", "citation_url", "source_date", "precision")}
    record_source = _source_words(row, imported)
    lines = []
    for ln in row.get("lines") or []:
        own = bool(ln.get("source"))
        src = ln.get("source") or row.get("citation") or row.get("source")
        when = ln.get("source_date") or (_("undated") if own else row.get("source_date") or row.get("last_verified"))
        conf = ln.get("confidence") or row.get("confidence")
        lines.append({"line": line_text(ln, spanish=current_language() == "es"),
                      "source": _("source: {source} ({date}; {confidence})").format(source=src, date=when or "?",
                                                                                  confidence=conf)})
    out["lines"] = lines or None
    out["category_evidence"] = _evidence_lines(row.get("category_evidence") or []) or None
    out["source_of_facts"] = record_source + (f'\n{row["citation_url"]}' if row.get("citation_url") else "")
    if row.get("locations"):
        out["locations"] = row["locations"]
    return out


def _source_words(row: Mapping[str, Any], imported: str | None) -> str:
    """Who said a record's facts and when: "Open211 Miami (2019-03-01)"; an imported directory that dated nothing
    says so and when it was imported, never a bare "?"."""
    source = row.get("citation") or row.get("source") or _("unknown source")
    said = row.get("source_date") or row.get("last_verified")
    if said:
        return _("{source} ({date})").format(source=source, date=said)
    if imported:
        return _("{source} (undated; imported {date})").format(source=source, date=imported[:10])
    return _("{source} (undated)").format(source=source)


def _description_column() -> str:
    from advocate.i18n import current_language

    return "description_es" if current_language() == "es" else "description_en"


def _evidence_lines(evidence: list[dict]) -> list[dict]:
    """Why each category was given, one line each, in the interface language."""
    from advocate.i18n import _

    words = {"keyword": _("{category}: guessed from the words {reason}"),
             "taxonomy": _("{category}: from the directory's own code, {reason}"),
             "rule": _("{category}: an enforcement or detention body ({reason}); never listed as help")}
    return [{"why": words.get(e["basis"], "{category}: {reason}").format(category=e["category"], reason=e["reason"])}
            for e in evidence]


@app.command()
def sheet(
    ctx: typer.Context,
    service_ids: Annotated[list[str], typer.Argument(metavar="ID...", help=N_(
        "Service ids from `services near` or `services search`, in the order the sheet lists them."))],
    near_: Annotated[str | None, typer.Option("--near", metavar="PLACE", help=N_(
        'Where the person starts from (ZIP, "City, ST", "lat,lon"): each place gets a distance and direction.'))] = None,
    for_: Annotated[str | None, typer.Option("--for", metavar="MX|US", help=N_(
        "The country the person will call from (default: the --near place's, else each service's own)."))] = None,
    lang: Annotated[str, typer.Option("--lang", metavar="es|en",
                                      help=N_("The sheet's language (the survivor's): es or en."))] = "es",
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="html|txt|md",
                                     help=N_("html (prints on letter or half-letter paper), txt or md."))] = "html",
    paper: Annotated[str, typer.Option("--paper", metavar="letter|half-letter",
                                       help=N_("The paper size of the html sheet."))] = "letter",
    output: Annotated[str | None, typer.Option("--output", "-o", metavar="FILE",
                                               help=N_("Write the sheet to FILE instead of stdout."))] = None,
    force: ForceOpt = False,
    label: Annotated[bool, typer.Option("--label", help=N_(
        "Print the real names of services and lines, and the organization's name (default: neutral words only)."))] = False,
):
    """A referral sheet for the survivor to carry: each service's address, a direction line, phones that work from
    where the person calls, hours, languages spoken, whether to call first and what to bring. No client code, and
    no labelling word unless --label.

    Example: advocate services sheet miami:308 us-988 --near "Miami, FL" --lang es -o hoja.html
    """
    from advocate.cards import card_language
    from advocate.cli.cards import emit_card
    from advocate.sheet import referral_sheet, sheet_country

    st = state(ctx)
    language = card_language(lang)
    country = sheet_country(for_)
    if output and output != "-":  # a refused file fails before anything is looked up
        from advocate.files import output_path

        output = str(output_path(output, default_name=f"sheet.{fmt}", **overwrite(force)))
        force = True
    store = st.store()
    place = None
    if near_:
        from advocate.geo.resolve import resolve_place

        place = resolve_place(near_, store=store, online=st.config().online_geocoding, progress=info)
        if place.note:
            info(place.note)
    made = referral_sheet(store, service_ids, language, place=place, country=country, label=label,
                          organization=st.config().organization_name or None, paper=paper)
    emit_card(made, fmt, output, force)


@app.command()
def categories(
    fmt: FormatOpt = Format.table,
):
    """The category vocabulary, in English and Spanish, and the groups one -c word stands for (-c legal)."""
    from advocate.directory.vocab import CATEGORY_GROUPS
    from advocate.directory.vocab import categories as cats
    from advocate.render import render

    rows = [{"id": c["id"], "label_en": c["label_en"], "label_es": c["label_es"],
             "description_en": c["description_en"], "description_es": c["description_es"], "members": ""}
            for c in cats().values()]
    table = cats()
    groups = [{"id": g, "label_en": " + ".join(table[m]["label_en"] for m in members),
               "label_es": " + ".join(table[m]["label_es"] for m in members), "description_en": "",
               "description_es": "", "members": " ".join(members)} for g, members in CATEGORY_GROUPS.items()]
    if fmt != Format.table:
        render(rows + groups, fmt.value, columns=list(rows[0]))
        return
    render(rows, "table", columns=list(rows[0]),
           table_columns=[("id", "Id", {"keep": True}), ("label_en", N_("English")), ("label_es", N_("Spanish")),
                          (_description_column(), N_("What it covers"))])
    render(groups, "table", title=_("Groups: one -c word for several categories"),
           table_columns=[("id", "-c", {"keep": True}), ("members", N_("Means every one of"))])


@app.command()
def languages(
    ctx: typer.Context,
    search: Annotated[str | None, typer.Argument(metavar="TEXT", help=N_("Only languages whose code or name contains this."))] = None,
    unmapped: Annotated[bool, typer.Option("--unmapped", help=N_(
        "List the language words imported directories used that match no language here, with their counts."))] = False,
    fmt: FormatOpt = Format.table,
):
    """The language table: ISO 639-3 codes with English and Spanish names, Indigenous languages included."""
    from advocate.directory.vocab import languages as langs
    from advocate.directory.vocab import search_languages
    from advocate.render import render

    if unmapped:
        from advocate.directory.hsds import unmapped_languages

        found = unmapped_languages(state(ctx).store())
        render(found, fmt.value, columns=["text", "services"],
               table_columns=[("text", N_("As written")), ("services", N_("Services"))],
               empty_message=_("Every language word in the imported directories is in the table."))
        return
    rows = search_languages(search) if search else list(langs().values())
    columns = ["code", "iso639_1", "scope", "parent", "name_en", "name_es", "autonym", "countries", "notes"]
    render(rows, fmt.value, columns=columns,
           table_columns=[("code", N_("Code"), {"keep": True}), ("iso639_1", "639-1"), ("scope", N_("Scope")), ("parent", N_("Group")),
                          ("name_en", N_("English")), ("name_es", N_("Spanish")), ("autonym", N_("Autonym"))],
           empty_message=_('No language matches "{search}".').format(search=search))


def _is_url(text: str) -> bool:
    import re

    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", text or ""))


TimeoutOpt = Annotated[float, typer.Option(
    "--timeout", metavar="SECONDS", min=1, max=600,
    help=N_("With a URL: how long to wait for the server to answer before asking again."))]
AllowHttpOpt = Annotated[bool, typer.Option(
    "--allow-http", help=N_("With a URL: allow plain http (unencrypted), e.g. a server on this computer."))]


@app.command("import")
def import_(
    ctx: typer.Context,
    path: Annotated[str, typer.Argument(metavar="PATH|URL", help=N_(
        "A folder, .zip or datapackage.json (HSDS 1.x/2.x/3.x, Ohana CSV), HSDS 3 JSON, a spreadsheet (.xlsx or .csv, "
        "one row per service), or the https URL of an HSDS 3.x API."))],
    source: Annotated[str | None, typer.Option("--source", help=N_("Name for this directory (default: the folder name). "
                                                                "Importing the same source again updates it."))] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=N_("Read and count everything, change nothing."))] = False,
    rejects: Annotated[Path | None, typer.Option("--rejects", metavar="FILE", path_type=str,
                                                 help=N_("Write unusable rows and why to FILE (CSV)."))] = None,
    modified_after: Annotated[str | None, typer.Option("--modified-after", metavar="DATE", help=N_(
        "With a URL: only services changed on or after DATE (YYYY-MM-DD); none is marked inactive."))] = None,
    page_size: Annotated[int, typer.Option("--page-size", metavar="N", min=1, max=5000, help=N_(
        "With a URL: services per page to ask for."))] = 100,
    allow_http: AllowHttpOpt = False,
    timeout: TimeoutOpt = 30.0,
    force: ForceOpt = False,
    online: OnlineOpt = False,
    layout: Annotated[str, typer.Option("--layout", metavar="auto|hsds|sheet", help=N_(
        "How to read PATH: auto (an .xlsx, or a CSV that is not an HSDS table, is a sheet), hsds or sheet."))] = "auto",
    map_: Annotated[list[str] | None, typer.Option("--map", metavar="FIELD=COLUMN", help=N_(
        "Which sheet column holds a field (repeatable or comma-separated), e.g. `--map name=Organización,phone=Teléfono`; "
        "a column letter works too (phone=C); field= leaves a field out. Fields: name, organization, id, description, "
        "categories, phone, email, url, address, address_2, city, state, postal_code, country, latitude, longitude, "
        "coordinates, languages, interpretation, hours, eligibility, fees, notes, status, last_verified."))] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", metavar="NAME", help=N_(
        "The sheet of an .xlsx workbook to read (default: the first whose header names services)."))] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help=N_("table or json summary."))] = Format.table,
):
    """Import an Open Referral (HSDS) or 211 export, a spreadsheet, or an HSDS 3.x API. One transaction: a failure changes nothing.

    A spreadsheet's column names are guessed in English and Spanish (`Nombre`, `Teléfono`, `Idiomas`...);
    the summary shows the guess, and --map corrects it. Importing the edited sheet again updates its rows.

    A URL is the only time advocate goes online for a directory: it asks the server for its services, page by
    page, and sends nothing from the store. Examples: advocate services import ./open211-miami --source miami-211 ;
    `advocate services import recursos.xlsx --source red-frontera --map name=Organización` ;
    `advocate services import https://api.example.org/hsds --source county-211`
    """
    from advocate.directory.sheet import parse_map
    from advocate.errors import InputError
    from advocate.files import output_path
    from advocate.render import render_record

    mapping = parse_map(map_) if map_ else None
    st = state(ctx)
    url = _is_url(path)
    if url and (map_ or sheet is not None or layout == "sheet"):
        raise InputError(_("a URL is read as an HSDS API; a column mapping and a sheet name are for spreadsheet files"),
                         field="map" if map_ else "sheet" if sheet is not None else "layout")
    if not url:
        for given, field in ((modified_after, "modified_after"), (allow_http, "allow_http")):
            if given:
                raise InputError(_("this option is for importing from an API URL, not from a file or folder"),
                                 field=field)
    else:  # a refused address fails before the store is opened
        from advocate.directory.hsds_api import normalize_url, parse_modified_after

        normalize_url(path, allow_http=allow_http)
        parse_modified_after(modified_after)
    if rejects:  # a refused rejects file fails before the store is opened
        rejects = output_path(rejects, default_name="rejects.csv", **overwrite(force))
    import contextlib

    from advocate.store import resolve_path
    from advocate.workspace import open_store

    with contextlib.ExitStack() as scratch:
        if dry_run and not resolve_path(st.db).exists():
            # a dry run changes nothing, and that includes not creating a store: it reads into a scratch one
            from advocate.staging import DRY_RUN_PREFIX, StagingFolder

            staging = StagingFolder(DRY_RUN_PREFIX)  # removed at the next start if this command is killed
            scratch.callback(staging.cleanup)
            folder = staging.name
            store = open_store(Path(folder) / "dry-run.db")
            scratch.callback(store.close)
            info(_("There is no store at {path} yet; the dry run reads into a scratch one and creates nothing.")
                 .format(path=resolve_path(st.db)))
        else:
            store = st.store()
        if url:
            from advocate.directory.hsds_api import HttpOptions, import_api

            with _api_progress() as bar:
                stats = import_api(store, path, source=source, modified_after=modified_after, page_size=page_size,
                                   allow_http=allow_http, dry_run=dry_run, rejects_path=rejects, force=True,
                                   online=online or st.config().online_geocoding, on_page=bar.page,
                                   progress=bar.write, http=HttpOptions(timeout=timeout), geocoder=st.geocoder())
        else:
            from advocate.directory.hsds import import_directory

            remember = True
            if mapping is None and interactive():  # a sheet's columns we could not guess: ask, offer to remember
                mapping, remember = _ask_mapping(store, Path(path), source=source, layout=layout, sheet=sheet)
            with _progress(_("Importing services")) as tick:
                stats = import_directory(store, Path(path), source=source, dry_run=dry_run, rejects_path=rejects,
                                         force=True, online=online or st.config().online_geocoding, progress=tick,
                                         layout=layout, mapping=mapping, sheet=sheet, geocoder=st.geocoder(),
                                         remember_mapping=remember)
    rejected = stats.pop("rejects")
    if fmt == Format.json:
        import json

        print(json.dumps(stats))
    else:
        shown: dict[str, Any] = dict(stats)  # the summary as the table shows it
        names = shown.pop("unmapped_language_names", [])
        shown["unmapped_language_names"] = [{"text": n["text"], "services": n["services"]} for n in names[:15]]
        if isinstance(shown.get("mapping"), dict):  # a sheet: which column fed which field, one per line
            shown["mapping"] = "; ".join(f"{f} \u2190 {c}" for f, c in shown["mapping"].items())
        render_record(shown, "table", title=_("Import (dry run: nothing changed)") if dry_run else _("Import"))
        if len(names) > 15:
            more = len(names) - 15
            info(ngettext("{n} more language word matched no language; see `advocate services languages --unmapped`.",
                          "{n} more language words matched no language; see `advocate services languages --unmapped`.",
                          more).format(n=more))
    if rejected and not rejects:
        info(ngettext("{rejected} row was rejected, id {value}: {reason}; --rejects FILE writes it to a file.",
                      "{rejected} rows were rejected, e.g. id {value}: {reason}; --rejects FILE lists them all.",
                      stats["rejected"]).format(rejected=stats['rejected'], value=rejected[0]['id'] or '(none)', reason=rejected[0]['reason']))


def _ask_mapping(store: Store, path: Path, *, source, layout, sheet) -> tuple[dict[str, str] | None, bool]:
    """On a terminal: what each column the guess left out holds, and whether the source remembers the answers."""
    from advocate.directory.hsds import _slug
    from advocate.directory.sheet import FIELDS, inspect_sheet, sheet_plan

    plan = sheet_plan(store, path, source=source, layout=layout, sheet=sheet)
    if not plan.is_sheet or plan.mapping:  # an HSDS export, or a source that remembers its columns
        return plan.mapping if plan.is_sheet else None, True
    found = inspect_sheet(path, sheet=plan.sheet)
    if not found.unmapped_columns:
        return None, True
    import questionary

    answers: dict[str, str] = {}
    for column in found.unmapped_columns:
        free = [f for f in FIELDS if f not in found.mapping and f not in answers]
        choices = [questionary.Choice(_("(leave it out)"), value=""),
                   *(questionary.Choice(f"{_(FIELDS[f])} ({f})", value=f) for f in free)]
        picked = questionary.select(_('What does the column "{column}" hold?').format(column=column),
                                    choices=choices).unsafe_ask()
        if picked:
            answers[picked] = column
    if not answers:
        return None, True
    from advocate.cli.common import ask_yes_no

    keep = ask_yes_no(_('Remember these columns for the source "{name}" (the next import and sync use '
                        "them)?").format(name=_slug(source or path.stem)), default=True, cancel_raises=True)
    return answers, bool(keep)


class _api_progress:
    """Rich progress on stderr for an API pull (pages, services, then the write); nothing off a terminal."""

    def __init__(self):
        self.bar = None
        self.tasks: dict[str, object] = {}

    def __enter__(self):
        import sys

        if sys.stderr.isatty():
            from rich.progress import Progress

            from advocate.render import console

            self.bar = Progress(console=console(stderr=True), transient=True)
            self.bar.start()
            self.tasks["pages"] = self.bar.add_task(_("Pages"), total=None)
            self.tasks["services"] = self.bar.add_task(_("Services read"), total=None)
        return self

    def page(self, page: int, total_pages: int | None, services: int) -> None:
        if self.bar is not None:
            self.bar.update(self.tasks["pages"], completed=page, total=total_pages)
            self.bar.update(self.tasks["services"], completed=services)

    def write(self, done: int, total: int) -> None:
        if self.bar is not None:
            if "write" not in self.tasks:
                self.tasks["write"] = self.bar.add_task(_("Importing services"), total=total)
            self.bar.update(self.tasks["write"], completed=done, total=total)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
        return False


SOURCES_TABLE = [("name", N_("Source"), {"keep": True}), ("kind", N_("Kind"), _WORDS),
                 ("layout", N_("Layout"), {"drop": 1, "words": True}),
                 ("location", N_("From"), {"min_width": 14}), ("last_pulled", N_("Last pulled"), _WORDS),
                 ("active_services", N_("Active"), {"no_wrap": True, "drop": 2}), ("counts", N_("What the last pull held"), _WORDS)]
SOURCE_KINDS = {"file": N_("file"), "folder": N_("folder"), "api": N_("API"), "sheet": N_("spreadsheet")}


def _short_location(location: str) -> str:
    """A path or URL that reads in a table: the home folder as ~, and a long path as …/name (the whole of it
    is in -f json)."""
    import os

    if "://" in location:
        return location.split("://", 1)[1].rstrip("/")
    home = os.path.expanduser("~")
    if home not in ("", "/") and location.startswith(home + os.sep):
        location = "~" + location[len(home):]
    parts = location.rstrip(os.sep).split(os.sep)
    return location if len(location) <= 24 or len(parts) <= 2 else "…" + os.sep + parts[-1]


def _pulled_when(stamp: str | None, zone: str | None) -> str:
    """ "29 nov 2026 / 12:12 p.m. / (hace 3 horas)": the date and time in the office's zone (home_timezone,
    else the machine's) and how long ago, in the interface language."""
    if not stamp:
        return ""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from babel.dates import format_skeleton

    from advocate.appointments.log import get_zone, local_zone_name
    from advocate.errors import InputError
    from advocate.i18n import babel_locale, format_time, format_timedelta

    try:
        tz = get_zone(zone or local_zone_name())
    except InputError:
        tz = ZoneInfo("UTC")
    when = datetime.fromisoformat(stamp).astimezone(tz)
    ago = format_timedelta(when - datetime.now(UTC), granularity="minute")
    return f"{format_skeleton('yMMMd', when, locale=babel_locale())}\n{format_time(when)}\n({ago})"


def _pull_counts(r: dict) -> str:
    """ "1,851 read: 1,851 new" with only the counts that are not zero after what was read."""
    from advocate.i18n import format_number

    parts = [ngettext("{n} new", "{n} new", r["imported"]), ngettext("{n} updated", "{n} updated", r["updated"]),
             ngettext("{n} rejected", "{n} rejected", r["rejected"]),
             ngettext("{n} inactivated", "{n} inactivated", r["inactivated"])]
    counts = [r["imported"], r["updated"], r["rejected"], r["inactivated"]]
    said = [p.format(n=format_number(n, 0)) for p, n in zip(parts, counts, strict=True) if n]
    read = ngettext("{n} read", "{n} read", r["services_read"]).format(n=format_number(r["services_read"], 0))
    return read + (": " + ", ".join(said) if said else "")


@app.command()
def sources(
    ctx: typer.Context,
    names: Annotated[list[str] | None, typer.Argument(metavar="[NAME]...", help=N_("Only these sources."))] = None,
    fmt: FormatOpt = Format.table,
):
    """The directories imported so far: where each came from, how, when it was last pulled and what it held.

    `services sync` pulls them again. Example: advocate services sources -f json
    """
    from advocate.directory.sources import FIELDS, list_sources
    from advocate.render import render

    rows = list_sources(state(ctx).store(), names)
    if fmt != Format.table:
        if fmt.value in ("csv", "tsv"):
            import json

            rows = [{**r, "options": json.dumps(r["options"], ensure_ascii=False)} for r in rows]
        render(rows, fmt.value, columns=FIELDS)
        return
    zone = state(ctx).config().home_timezone or None
    shown = [{**r, "counts": _pull_counts(r), "kind": _(SOURCE_KINDS.get(r["kind"], r["kind"])),
              "location": _short_location(r["location"] or ""), "last_pulled": _pulled_when(r["last_pulled"], zone)}
             for r in rows]
    render(shown, "table", table_columns=SOURCES_TABLE, on_dropped=say_dropped,
           empty_message=_("No directory has been imported yet; see `advocate services import`."))


SYNC_TABLE = [("source", N_("Source"), {"no_wrap": True}), ("change_label", N_("Change"), _NW),
              ("name", N_("Service"), {"min_width": 14}), ("fields_label", N_("What changed")),
              ("source_id", "ID", {"overflow": "fold"})]
CHANGE_LABELS = {"new": N_("new"), "updated": N_("updated"), "inactivated": N_("inactivated")}


@app.command()
def sync(
    ctx: typer.Context,
    names: Annotated[list[str] | None, typer.Argument(metavar="[NAME]...", help=N_(
        "Sources to pull again (default: every one in `services sources`)."))] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=N_("Show what would change, change nothing."))] = False,
    force: Annotated[bool, typer.Option("--force", help=N_(
        "Pull again even when the source says it has not changed (a file's content, an API's id listing)."))] = False,
    timeout: TimeoutOpt = 30.0,
    fmt: Annotated[Format, typer.Option("--format", "-f", help=N_("table or json."))] = Format.table,
):
    """Pull remembered directories again and show what changed: new services, updated ones (which fields), inactivated.

    An API source is asked only for what changed since its last pull, plus the list of ids it still has (to
    notice services that disappeared): the network is used for API sources only, and nothing from the store
    is sent. A file or folder is re-imported when its content changed. Each source is one transaction.
    Examples: advocate services sync ; advocate services sync county-211 --dry-run -f json
    """
    from advocate.directory.hsds_api import HttpOptions
    from advocate.directory.sync import SyncOptions
    from advocate.directory.sync import sync as run_sync
    from advocate.labels import field_label
    from advocate.render import render

    st = state(ctx)
    store = st.store()
    with _api_progress() as bar:
        options = SyncOptions(http=HttpOptions(timeout=timeout), on_page=bar.page, progress=bar.write,
                              online=st.config().online_geocoding, geocoder=st.geocoder(), force=force)
        reports = run_sync(store, names, dry_run=dry_run, options=options)
    if fmt == Format.json:
        import json

        print(json.dumps(reports, ensure_ascii=False))
        if dry_run:
            info(_("Dry run: nothing was changed."))
    else:
        def label(change):  # (a literal inside _() would be taken for a message by older Babel extractors)
            return _(CHANGE_LABELS[change])

        rows = [{**c, "source": r["source"], "change_label": label(c["change"]),
                 "fields_label": ", ".join(field_label(f) for f in c["fields"])}
                for r in reports for c in r["changes"]]
        render(rows, "table", table_columns=SYNC_TABLE,
               title=_("Sync (dry run: nothing changed)") if dry_run else _("Sync"),
               empty_message=_("Dry run: nothing would change, and nothing was changed.") if dry_run
               else _("Nothing changed."))
    for r in reports:
        if r["status"] == "failed":
            info(_("{source}: failed, left as it was: {error}").format(source=r["source"], error=r["error"]))
        elif r["status"] == "unchanged" and r.get("unchanged_since"):
            info(_("{source}: unchanged since {date}.").format(source=r["source"],
                                                               date=_utc_label(r["unchanged_since"])))
        elif r["status"] == "unchanged":
            info(_("{source}: no changes.").format(source=r["source"]))
        else:
            info(_("{source}: {new} new, {updated} updated, {inactivated} inactivated.").format(
                source=r["source"], new=r["new"], updated=r["updated"], inactivated=r["inactivated"]))
    if any(r["status"] == "failed" for r in reports):
        raise typer.Exit(ExitStatus.FAILURE)


def _utc_label(stamp: str) -> str:
    """2026-11-01T12:00:00Z -> 2026-11-01 12:00 UTC (the stamp as stored when it is not one)."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return stamp


class _progress:
    """A Rich progress bar on stderr while an import runs; nothing when stderr is not a terminal."""

    def __init__(self, label: str):
        self.label = label
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __enter__(self):
        import sys

        if sys.stderr.isatty():
            from rich.progress import Progress

            from advocate.render import console

            bar = self.bar = Progress(console=console(stderr=True), transient=True)
            bar.start()
            self.task = bar.add_task(self.label, total=None)
        return self.tick

    def tick(self, done: int, total: int):
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, completed=done, total=total)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
        return False


@app.command()
def export(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(metavar="FOLDER", help=N_("Folder to write the datapackage into (created if missing)."))],
    fmt: Annotated[str, typer.Option("--format", "-f", help=N_("csv (HSDS 3.0 datapackage) or json (HSDS 3.0 service objects)."))] = "csv",
    source: Annotated[list[str] | None, typer.Option("--source", metavar="NAME", help=N_(
        "Only the services of this source (repeatable); see `services sources`."))] = None,
    changed_since: Annotated[str | None, typer.Option("--changed-since", metavar="DATE", help=N_(
        "Only the services whose details changed on or after DATE (YYYY-MM-DD, UTC), inactive ones included; "
        "the export is marked partial, so importing it marks nothing else inactive."))] = None,
    include_inactive: Annotated[bool, typer.Option("--include-inactive")] = False,
    force: ForceOpt = False,
):
    """Export local services as HSDS 3.0, which imports back into advocate or any HSDS tool.

    A coordinator can publish the curated directory to a shared folder, and colleagues `services import` or
    `services sync` it. Examples: `advocate services export ./out --source miami-211` ;
    `advocate services export /shared/directorio --source red-frontera --source miami-211 --changed-since 2026-11-01`
    """
    from advocate.directory.export import export_directory
    from advocate.errors import InputError

    if fmt not in ("csv", "json"):
        raise InputError(_('"{fmt}" is not an export format; use csv or json').format(fmt=fmt))
    result = export_directory(state(ctx).store(), folder, fmt=fmt, sources=source, include_inactive=include_inactive,
                              changed_since=changed_since, **overwrite(force))
    info(ngettext("Exported {services} service to {folder} (HSDS 3.0 {fmt}).",
                  "Exported {services} services to {folder} (HSDS 3.0 {fmt}).", result["services"]).format(services=result['services'], folder=result['folder'], fmt=fmt))
    if result.get("partial"):
        info(_("Only what changed since {date}: importing this export updates those services and marks no other "
               "service inactive.").format(date=changed_since))


@app.command()
def batch(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(metavar="FILE|-", help=N_("CSV (or ndjson) of locations; - reads stdin."))],
    location_column: Annotated[str | None, typer.Option("--location-column", metavar="COL",
                                                        help=N_("Column with a ZIP, city or lat,lon (guessed if omitted)."))] = None,
    lat_column: Annotated[str | None, typer.Option("--lat-column", metavar="COL")] = None,
    lon_column: Annotated[str | None, typer.Option("--lon-column", metavar="COL")] = None,
    per_location: Annotated[int, typer.Option("--per-location", "-n", min=1, max=100, help=N_("Services per input row."))] = 5,
    within: WithinOpt = None,
    category: CategoryOpt = None,
    language: LanguageOpt = None,
    staff_only: StaffOnlyOpt = False,
    online: OnlineOpt = False,
    fmt: Annotated[Format, typer.Option("--format", "-f", help=N_("csv, tsv, json or ndjson."))] = Format.csv,
):
    """Nearest services for every row of a file: your columns first, then rank, service and distance.

    Rows whose location does not resolve are kept with the reason (and said on stderr); the exit code
    is 1 if any row failed. Example: advocate services batch caseload.csv --location-column zip -c shelter > out.csv
    """
    import sys

    from advocate.directory.batch import OUT_FIELDS, FailureTally, batch_columns, read_rows, run_batch
    from advocate.errors import InputError
    from advocate.geo.parse import parse_distance
    from advocate.i18n import _
    from advocate.render import render

    st = state(ctx)
    cfg = st.config()
    filters = _filters(category, language, staff_only)
    within_km = parse_distance(within or cfg.default_within)
    if file == "-":
        stream = sys.stdin
    else:
        try:
            stream = open(file, encoding="utf-8-sig", newline="")
        except OSError as exc:
            from advocate.files import os_reason

            raise InputError(_("cannot read {file} ({strerror})").format(file=file, strerror=os_reason(exc))) from None
    failures = FailureTally()
    with stream:
        columns, rows = read_rows(stream)
        chosen = batch_columns(columns, location_column=location_column, lat_column=lat_column, lon_column=lon_column)
        if chosen.guessed:
            info(_('Reading locations from the column "{column}"{region} (--location-column to choose another).')
                 .format(column=chosen.location, region=_(' with the state from "{column}"').format(column=chosen.region)
                         if chosen.region else ""))
            if chosen.fallbacks:
                info(_('When that cell is empty, the row is read from {columns}.').format(
                    columns=", ".join(f'"{c}"' + (f' + "{r}"' if r else "") for c, r in chosen.fallbacks)))
        notes: list[str] = []

        def on_note(text, note):
            notes.append(note)
            if len(notes) <= 20:
                info(note)

        if online and interactive() and not _confirm_online_batch(file, cfg.geocoder):
            info(_("Nothing was sent; the batch was not run."))
            raise typer.Exit(ExitStatus.FAILURE)
        if cfg.online_geocoding and not online:
            info(_("A batch file holds caseload addresses, so it is resolved offline even with online geocoding "
                   "in the config; add --online to send its street addresses to the geocoder (they are not kept)."))
        # one batch per process: the grid may freeze the garbage collector while it runs
        out_fmt = "csv" if fmt == Format.table else fmt.value
        delimited = out_fmt in ("csv", "tsv")  # rows come as ready lines of text (same bytes, less work)
        out_rows = run_batch(st.store(), rows, columns=chosen, per_location=per_location, within_km=within_km,
                             filters=filters, online=online,
                             stale_months=cfg.stale_after_months, on_error=failures, on_note=on_note, freeze_gc=True,
                             cells=columns if delimited else None, lines=out_fmt if delimited else None,
                             geocoder=st.geocoder())
        if delimited:
            from advocate.formats import write_lines

            write_lines([*columns, *OUT_FIELDS], out_rows, out_fmt)
        else:
            render(out_rows, out_fmt, columns=[*columns, *OUT_FIELDS])
    if len(notes) > 20:
        info(_("{n} more ambiguous place names were resolved to the most populous place; "
               "see the resolved_place column.").format(n=len(notes) - 20))
    for line in failures.lines(20):
        info(line)
    if failures.total:
        info(ngettext("{n} row has no answer: the location did not resolve or no service is in range "
                      "(kept in the output with the reason in the error column).",
                      "{n} rows have no answer: the location did not resolve or no service is in range "
                      "(kept in the output with the reason in the error column).", failures.total).format(
                          n=failures.total))
        raise typer.Exit(ExitStatus.FAILURE)


def _confirm_online_batch(file: str, geocoder: str) -> bool:
    from advocate.cli.common import ask_yes_no

    return ask_yes_no(
        _("Street addresses from {file} that do not resolve offline will be sent to the online geocoder ({geocoder}); "
          "they are not kept. Send them?").format(file=file, geocoder=geocoder), default=False)


@app.command()
def search(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(metavar="WORDS", help=N_("Words to find in names, descriptions and organizations (any accents)."))],
    near_: Annotated[str | None, typer.Option("--near", metavar="LOCATION", help=N_("Order results by distance from here."))] = None,
    category: CategoryOpt = None,
    language: LanguageOpt = None,
    limit: LimitOpt = 20,
    fmt: FormatOpt = Format.table,
    wide: WideOpt = False,
):
    """Full-text search of the directory, in English or Spanish.

    Example: advocate services search "asilo" --near "Miami, FL"
    """
    from advocate.directory.search import ROW_FIELDS, search_services
    from advocate.render import render

    st = state(ctx)
    store = st.store()
    place = None
    if near_:
        from advocate.geo.resolve import resolve_place

        place = resolve_place(near_, store=store, progress=info)
        if place.note:
            info(place.note)
    rows = search_services(store, text, near=place, filters=_filters(category, language, False), limit=limit,
                           stale_months=st.config().stale_after_months)
    if fmt == Format.table:
        table = [*NEAR_TABLE[:-1], ("matched", N_("Matched"), {"max_width": 16, "drop": 3}), NEAR_TABLE[-1]]
        decorated = _decorate(rows, bool(place and place.town_centre))
        for r in decorated:
            r["matched"] = ", ".join(r.get("matched") or [])
        render(decorated, "table", table_columns=_id_column(store, table), wide=wide, on_dropped=say_dropped,
               title=ngettext('"{text}": {n_rows} service', '"{text}": {n_rows} services', len(rows)).format(
                   text=text, n_rows=len(rows)),
               empty_message=_('No services match "{text}".').format(text=text))
    else:
        render(rows, fmt.value, columns=[*ROW_FIELDS, "matched"])


@app.command()
def verify(ctx: typer.Context, service_id: Annotated[str, typer.Argument(metavar="ID")]):
    """Stamp a service as verified today (after you called and confirmed it)."""
    from advocate.directory.manage import verify_service

    row = verify_service(state(ctx).store(), service_id)
    info(_('Marked "{name}" verified on {last_verified}.').format(name=row['name'], last_verified=row['last_verified']))


@app.command()
def add(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option("--name")] = None,
    category: CategoryOpt = None,
    location: Annotated[str | None, typer.Option("--location", help=N_('ZIP, "City, ST" or "lat,lon".'))] = None,
    address: Annotated[str | None, typer.Option("--address", help=N_("Street address, shown as is (not geocoded)."))] = None,
    phone: Annotated[str | None, typer.Option("--phone")] = None,
    language: Annotated[list[str] | None, typer.Option("--language", "-l", help=N_("Languages staff speak (repeatable)."))] = None,
    interpretation: Annotated[list[str] | None, typer.Option("--interpretation", help=N_("Languages offered through interpreters."))] = None,
    organization: Annotated[str | None, typer.Option("--organization")] = None,
    url: Annotated[str | None, typer.Option("--url")] = None,
    hours: Annotated[str | None, typer.Option("--hours")] = None,
    description: Annotated[str | None, typer.Option("--description")] = None,
    national: Annotated[bool, typer.Option("--national", help=N_("A hotline or remote service with no location."))] = False,
    source: Annotated[str | None, typer.Option("--source", help=N_(
        "Where the facts come from (a page, a call on a date): confidence is then medium."))] = None,
    confidence: Annotated[str | None, typer.Option("--confidence", help=N_(
        "high, medium or low (default: medium with --source, low without)."))] = None,
    fmt: FormatOpt = Format.table,
):
    """Add a service by hand (flags; on a terminal, missing name, category and location are asked for)."""
    from advocate.directory.manage import add_service
    from advocate.render import render_record

    if interactive() and (not name or not category or (not location and not national)):
        import questionary

        from advocate.directory.vocab import categories as cats

        name = name or questionary.text(_("Service name:")).unsafe_ask()
        category = category or questionary.checkbox(_("Categories:"), choices=list(cats())).unsafe_ask()
        if not location and not national:
            location = questionary.text(_('Location (ZIP, "City, ST" or "lat,lon"):')).unsafe_ask()
    st = state(ctx)
    row = add_service(st.store(), name=name or "", categories=category or [], location=location, phone=phone,
                      languages=language, interpretation=interpretation, organization=organization, address=address,
                      url=url, description=description, hours=hours, national=national, source=source,
                      confidence=confidence)
    if fmt == Format.table:
        info(_('Added "{name}" as {id}.').format(name=row['name'], id=row['id']))
        print(row["id"])
    else:
        render_record(row, fmt.value)


@app.command()
def remove(ctx: typer.Context, service_id: Annotated[str, typer.Argument(metavar="ID")], yes: YesOpt = False):
    """Remove a service from the directory (appointments that named it keep their own place text). Asks first
    (--yes for scripts); a line shipped with advocate, such as a national hotline, is named as such.

    Example: advocate services remove local:1a2b3c4d --yes
    """
    from advocate.directory.manage import remove_service
    from advocate.directory.search import get_service

    store = state(ctx).store()
    row = get_service(store, service_id)
    if row["source"] == "advocate-bundled":
        question = _('Remove "{name}" ({id}), a line shipped with advocate{scope}? It comes back only with the next '
                     "bundled update.").format(name=row["name"], id=row["id"],
                                               scope=_(", national") if row["scope"] == "national" else "")
    else:
        question = _('Remove "{name}" ({id}) from the directory?').format(name=row["name"], id=row["id"])
    confirmed(yes, question, _("removing a service needs confirmation; add --yes to remove it without a prompt"))
    row = remove_service(store, row["id"])
    info(_('Removed "{name}" ({id}).').format(name=row['name'], id=row['id']))
