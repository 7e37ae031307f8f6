"""`advocate card ...`: papers a survivor can carry (the numbers card); shared output for every card."""

from __future__ import annotations

from typing import Annotated

import typer

from advocate.cli.appointments import CardFormatOpt, CardLangOpt, CardOutputOpt, LabelOpt
from advocate.cli.common import ForceOpt, info, overwrite, state
from advocate.i18n import N_, _

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)


def emit_card(card, fmt: str, output: str | None, force: bool) -> None:
    """Render ``card``; write it through the output gateway (-o) or to stdout; notes for the advocate on stderr."""
    from advocate.cards import CARD_FORMATS, render_card
    from advocate.errors import InputError

    fmt = (fmt or "html").lower()
    if fmt not in CARD_FORMATS:
        raise InputError(_('"{value}" is not a card format; use html, txt or md').format(value=fmt), field="format")
    text = render_card(card, fmt)
    if output and output != "-":
        from advocate.files import write_private

        written = write_private(output, text, default_name=f"card.{fmt}", **overwrite(force))
        info(_("Wrote {path}.").format(path=written))
    else:
        import sys

        sys.stdout.write(text)
        sys.stdout.flush()
    for note in dict.fromkeys(card.notes):
        info(_("Note: {message}").format(message=note))
    if card.notes:
        info(_("With --label the paper shows the real names and the text left off."))
    for note in card.left_off:
        info(_("Note: {message}").format(message=note))


@app.command()
def numbers(
    ctx: typer.Context,
    for_: Annotated[str, typer.Option("--for", metavar="MX|US",
                                      help=N_("The country the person will call from: MX or US."))],
    lang: CardLangOpt = "es",
    fmt: CardFormatOpt = "html",
    output: CardOutputOpt = None,
    force: ForceOpt = False,
    label: LabelOpt = False,
):
    """A wallet-size card (3.5 x 2 in) of help lines that work from one country, most useful first, never
    law enforcement. Lines are named neutrally ("Help line, 24 h") unless --label.

    Example: advocate card numbers --for MX --lang es -o numeros.html
    """
    from advocate.cards import card_language, numbers_card

    st = state(ctx)
    made = numbers_card(st.store(), for_, card_language(lang), label=label,
                        organization=st.config().organization_name or None, fit=(fmt or "html").lower() == "html")
    emit_card(made, fmt, output, force)
