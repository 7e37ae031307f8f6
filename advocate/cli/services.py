"""`advocate services ...`: near, show, categories, languages."""

from __future__ import annotations

from typing import Annotated

import typer

from advocate.cli.common import Format, FormatOpt, info, state

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

# Shared filter options (near, batch and search use the same bundle)
CategoryOpt = Annotated[list[str] | None, typer.Option(
    "--category", "-c", metavar="CATEGORY",
    help="Only these categories (repeatable), e.g. -c shelter -c legal-immigration. See `services categories`.")]
LanguageOpt = Annotated[list[str] | None, typer.Option(
    "--language", "-l", metavar="LANG",
    help="Only services in this language (repeatable): ISO 639-1/639-3 code or name; a group (mixtec, zap) "
         "matches every variant. Staff who speak it and interpretation are told apart.")]
StaffOnlyOpt = Annotated[bool, typer.Option(
    "--staff-only", help="With -l: only services whose staff speak the language (not through interpreters).")]
WithinOpt = Annotated[str | None, typer.Option(
    "--within", "-w", metavar="DISTANCE", help='Search radius: "25mi", "40km"; a plain number means miles. '
                                               "Default: 50mi (config: default_within).")]
LimitOpt = Annotated[int, typer.Option("--limit", "-n", min=1, max=10000, help="Local results to show at most.")]
OnlineOpt = Annotated[bool, typer.Option(
    "--online", help="Allow the online geocoder for this lookup (street addresses). Off by default.")]

_NW = {"no_wrap": True}
NEAR_TABLE = [("rank", "#", _NW), ("name", "Service", {"min_width": 14}), ("distance", "Dist.", _NW),
              ("where", "Where"), ("phone", "Phone / text", {"min_width": 12}), ("langs", "Lang.", {"max_width": 12}),
              ("note", "Check", {"max_width": 16}), ("short_id", "ID", {"overflow": "fold"})]


def _filters(category, language, staff_only):
    from advocate.directory.search import Filters

    return Filters.parse(category, language, staff_only)


def _decorate(rows: list[dict]) -> list[dict]:
    """Terminal-only columns: rank, readable distance, place, caution marks."""
    out = []
    rank = 0
    for row in rows:
        r = dict(row)
        if r["scope"] == "local":
            rank += 1
            r["rank"] = str(rank)
            r["distance"] = f'{r["distance_mi"]:.1f} mi' if r["distance_km"] is not None else ""
            r["where"] = ", ".join(x for x in (r.get("city"), r.get("region")) if x)
        else:
            r["rank"] = "-"
            r["distance"] = "national" if r["scope"] == "national" else ""
            r["where"] = r.get("country") or ""
        langs = list(r.get("languages") or [])
        interp = [f"+{c} interp." if c != "mul" else "+interp." for c in r.get("interpretation") or []]
        r["langs"] = langs + interp
        notes = []
        if r.get("confidence") in ("medium", "low"):
            notes.append(f'verify ({r["confidence"]})')
        if r.get("stale"):
            notes.append(f'stale ({r.get("last_verified") or "never verified"})')
        if r.get("approximate") and r["scope"] == "local":
            notes.append("approx. place")
        if r.get("status") == "inactive":
            notes.append("inactive")
        r["note"] = ", ".join(notes)
        r["short_id"] = r["id"].removeprefix("advocate-bundled:")
        r["phone"] = "\n".join(x for x in (r.get("phone"), r.get("text_line")) if x)
        out.append(r)
    return out


@app.command()
def near(
    ctx: typer.Context,
    location: Annotated[str, typer.Argument(help='A US ZIP, "City, ST", "Ciudad, Estado" (Mexico) or "lat,lon".')],
    within: WithinOpt = None,
    category: CategoryOpt = None,
    language: LanguageOpt = None,
    staff_only: StaffOnlyOpt = False,
    limit: LimitOpt = 10,
    no_national: Annotated[bool, typer.Option("--no-national", help="Leave out national hotlines and remote services.")] = False,
    online: OnlineOpt = False,
    fmt: FormatOpt = Format.table,
):
    """Services near a place, nearest first, then national hotlines that match.

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
    store = st.store()
    place = resolve_place(location, online=online or cfg.online_geocoding, store=store, progress=info)
    if place.note:
        info(place.note)
    rows = services_near(store, place, within_km=within_km, limit=limit, filters=filters,
                         national=not no_national, stale_months=cfg.stale_after_months)
    from advocate.render import render

    if fmt == Format.table:
        local = sum(1 for r in rows if r["scope"] == "local")
        title = f"Near {place.label} (within {within or cfg.default_within}): {local} local"
        if not no_national:
            title += f", {len(rows) - local} national"
        render(_decorate(rows), "table", table_columns=NEAR_TABLE, title=title,
               empty_message=f"No services found near {place.label}; try a wider --within or fewer filters.")
        if any(r.get("confidence") in ("medium", "low") for r in rows):
            info("Rows marked verify rest on medium- or low-confidence facts: see `advocate services show ID` "
                 "for the caution, and confirm before sending someone.")
    else:
        render(rows, fmt.value, columns=list(ROW_FIELDS))


@app.command()
def show(
    ctx: typer.Context,
    service_id: Annotated[str, typer.Argument(metavar="ID", help="A service id from `services near`.")],
    fmt: FormatOpt = Format.table,
):
    """Everything known about one service."""
    from advocate.directory.search import get_service
    from advocate.render import render_record

    st = state(ctx)
    row = get_service(st.store(), service_id, stale_months=st.config().stale_after_months)
    render_record(row, fmt.value, title=row["name"])
    if fmt == Format.table and row.get("confidence") in ("medium", "low"):
        info(f'Caution ({row["confidence"]} confidence): {row.get("caution") or "verify before use."}')


@app.command()
def categories(
    fmt: FormatOpt = Format.table,
):
    """The category vocabulary, in English and Spanish."""
    from advocate.directory.vocab import categories as cats
    from advocate.render import render

    rows = [{"id": c["id"], "label_en": c["label_en"], "label_es": c["label_es"],
             "description_en": c["description_en"], "description_es": c["description_es"]} for c in cats().values()]
    render(rows, fmt.value, columns=list(rows[0]),
           table_columns=[("id", "Id"), ("label_en", "English"), ("label_es", "Español"),
                          ("description_en", "What it covers")])


@app.command()
def languages(
    search: Annotated[str | None, typer.Argument(help="Only languages whose code or name contains this.")] = None,
    fmt: FormatOpt = Format.table,
):
    """The language table: ISO 639-3 codes with English and Spanish names, Indigenous languages included."""
    from advocate.directory.vocab import languages as langs
    from advocate.render import render
    from advocate.textnorm import fold

    rows = list(langs().values())
    if search:
        key = fold(search)
        rows = [r for r in rows if any(key in fold(r[k]) for k in ("code", "iso639_1", "name_en", "name_es", "autonym", "parent"))]
    columns = ["code", "iso639_1", "scope", "parent", "name_en", "name_es", "autonym", "countries", "notes"]
    render(rows, fmt.value, columns=columns,
           table_columns=[("code", "Code"), ("iso639_1", "639-1"), ("scope", "Scope"), ("parent", "Group"),
                          ("name_en", "English"), ("name_es", "Español"), ("autonym", "Autonym")],
           empty_message=f'No language matches "{search}".')
