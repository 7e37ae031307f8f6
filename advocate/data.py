"""Access to the files bundled in ``data/`` (shipped inside the package as ``advocate._data``)."""

from __future__ import annotations

import csv
import functools
import io
import json
from importlib import resources


def data_file(name: str):
    return resources.files("advocate._data").joinpath(name)


def read_text(name: str) -> str:
    return data_file(name).read_text(encoding="utf-8")


@functools.cache
def read_csv(name: str) -> tuple[dict, ...]:
    text = read_text(name)
    rows = csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#"))
    return tuple(dict(r) for r in rows)


def read_json(name: str):
    return json.loads(read_text(name))
