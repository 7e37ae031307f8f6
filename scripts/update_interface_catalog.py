"""Extract the interface strings, merge them into every language's interface.po, compile the .mo.

    .venv/bin/python scripts/update_interface_catalog.py             # extract + update + compile
    .venv/bin/python scripts/update_interface_catalog.py --compile   # only compile (after editing a .po)
    .venv/bin/python scripts/update_interface_catalog.py --init es   # start a new language

New msgids arrive with an empty msgstr (no fuzzy guesses); tests/test_i18n.py fails until each has its
translation. Entries no longer in the code are dropped. (The checklists' catalog is separate: babel.cfg.)
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from advocate.i18n_extract import extract_catalog  # noqa: E402

LOCALE = ROOT / "advocate" / "locale"
FIXED_DATE = datetime(2026, 11, 29, tzinfo=UTC)


def po_paths():
    return sorted(LOCALE.glob("*/LC_MESSAGES/interface.po"))


def compile_all() -> None:
    for po_path in po_paths():
        with open(po_path, "rb") as fh:
            catalog = read_po(fh)
        with open(po_path.with_suffix(".mo"), "wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        total = sum(1 for m in catalog if m.id)
        done = sum(1 for m in catalog if m.id and m.string and (all(m.string) if isinstance(m.string, tuple) else True))
        print(f"{po_path.relative_to(ROOT)}: {done} of {total} translated")


def main(argv: list[str]) -> None:
    if "--init" in argv:
        lang = argv[argv.index("--init") + 1]
        path = LOCALE / lang / "LC_MESSAGES" / "interface.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            with open(path, "wb") as fh:
                write_po(fh, Catalog(locale=lang, domain="interface", project="advocate"), width=0)
    if "--compile" not in argv:
        template = extract_catalog(ROOT)
        template.creation_date = FIXED_DATE  # a stable header: parallel branches do not conflict on it
        for po_path in po_paths():
            with open(po_path, "rb") as fh:
                catalog = read_po(fh)
            catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
            catalog.obsolete.clear()
            with open(po_path, "wb") as fh:
                write_po(fh, catalog, width=0, sort_by_file=True, include_lineno=False, ignore_obsolete=True)
    compile_all()


if __name__ == "__main__":
    main(sys.argv[1:])
