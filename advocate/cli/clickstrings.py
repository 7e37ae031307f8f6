"""Typer's and Click's own words, marked for the interface catalog.

The Click copy inside Typer writes these in English; :mod:`advocate.cli.lang` routes them through the
catalog. Nothing imports this module: it exists so the extractor finds the msgids.
"""

from advocate.i18n import N_

CLICK_WORDS = [
    # help pages
    N_("Usage: "), N_("Options"), N_("Arguments"), N_("Commands"), N_("Show this message and exit."),
    N_("default: {default}"), N_("required"), N_("env var: {var}"), N_("(dynamic)"),
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
    N_("Install completion for the specified shell."),
    N_("Show completion for the specified shell, to copy it or customize the installation."),
    # the error frame
    N_("Error: {message}"), N_("Try '{command} {option}' for help."), N_("Aborted!"),
    N_("Missing command."), N_("No such command {name!r}."),
    N_("Invalid value: {message}"), N_("Invalid value for {hint}: {message}"),
    N_("Missing argument {hint}."), N_("Missing option {hint}."), N_("Missing parameter {hint}."),
    N_("{message} (Possible options: {options})"), N_("Could not open file {name}: {reason}"),
    # words the messages put in their fields
    N_("File"), N_("Directory"), N_("Path"), N_("boolean"), N_("integer"), N_("float"),
]
