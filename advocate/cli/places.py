"""`advocate places resolve TEXT`: what a location string means, and where that came from."""

from __future__ import annotations

from typing import Annotated

import typer

from advocate.cli.common import Format, FormatOpt, info, state
from advocate.i18n import N_, _

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)


@app.command()
def resolve(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(metavar="PLACE", help=N_('A US ZIP, "City, ST", "Ciudad, Estado" or "lat,lon".'))],
    online: Annotated[bool, typer.Option("--online", help=N_("Allow the online geocoder for this lookup."))] = False,
    fmt: FormatOpt = Format.table,
):
    """Show what a location resolves to, from which source, and the other candidates.

    Example: advocate places resolve "Springfield" -f json
    """
    from advocate.geo.resolve import resolve_place
    from advocate.render import render, render_record

    st = state(ctx)
    use_online = online or st.config().online_geocoding
    place = resolve_place(text, online=use_online, store=st.store() if use_online else None, progress=info,
                          geocoder=st.geocoder() if use_online else None)
    if place.note:
        info(place.note)
    record = place.as_dict()
    if fmt != Format.table:
        render([record], fmt.value)
        return
    from advocate.labels import PLACE_VALUES, labelled

    candidates = record.pop("candidates")
    render_record(labelled(record, PLACE_VALUES), "table", title=place.label)
    if len(candidates) > 1:
        render(candidates, "table", title=_("Other places with that name"),
               table_columns=[("name", N_("Name")), ("region", N_("Region")), ("country", N_("Country")),
                              ("population", N_("Population")), ("latitude", "Lat"), ("longitude", "Lon")])
