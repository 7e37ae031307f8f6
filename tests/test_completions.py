"""The committed completion scripts are what the app generates now."""

import importlib.util

import pytest

from tests.helpers import REPO

spec = importlib.util.spec_from_file_location("make_completions", REPO / "scripts" / "make_completions.py")
mc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mc)


@pytest.mark.parametrize("shell", sorted(mc.FILES))
def test_completion_script_is_current(shell):
    committed = (REPO / "completions" / mc.FILES[shell]).read_text()
    assert committed == mc.generate(shell), "run: python scripts/make_completions.py"
    assert "advocate" in committed


def test_zsh_starts_with_compdef():
    assert (REPO / "completions" / "_advocate").read_text().startswith("#compdef advocate")
