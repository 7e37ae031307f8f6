"""`advocate appointments ...` (also `advocate appt`): the accompaniment log."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from advocate.cli.common import (
    ForceOpt,
    Format,
    FormatOpt,
    WideOpt,
    YesOpt,
    ask_yes_no,
    confirmed,
    info,
    interactive,
    overwrite,
    say_dropped,
    state,
    warn,
)
from advocate.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from advocate.store import Store

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

IdArg = Annotated[int, typer.Argument(metavar="ID", help=N_("An appointment id from `appointments list`."))]
ClientOpt = Annotated[str | None, typer.Option("--client", metavar="CODE", help=N_("Client code, e.g. C-7K3M9Q."))]
TYPES_HELP = ("court, medical, mental-health, immigration, legal, benefits, consulate, law-enforcement, "
              "shelter-intake, housing, employment, school, transportation, other")

_WORDS = {"words": True}  # never broken inside a word ("programada", not "programa / da")
LIST_TABLE = [("id", "ID", {"keep": True}), ("starts_local", N_("When"), {"min_width": 12, "words": True}),
              ("day", N_("Day"), {"drop": 4, "words": True}),
              ("client", N_("Client"), {"keep": True}), ("type", N_("Type"), _WORDS),
              ("duration_min", N_("Min"), {"drop": 3}),
              ("place", N_("Where"), {"drop": 5}), ("interpreter", N_("Interp."), {"drop": 2}),
              ("advocate", N_("Advocate"), {"drop": 1}),
              ("status", N_("Status"), _WORDS)]
EXPORT_COLUMNS = ["id", "client", "starts", "ends", "tz", "type", "duration_min", "place", "service_id", "interpreter",
                  "advocate", "status", "follow_up", "voca_family", "otip_category", "notes"]


def _questionary_ask(kind: str, message: str, default: str = "", choices: list | None = None, **kwargs) -> str:
    """One prompt (Ctrl-C raises KeyboardInterrupt, so nothing half-typed is saved). ``default`` is what Enter
    gives, said in the question and never typed into the field (a retyped answer would be appended to it).
    ``kwargs`` go to questionary (tests pass input and output)."""
    if kind == "confirm":
        return "yes" if ask_yes_no(message, default=default != "no", cancel_raises=True) else "no"
    import questionary

    if kind == "select":  # a choice may be (value, title): the title in the interface language, the value an id
        options = [questionary.Choice(c[1], value=c[0]) if isinstance(c, tuple) else c for c in choices or []]
        return questionary.select(message, choices=options, default=default or None, **kwargs).unsafe_ask()
    if default:
        message = _("{question} (Enter for {default})").format(question=message.rstrip(), default=default)
    if kind == "autocomplete":
        answer = questionary.autocomplete(message, choices=choices or []).unsafe_ask()
    else:
        answer = questionary.text(message).unsafe_ask()
    return answer if (answer or "").strip() else default


def prompt_appointment(store: Store, values: dict, *, ask=_questionary_ask, home: str | None = None,
                       save_home=None) -> dict:
    """Ask for what the flags did not give, and again for what they gave wrong, one value at a time: each
    answer is checked when it is given and, if wrong, the same sentence the flag would get is shown (a plain
    sentence, no "Warning:") and the question asked again with an empty field, so no other answer is lost.
    Where (a service from the directory, or a place) is asked before the time zone, whose default is the
    zone of the service's place, else ``home``; with no home zone yet, ``save_home(zone)`` is offered to keep
    the answer as home_timezone. ``ask(kind, message, default, choices)`` returns ``default`` on Enter.
    Returns the values, every one checked."""
    from zoneinfo import ZoneInfo

    from advocate.appointments.log import UTC_NAMES, check_value, default_zone, local_zone_name, types
    from advocate.clients import list_clients
    from advocate.errors import InputError, NotFound

    values = dict(values)

    def settle(field, kind, message, *, default="", choices=None, zone=None, optional=False):
        given = values.get(field)
        if given not in (None, ""):
            try:
                check_value(store, field, given, zone=zone)
                return given
            except (InputError, NotFound) as exc:
                info(exc.full_message)
        while True:
            answer = (ask(kind, message, default, choices) or "").strip()
            if not answer and optional:
                return None
            try:
                if not answer:
                    raise InputError(_("an answer is needed here"), field=field)
                check_value(store, field, answer, zone=zone)
                return answer
            except (InputError, NotFound) as exc:
                info(exc.full_message)

    values["client"] = settle("client", "autocomplete", _("Client code:"),
                              choices=[c["code"] for c in list_clients(store, status="active")])
    from advocate.labels import appointment_type_label

    # the types by name in the interface language ("Tribunal"), not by id ("court")
    values["type"] = settle("type", "select", _("Type:"), choices=[(k, appointment_type_label(k)) for k in types()])
    if values.get("service") in (None, "") and values.get("place") in (None, ""):
        values["service"] = settle("service", "text", _("Service id from the directory (Enter if none):"),
                                   optional=True)
        if not values["service"]:
            values["place"] = settle("place", "text", _("Place (name or address; Enter to leave it out):"),
                                     optional=True)
    for field, message in (("service", _("Service id from the directory:")), ("place", _("Place:")),
                           ("advocate", _("Who accompanies:")), ("notes", _("Notes (logistics only):"))):
        if values.get(field) not in (None, ""):
            values[field] = settle(field, "text", message, optional=True)
    if not values.get("tz"):
        choice = None
        try:
            choice = default_zone(store, home=home, service_id=values.get("service"))
        except InputError:
            choice = default_zone(store, service_id=values.get("service"))
        machine = local_zone_name()
        suggested = choice.zone if choice else ("" if machine in UTC_NAMES else machine)
        from zoneinfo import available_timezones

        values["tz"] = None
        values["tz"] = settle("tz", "autocomplete", _("Time zone of the appointment (e.g. America/Chicago):"),
                              default=suggested, choices=sorted(available_timezones()))
        if not home and save_home is not None and choice is None:  # a place's zone is not the office's
            if ask("confirm", _("Use {zone} as your home time zone from now on (home_timezone)?").format(
                    zone=values["tz"]), "yes", None) == "yes":
                save_home(check_value(store, "tz", values["tz"]))
    else:
        values["tz"] = settle("tz", "text", _("Time zone of the appointment (e.g. America/Chicago):"))
    zone = ZoneInfo(check_value(store, "tz", values["tz"]))
    values["when"] = settle("when", "text", _("When, in {zone} (YYYY-MM-DD HH:MM):").format(zone=zone.key), zone=zone)
    values["duration"] = settle("duration", "text", _("How long (90, 90min, 1h30):"), default="60")
    from advocate.directory.vocab import languages

    values["interpreter"] = settle("interpreter", "autocomplete", _("Interpreter language (blank for none):"),
                                   choices=list(languages()), optional=True)
    return values


def _needs_prompt(store: Store, values: dict, home: str | None) -> bool:
    """On a terminal, ask when a value is missing or wrong (the zone may come from home_timezone or the place)."""
    from advocate.appointments.log import check_appointment, default_zone
    from advocate.errors import AdvocateError

    if not values.get("tz"):
        try:
            choice = default_zone(store, home=home, service_id=values.get("service"))
        except AdvocateError:
            choice = None
        values = {**values, "tz": choice.zone if choice else None}
    return bool(check_appointment(store, values)[1])


def _show_local(rows, store: Store | None = None):
    """Terminal-only columns: the date and time in the interface language, in the appointment's own zone named
    by the place's own town when the zone is that town's, else by the zone's city ("mar, 15 de dic de 2026" /
    "10:00 a.m. (Miami)", "10:00 a.m. (Chicago)"), the day relative to today, labels for codes.
    The machine formats keep ISO times and the IANA zone."""
    from datetime import date, datetime

    from babel.dates import format_skeleton, get_timezone_location

    from advocate.i18n import babel_locale, current_language, format_time, relative_day
    from advocate.labels import APPOINTMENT_VALUES, labelled

    today = date.today()
    locale = babel_locale()
    spanish_names = {}
    if store is not None and current_language() == "es":  # the directory's own Spanish name of the service
        ids = sorted({r["service_id"] for r in rows if r.get("service_id")})
        spanish_names = dict(store.conn.execute(
            f"SELECT id, name_es FROM services WHERE name_es != '' AND id IN ({', '.join('?' * len(ids))})", ids))
    from zoneinfo import ZoneInfo

    from advocate.cards import place_city

    towns: dict[tuple, str | None] = {}  # one look per place and zone: the town, when the zone is the town's
    out = []
    for r in rows:
        start = datetime.fromisoformat(r["starts"])
        key = (r.get("service_id"), r.get("place"), r["tz"])
        if key not in towns:
            towns[key] = place_city(store, r)
        r = labelled(r, APPOINTMENT_VALUES)
        if r.get("service_id") in spanish_names:  # a service's appointment has no place text of its own
            r["place"] = spanish_names[r["service_id"]]
        city = towns[key] or get_timezone_location(ZoneInfo(r["tz"]), locale=locale, return_city=True)
        r["starts_local"] = f"{format_skeleton('yMMMEd', start, locale=locale)}\n{format_time(start)} ({city})"
        r["day"] = relative_day(start.date(), today)
        out.append(r)
    return out


def say_zone(result) -> None:
    """One line on the zone taken when none was given, and both zones whenever the one the user typed in (or
    home_timezone) is not the place's: an appointment is never moved to another zone silently."""
    choice, a = result.zone_choice, result.appointment
    if choice is None:
        return
    if choice.read_in:
        from datetime import datetime
        from zoneinfo import ZoneInfo

        typed = datetime.fromisoformat(a["starts"]).astimezone(ZoneInfo(choice.read_in))
        info(_("{typed} in {given} is {there} in {zone}, where the service is; the appointment is kept in {zone} "
               "time.").format(typed=f"{typed:%Y-%m-%d %H:%M}", given=choice.read_in,
                               there=a["starts"][:16].replace("T", " "), zone=choice.zone))
    elif choice.home_set_aside:
        info(_("Time zone {zone} (where the service is), not your home_timezone {home}: {when} is {zone} "
               "time.").format(zone=choice.zone, home=choice.home_set_aside, when=a["starts"][:16].replace("T", " ")))
    else:
        why = _("your home_timezone") if choice.why == "home" else _("where the service is")
        info(_("Time zone {zone} ({why}).").format(zone=choice.zone, why=why))


@app.command()
def log(
    ctx: typer.Context,
    client: ClientOpt = None,
    when: Annotated[str | None, typer.Option("--when", metavar="DATETIME", help=N_(
        'Local date and time: "2026-12-03 14:30" or "2026-12-03 2:30pm".'))] = None,
    tz: Annotated[str | None, typer.Option("--tz", metavar="ZONE", help=N_(
        "IANA time zone of --when, e.g. America/Chicago (default: the zone of the --service's place, else "
        "home_timezone in the config; on a terminal it is asked). The appointment is kept in the place's zone."))] = None,
    type: Annotated[str | None, typer.Option("--type", "-t", help=TYPES_HELP)] = None,
    duration: Annotated[str | None, typer.Option("--duration", "-d", metavar="DURATION", help=N_(
        "How long: minutes (90, 90min) or hours and minutes (1h30, 1:30, 2h); at most 24 hours."))] = None,
    service: Annotated[str | None, typer.Option("--service", metavar="ID", help=N_("A service id from the directory."))] = None,
    place: Annotated[str | None, typer.Option("--place", help=N_("Where, as free text (instead of --service)."))] = None,
    interpreter: Annotated[str | None, typer.Option("--interpreter", metavar="LANG", help=N_("Interpreter language code."))] = None,
    advocate: Annotated[str | None, typer.Option("--advocate", help=N_("Who accompanies (staff name or initials)."))] = None,
    notes: Annotated[str | None, typer.Option("--notes", help=N_("Logistics only; no story, no names."))] = None,
    fmt: FormatOpt = Format.table,
):
    """Log an appointment. Everything can be given as flags; on a terminal, missing ones are asked for, each
    answer checked as it is given. Without a terminal, every wrong or missing value is reported at once.

    Example: advocate appt log --client C-7K3M9Q --when "2026-12-03 14:30" --tz America/Chicago --type court --duration 1h30 --interpreter mxt
    """
    from advocate.appointments.log import log_appointment
    from advocate.render import render_record

    st = state(ctx)
    store = st.store()
    home = st.config().home_timezone or None
    values = {"client": client, "when": when, "tz": tz, "type": type, "duration": duration, "service": service,
              "place": place, "interpreter": interpreter, "advocate": advocate, "notes": notes}
    if interactive() and _needs_prompt(store, values, home):
        from advocate.config import set_config_value

        def save_home(zone: str) -> None:
            info(_("Saved home_timezone = {zone} in {path}.").format(zone=zone, path=set_config_value("home_timezone", zone)))

        values = prompt_appointment(store, values, ask=_questionary_ask, home=home, save_home=save_home)
    result = log_appointment(store, client=values["client"], when=values["when"], tz=values["tz"],
                             type=values["type"], duration=values["duration"], service_id=values["service"],
                             place=values["place"], interpreter=values.get("interpreter"), advocate=values["advocate"],
                             notes=values["notes"], home_zone=home)
    say_zone(result)
    for w in result.warnings:
        warn(w)
    a = result.appointment
    if fmt == Format.table:
        from advocate.labels import appointment_type_label

        info(_("Logged appointment {id}: {type} on {value} ({tz}).").format(
            id=a['id'], type=appointment_type_label(a['type']), value=a['starts'].replace('T', ' ')[:16], tz=a['tz']))
        print(a["id"])
    else:
        render_record(a, fmt.value)


@app.command("list")
def list_(
    ctx: typer.Context,
    upcoming: Annotated[bool, typer.Option("--upcoming", help=N_("Only scheduled appointments from now on."))] = False,
    past: Annotated[bool, typer.Option("--past", help=N_("Only appointments before now."))] = False,
    client: ClientOpt = None,
    from_: Annotated[str | None, typer.Option("--from", metavar="DATE", help=N_("From this date (YYYY-MM-DD)."))] = None,
    to: Annotated[str | None, typer.Option("--to", metavar="DATE", help=N_("Up to this date, inclusive."))] = None,
    type: Annotated[list[str] | None, typer.Option("--type", "-t", help=N_(
        "Only these types (repeatable: -t court -t legal)."))] = None,
    fmt: FormatOpt = Format.table,
    wide: WideOpt = False,
):
    """Appointments in order, shown in each one's local time.

    Example: advocate appointments list --upcoming
    """
    from advocate.appointments.log import list_appointments, parse_date
    from advocate.render import render

    rows = list_appointments(state(ctx).store(), upcoming=upcoming, past=past, client=client,
                             start=parse_date(from_, _("start date"), field="from") if from_ else None,
                             end=parse_date(to, _("end date"), field="to") if to else None, type=type)
    if fmt == Format.table:
        rows = _show_local(rows, state(ctx).store())
        if wide:  # every cell on one line: the day and the time side by side
            rows = [{**r, "starts_local": r["starts_local"].replace("\n", ", ")} for r in rows]
    render(rows, fmt.value, columns=EXPORT_COLUMNS, table_columns=LIST_TABLE,
           wide=wide, on_dropped=say_dropped,
           empty_message=_("No appointments match."))


@app.command()
def show(ctx: typer.Context, appointment_id: IdArg, fmt: FormatOpt = Format.table):
    """One appointment in full."""
    from advocate.appointments.log import get_appointment
    from advocate.render import render_record

    a = get_appointment(state(ctx).store(), appointment_id)
    if fmt != Format.table:
        render_record(a, fmt.value)
        return
    shown = _show_local([a], state(ctx).store())[0]
    from datetime import datetime

    from advocate.i18n import format_time

    shown["starts"] = shown.pop("starts_local").replace("\n", " ")
    shown["ends"] = format_time(datetime.fromisoformat(a["ends"]))
    shown.pop("day", None)
    from advocate.labels import stamped

    render_record(stamped(shown), "table", title=_("Appointment {id}").format(id=a["id"]))


@app.command()
def edit(
    ctx: typer.Context,
    appointment_id: IdArg,
    client: ClientOpt = None,
    when: Annotated[str | None, typer.Option("--when")] = None,
    tz: Annotated[str | None, typer.Option("--tz")] = None,
    type: Annotated[str | None, typer.Option("--type", "-t")] = None,
    duration: Annotated[str | None, typer.Option("--duration", "-d", metavar="DURATION", help=N_(
        "How long: minutes (90, 90min) or hours and minutes (1h30, 1:30, 2h); at most 24 hours."))] = None,
    service: Annotated[str | None, typer.Option("--service", metavar="ID")] = None,
    place: Annotated[str | None, typer.Option("--place")] = None,
    interpreter: Annotated[str | None, typer.Option("--interpreter", metavar="LANG")] = None,
    advocate: Annotated[str | None, typer.Option("--advocate")] = None,
    notes: Annotated[str | None, typer.Option("--notes")] = None,
    keep_instant: Annotated[bool, typer.Option("--keep-instant", help=N_(
        "With --tz alone: keep the same moment and change the clock time (default: keep the clock time)."))] = False,
):
    """Change an appointment's details (only the options given). A new --tz alone keeps the clock time.

    Example: advocate appointments edit 12 --tz America/Tijuana
    """
    from advocate.appointments.log import edit_appointment

    result = edit_appointment(state(ctx).store(), appointment_id, client=client, when=when, tz=tz, type=type,
                              duration=duration, service_id=service, place=place, interpreter=interpreter,
                              advocate=advocate, notes=notes, keep_instant=keep_instant)
    for w in result.warnings:
        warn(w)
    appt = result.appointment
    info(_("Updated appointment {id}: {starts} ({tz}).").format(
        id=appt["id"], starts=appt["starts"][:16].replace("T", " "), tz=appt["tz"]))


@app.command()
def complete(
    ctx: typer.Context,
    appointment_id: IdArg,
    outcome: Annotated[str, typer.Option("--outcome", help=N_("attended, rescheduled, no-show or cancelled."))],
    follow_up: Annotated[str | None, typer.Option("--follow-up", help=N_("The next step, briefly."))] = None,
):
    """Record what happened."""
    from advocate.appointments.log import complete_appointment

    a = complete_appointment(state(ctx).store(), appointment_id, outcome, follow_up)
    from advocate.labels import value_label

    info(_("Appointment {id}: {status}.").format(id=a['id'], status=value_label("appointment_status", a['status'])))


@app.command()
def cancel(ctx: typer.Context, appointment_id: IdArg):
    """Mark an appointment cancelled (kept for the record; the calendar shows it cancelled)."""
    from advocate.appointments.log import cancel_appointment

    a = cancel_appointment(state(ctx).store(), appointment_id)
    info(_("Appointment {id} cancelled.").format(id=a['id']))


@app.command()
def delete(ctx: typer.Context, appointment_id: IdArg, yes: YesOpt = False):
    """Delete an appointment logged by mistake (asks first; --yes for scripts). To keep it on record, cancel it.

    Example: advocate appointments delete 12 --yes
    """
    from advocate.appointments.log import delete_appointment, get_appointment

    store = state(ctx).store()
    current = get_appointment(store, appointment_id)
    confirmed(yes, _("Delete appointment {id} ({type}, {when} {tz}, {client})? This cannot be undone.").format(
        id=current["id"], type=current["type"], when=current["starts"][:16].replace("T", " "), tz=current["tz"],
        client=current["client"]),
        _("deleting needs confirmation; add --yes to delete without a prompt (or cancel the appointment to keep it "
          "on record)"))
    a = delete_appointment(store, current["id"])
    info(_("Deleted appointment {id}.").format(id=a['id']))


@app.command()
def export(
    ctx: typer.Context,
    ics: Annotated[Path | None, typer.Option("--ics", metavar="FILE", path_type=str,
                                             help=N_("Write an iCalendar file (- for stdout)."))] = None,
    force: ForceOpt = False,
    with_codes: Annotated[bool, typer.Option("--with-codes", help=N_("Put client codes in event titles."))] = False,
    upcoming: Annotated[bool, typer.Option("--upcoming")] = False,
    client: ClientOpt = None,
    from_: Annotated[str | None, typer.Option("--from", metavar="DATE")] = None,
    to: Annotated[str | None, typer.Option("--to", metavar="DATE")] = None,
    type: Annotated[list[str] | None, typer.Option("--type", "-t", help=N_(
        "Only these types (repeatable: -t court -t legal)."))] = None,
    lang: Annotated[str | None, typer.Option("--lang", metavar="es|en", show_default=False, help=N_(
        "Event titles in es or en (default: the interface language)."))] = None,
    fmt: FormatOpt = Format.csv,
):
    """Export appointments: an .ics calendar (--ics FILE), or csv/json/ndjson/tsv rows on stdout for your own systems.

    Example: advocate appointments export --ics accompaniments.ics --upcoming
    """
    from advocate.appointments.log import list_appointments, parse_date
    from advocate.errors import InputError
    from advocate.files import output_path

    target = None
    if ics is not None and str(ics) != "-":  # a refused path fails before anything is read
        target = output_path(ics, default_name="appointments.ics", **overwrite(force))
    rows = list_appointments(state(ctx).store(), upcoming=upcoming, client=client,
                             start=parse_date(from_, _("start date"), field="from") if from_ else None,
                             end=parse_date(to, _("end date"), field="to") if to else None, type=type)
    if ics is None:
        from advocate.render import render

        render(rows, "csv" if fmt == Format.table else fmt.value, columns=EXPORT_COLUMNS)
        if with_codes is False and rows:
            info(ngettext("{n_rows} appointment exported; the row carries a client code - store the file accordingly.",
                          "{n_rows} appointments exported; the rows carry client codes - store the file accordingly.",
                          len(rows)).format(n_rows=len(rows)))
        return
    if lang is None:
        from advocate.i18n import current_language

        lang = current_language() if current_language() in ("en", "es") else "en"
    lang = lang.strip().lower()
    if lang not in ("en", "es"):
        raise InputError(_('"{lang}" is not a calendar language; use en or es').format(lang=lang), field="lang")
    from advocate.appointments.ics import build_calendar
    from advocate.files import write_private

    data = build_calendar(rows, with_codes=with_codes, lang=lang, store=state(ctx).store())
    if str(ics) == "-":
        import sys

        sys.stdout.buffer.write(data)
    else:
        assert target is not None  # set above whenever ics names a file
        written = write_private(target, data, force=True, make_parents=True)  # checked (and agreed to) above
        info(ngettext("Wrote {n_rows} event to {written}.", "Wrote {n_rows} events to {written}.", len(rows)).format(
            n_rows=len(rows), written=written))


CardLangOpt = Annotated[str, typer.Option("--lang", metavar="es|en",
                                          help=N_("The card's language (the survivor's): es or en."))]
CardFormatOpt = Annotated[str, typer.Option("--format", "-f", metavar="html|txt|md",
                                            help=N_("html (prints on half a letter sheet), txt or md."))]
CardOutputOpt = Annotated[str | None, typer.Option("--output", "-o", metavar="FILE",
                                                   help=N_("Write the card to FILE instead of stdout."))]
LabelOpt = Annotated[bool, typer.Option("--label", help=N_(
    "Print the real names of services and lines, and the organization's name (default: neutral words only)."))]


@app.command()
def card(
    ctx: typer.Context,
    appointment_id: IdArg,
    lang: CardLangOpt = "es",
    fmt: CardFormatOpt = "html",
    output: CardOutputOpt = None,
    force: ForceOpt = False,
    label: LabelOpt = False,
    with_: Annotated[str | None, typer.Option("--with", metavar="NAME",
                                              help=N_("Who goes with the person (only the first name is printed)."))] = None,
):
    """A card for the survivor: when (in words, in the appointment's own time zone), where, who goes along, the
    interpreter's language, what to bring and numbers that work from there. No client code, and no labelling
    word unless --label.

    Example: advocate appointments card 12 --lang es --with Ana -o cita.html
    """
    from advocate.cards import appointment_card, card_language
    from advocate.cli.cards import emit_card

    st = state(ctx)
    made = appointment_card(st.store(), appointment_id, card_language(lang), label=label, with_name=with_,
                            organization=st.config().organization_name or None)
    emit_card(made, fmt, output, force)
