"""Command-line values converted without pydantic (advocate.cli.fastparams) come out exactly as Typer's
own pydantic conversion makes them, for every parameter of every command; anything else goes to Typer."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer.main
from hypothesis import given, settings
from hypothesis import strategies as st
from typer._click import Context
from typer._coercion import build_runtime_param

from advocate.cli import fastparams
from advocate.cli.main import make_app

TRICKY = ["10", "010", "+5", "-3", " 7", "7 ", "1_000", "0", "100", "101", "10000", "10001", "1e3", "", "abc",
          "99999999999999999999", "٣", "json", "JSON", "Csv", "table ", "-", "./x.csv", "~/x", "a\x00b", "true", "2.5", "30.0", "0.5", "600.0",
          "600.5", "1.", ".5", "-0.0", "nan", "inf", "1,5", "2.50000000000000001"]


def _params():
    out, seen = [], set()

    def walk(cmd):
        for p in cmd.params:
            d = p.type_descriptor
            key = (repr(d.annotation), repr(vars(d.parameter_info)))
            if key not in seen:
                seen.add(key)
                out.append((cmd, p))
        for sub in getattr(cmd, "commands", {}).values():
            walk(sub)
    walk(typer.main.get_command(make_app()))
    return out


PARAMS = _params()


def _both(cmd, param, value):
    """(fast result or the exception class, Typer's result or the exception class)."""
    ctx = Context(cmd)
    d = param.type_descriptor
    fast = fastparams._converter(d.annotation, d.parameter_info) if d.file_annotation is None else None
    try:
        mine = fast(value, param, ctx) if fast else fastparams._Slow
    except Exception as exc:  # noqa: BLE001 - any failure means "Typer decides"
        mine = type(exc)
    try:
        theirs = build_runtime_param(d)._coerce_value(value, param=param, ctx=ctx)
    except Exception as exc:  # noqa: BLE001
        theirs = type(exc)
    return mine, theirs


def _agree(mine, theirs):
    if isinstance(mine, type) and issubclass(mine, Exception):
        return True  # the fast path stepped aside: Typer converted (or refused) it itself
    return mine == theirs and type(mine) is type(theirs)


def test_most_parameters_take_the_fast_path():
    fast = [p for _c, p in PARAMS
            if fastparams._converter(p.type_descriptor.annotation, p.type_descriptor.parameter_info)]
    assert len(fast) >= len(PARAMS) * 0.8


@pytest.mark.parametrize("value", TRICKY + [["a", "b"], ("x",), 5, True, 30.0, 2.5, 0.5, 1e9, float("nan")])
def test_tricky_values_agree(value):
    for cmd, param in PARAMS:
        mine, theirs = _both(cmd, param, value)
        assert _agree(mine, theirs), (param.name, value, mine, theirs)


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.text(max_size=8), st.integers(-10**6, 10**6).map(str), st.lists(st.text(max_size=4), max_size=3)))
def test_any_value_agrees(value):
    for cmd, param in PARAMS:
        mine, theirs = _both(cmd, param, value)
        assert _agree(mine, theirs), (param.name, value, mine, theirs)


def test_a_cold_lookup_does_not_import_pydantic(tmp_path):
    code = ("import sys\nfrom advocate.cli.main import run\nsys.argv = ['advocate', 'places', 'resolve', '10001',"
            " '-f', 'json']\ntry:\n    run()\nexcept SystemExit:\n    pass\nprint('pydantic' in sys.modules, file=sys.stderr)")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env={**__import__("os").environ, "ADVOCATE_DB": str(tmp_path / "s.db")})
    assert p.stderr.strip().endswith("False"), p.stderr[-500:]


def test_decimal_options_take_the_fast_path():
    reals = [p for _c, p in PARAMS if p.type_descriptor.annotation is float]
    assert reals  # (--timeout of the directory pull)
    assert all(fastparams._converter(p.type_descriptor.annotation, p.type_descriptor.parameter_info) for p in reals)


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.floats(allow_nan=False, allow_infinity=False).map(str), st.floats(-1000, 1000),
                 st.decimals(-1000, 1000, places=3, allow_nan=False, allow_infinity=False).map(str)))
def test_any_decimal_agrees(value):
    for cmd, param in PARAMS:
        if param.type_descriptor.annotation is float:
            mine, theirs = _both(cmd, param, value)
            assert _agree(mine, theirs), (param.name, value, mine, theirs)


def test_an_import_does_not_import_pydantic(tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    (export / "services.csv").write_text("id,name\n1,Clinica\n", encoding="utf-8")
    code = ("import sys\nfrom advocate.cli.main import run\nsys.argv = ['advocate', 'services', 'import', sys.argv[1],"
            " '--dry-run', '-f', 'json']\ntry:\n    run()\nexcept SystemExit as e:\n    print('rc', e.code, file=sys.stderr)\n"
            "print('pydantic' in sys.modules, file=sys.stderr)")
    p = subprocess.run([sys.executable, "-c", code, str(export)], capture_output=True, text=True,
                       env={**__import__("os").environ, "ADVOCATE_DB": str(tmp_path / "s.db")})
    assert '"services_read": 1' in p.stdout, p.stderr[-500:]
    assert p.stderr.strip().endswith("False"), p.stderr[-500:]
