"""Exceptions the core raises and exit codes the CLI maps them to.

Every message is one plain sentence naming the value and what is expected; the CLI prints it
as ``Error: <message>`` and exits with the code. Nothing here prints.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence


class ExitStatus(enum.IntEnum):
    """Stable exit codes (documented in the README)."""

    OK = 0
    FAILURE = 1  # the command could not do its job (bad data, no match, store problem)
    USAGE = 2  # the command line itself was wrong (unknown option, bad value)
    INTERRUPTED = 130  # Ctrl-C


class AdvocateError(Exception):
    """A failure the user can act on. ``str(err)`` is the one-line message."""

    exit_status = ExitStatus.FAILURE

    def __init__(self, message: str, *, suggestions: list[str] | None = None,
                 field: str | tuple[str, ...] | None = None):
        self.message = message
        self.suggestions = list(suggestions or [])
        # which input the error is about ("place", "within", "source"...): the message names no CLI flag;
        # a front end maps the field to its own option or form field
        self.field = field
        super().__init__(self.full_message)

    @property
    def fields(self) -> tuple[str, ...]:
        """The inputs the error is about (a front end may name its own controls for them)."""
        if not self.field:
            return ()
        return (self.field,) if isinstance(self.field, str) else tuple(self.field)

    @property
    def full_message(self) -> str:
        if self.suggestions:
            from babel.lists import format_list

            from advocate.i18n import _, babel_locale

            # '"Tijuana, Baja California" or "Tujunga, CA"' (CLDR's "or" list, in the interface language)
            quoted = format_list([f'"{s}"' for s in self.suggestions[:3]], style="or", locale=babel_locale())
            return _("{message} (did you mean {suggestions}?)").format(message=self.message, suggestions=quoted)
        return self.message


class InputError(AdvocateError):
    """A value given on the command line is malformed or unknown (exit 2)."""

    exit_status = ExitStatus.USAGE


class InputErrors(InputError):
    """Several values are wrong at once: ``problems`` holds one error per value, each with its own field,
    so a front end can name its control beside each sentence (the CLI prints one line per problem)."""

    def __init__(self, message: str, problems: Sequence[AdvocateError]):
        super().__init__(message, field=tuple(dict.fromkeys(f for p in problems for f in p.fields)))
        self.problems = list(problems)

    @property
    def full_message(self) -> str:
        return "; ".join([self.message] + [p.full_message for p in getattr(self, "problems", [])])


class NotFound(AdvocateError):
    """A well-formed value names nothing that exists (exit 1)."""


class StoreError(AdvocateError):
    """The store cannot be opened, read or written safely (exit 1)."""
