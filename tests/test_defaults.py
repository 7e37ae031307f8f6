"""One home for defaults (advocate/defaults.py): the config, the library and the help all agree with it."""

import inspect
import re
from pathlib import Path

import pytest

from advocate import defaults

PACKAGE = Path(defaults.__file__).parent


def test_the_config_and_the_library_start_from_the_same_defaults():
    from advocate.config import Config
    from advocate.directory import batch, national, search
    from advocate.geo.parse import parse_distance

    assert Config().default_within == defaults.DEFAULT_WITHIN
    assert Config().stale_after_months == defaults.STALE_AFTER_MONTHS
    assert parse_distance(defaults.DEFAULT_WITHIN) == pytest.approx(defaults.DEFAULT_WITHIN_KM, abs=0.005)
    for fn in (search.services_near, batch.run_batch):
        assert inspect.signature(fn).parameters["within_km"].default == defaults.DEFAULT_WITHIN_KM
    for fn in (search.services_near, search.fetch_services, search.get_service, batch.run_batch,
               national.national_services):
        assert inspect.signature(fn).parameters["stale_months"].default == defaults.STALE_AFTER_MONTHS


def test_no_second_copy_of_a_default_in_the_code():
    pattern = re.compile(r"80\.47|KM_PER_MILE = |stale_months: int = \d|\"50mi\"")
    found = [f"{p.relative_to(PACKAGE)}:{n}" for p in PACKAGE.rglob("*.py") if p.name != "defaults.py"
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)
             and not (p.name == "distance.py" and "KM_PER_MILE = 1.609344" in line)]
    assert not found


def test_the_help_says_the_default_radius(cli):
    r = cli("services", "near", "--help")
    assert f"Default: {defaults.DEFAULT_WITHIN}" in " ".join(r.stdout.split())
