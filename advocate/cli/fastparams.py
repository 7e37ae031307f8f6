"""Command-line values converted without importing pydantic, where that changes nothing.

Typer 0.29 converts every parameter through a pydantic ``TypeAdapter`` (built on first use), so any
command that runs imports pydantic: 60-100 ms of a cold ``advocate services near`` that does a few
milliseconds of work. advocate's parameters are plain strings, lists of strings, whole and decimal numbers in
a range, paths and choices; for those this module converts the value itself, the way Typer's adapter
does, and hands anything else (an unusual type, a value it does not recognise at once, and every
error) to Typer's own pydantic path, so messages and results stay Typer's.

``tests/cli/test_fastparams.py`` checks, value by value, that the two paths agree. When Typer's
internals are not the ones this was written against, :func:`install` does nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

_INT = re.compile(r"[+-]?[0-9]{1,18}")
_REAL = re.compile(r"[+-]?[0-9]{1,15}(?:\.[0-9]{1,15})?")  # plain decimals; "1e3", "inf", "5." go to Typer
_installed = False


def _leaf(annotation: Any, info) -> Any:
    """A converter ``(value, param, ctx) -> value`` for one annotation, or None (Typer's path then)."""
    from typer._param_types import coerce_cli_choice, coerce_cli_path, routes_to_path

    if info.parser is not None or getattr(info, "click_type", None) is not None:
        return None
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        choices, case_sensitive = list(annotation), info.case_sensitive

        def choice(value, param, ctx):
            return coerce_cli_choice(value, choices=choices, case_sensitive=case_sensitive, ctx=ctx)
        return choice
    if annotation is str:
        def text(value, param, ctx):
            if type(value) is str:
                return value
            raise _Slow
        return text
    if annotation is int:
        low, high, clamp = info.min, info.max, info.clamp

        def whole(value, param, ctx):
            if type(value) is int:
                number = value
            elif type(value) is str and _INT.fullmatch(value):
                number = int(value)
            else:
                raise _Slow
            if clamp:
                if low is not None and number < low:
                    return int(low)
                if high is not None and number > high:
                    return int(high)
            elif (low is not None and number < low) or (high is not None and number > high):
                raise _Slow  # out of range: Typer says so in its own words
            return number
        return whole
    if annotation is float:
        low, high, clamp = info.min, info.max, info.clamp

        def real(value, param, ctx):
            if type(value) is float:
                number = value
            elif type(value) is int or (type(value) is str and _REAL.fullmatch(value)):
                number = float(value)
            else:
                raise _Slow
            if number != number or (low is not None and number < low) or (high is not None and number > high):
                raise _Slow  # NaN, or out of range: Typer clamps it or says so in its own words
            return number
        return real
    if annotation is bool:
        def flag(value, param, ctx):
            if type(value) is bool:
                return value
            raise _Slow
        return flag
    if routes_to_path(annotation, info):
        path_type = info.path_type
        if path_type is None and isinstance(annotation, type) and issubclass(annotation, Path):
            path_type = annotation
        if path_type not in (None, str, bytes, Path):
            return None

        def path(value, param, ctx):
            if path_type is Path and not isinstance(value, Path):
                if type(value) is not str or not value or "\x00" in value:
                    raise _Slow
                value = Path(value)
            return coerce_cli_path(value, info, path_type=path_type, param=param, ctx=ctx)
        return path
    return None


class _Slow(Exception):
    """This value goes through Typer's own (pydantic) conversion."""


def _converter(annotation: Any, info):
    if get_origin(annotation) is list:
        args = get_args(annotation)
        leaf = _leaf(args[0], info) if len(args) == 1 else None
        if leaf is None:
            return None

        def many(value, param, ctx):
            if not isinstance(value, (list, tuple)):
                value = [value]
            return [leaf(item, param, ctx) for item in value]
        return many
    return _leaf(annotation, info)


def install() -> None:
    """Give Typer's parameters the pydantic-free conversion where it applies (once per process)."""
    global _installed
    if _installed:
        return
    try:
        from typer import _coercion, core
        from typer._coercion import RuntimeParam, build_runtime_param

        getter = core._TyperParameter.get_runtime_param
    except (ImportError, AttributeError):  # another Typer: its own conversion, untouched
        return

    @dataclass(frozen=True)
    class FastRuntimeParam(RuntimeParam):
        convert: Any = None
        descriptor: Any = None

        def _coerce_value(self, value, param, ctx):
            try:
                return self.convert(value, param, ctx)
            except Exception:  # anything unexpected or wrong: Typer decides, and words the error
                slow = build_runtime_param(self.descriptor)
                object.__setattr__(self, "convert", lambda v, p, c: slow._coerce_value(v, p, c))
                return slow._coerce_value(value, param, ctx)

    def get_runtime_param(self):
        if self._runtime_param is None:
            desc = self.type_descriptor
            convert = _converter(desc.annotation, desc.parameter_info) if desc.file_annotation is None else None
            if convert is None:
                return getter(self)
            self._runtime_param = FastRuntimeParam(parameter_info=desc.parameter_info, annotation=desc.annotation,
                                                   convert=convert, descriptor=desc)
        return self._runtime_param

    core._TyperParameter.get_runtime_param = get_runtime_param  # type: ignore[method-assign]
    _coercion.FastRuntimeParam = FastRuntimeParam  # type: ignore[attr-defined]  # findable by name, for debugging
    _installed = True
