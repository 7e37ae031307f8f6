#!/usr/bin/env bash
# The tests again, in a fresh environment holding the LOWEST versions pyproject.toml allows (.ci/lowest.txt),
# so a dependency floor that no longer works fails CI instead of a user's first lookup.
# The generated-output checks (CLI reference, completion scripts) are pinned to the current Typer and Rich;
# lint and type check (tests/test_lint.py) ran with the first pass.
set -euo pipefail
cd "$(dirname "$0")/.."
env_dir=$(mktemp -d)/lowest
trap 'rm -rf "$(dirname "$env_dir")"' EXIT
python3 -m venv "$env_dir"
"$env_dir/bin/python" -m pip install -q --disable-pip-version-check -c .ci/lowest.txt -e '.[test]'
"$env_dir/bin/python" -m pip freeze --disable-pip-version-check | grep -iE '^(typer|rich|sqlite-utils|geopy|babel|icalendar|questionary|openpyxl)=' | tr '\n' ' '
echo
"$env_dir/bin/python" -m pytest -p no:cacheprovider \
    --deselect tests/test_completions.py --deselect tests/test_docs.py::test_cli_reference_is_current \
    --deselect tests/test_packaging.py --deselect tests/test_lint.py
