"""Checklist documents: load (package, then the organization's override folder), validate, localize."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from advocate.checklists.i18n import SOURCE_LANGUAGE, tr
from advocate.checklists.ui import SPECIAL_ANSWERS, YESNO
from advocate.errors import AdvocateError, InputError, NotFound

ANSWER_TYPES = ("yesno", "choice", "date", "text")
PACKAGE_DIR = "checklists"


@dataclass
class Source:
    path: str
    packaged: bool


def _packaged() -> dict[str, tuple[dict, Source]]:
    from advocate.data import data_file

    out = {}
    folder = data_file(PACKAGE_DIR)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            doc = json.loads(entry.read_text(encoding="utf-8"))
            out[doc["id"]] = (doc, Source(f"advocate/data/checklists/{entry.name}", True))
    return out


def load_all(override_dir: Path | None = None) -> dict[str, tuple[dict, Source]]:
    """Every checklist: packaged ones, replaced or extended by JSON files in ``override_dir``."""
    docs = _packaged()
    if override_dir and override_dir.is_dir():
        for path in sorted(override_dir.glob("*.json")):
            try:
                doc = json.loads(path.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise AdvocateError(f"the checklist file {path} is not valid JSON ({exc})") from None
            validate(doc, str(path))
            docs[doc["id"]] = (doc, Source(str(path), False))
    return docs


def validate(doc, where: str) -> None:
    def bad(msg):
        raise AdvocateError(f"the checklist file {where} is malformed: {msg}")

    if not isinstance(doc, dict) or not isinstance(doc.get("id"), str) or not doc["id"]:
        bad('it needs an "id"')
    if not isinstance(doc.get("sections"), list) or not doc["sections"]:
        bad('it needs a non-empty "sections" list')
    seen = set()
    for s in doc["sections"]:
        if not isinstance(s, dict) or not s.get("id") or not isinstance(s.get("items"), list):
            bad('every section needs an "id", a "title" and "items"')
        for it in s["items"]:
            if not isinstance(it, dict) or not it.get("id") or not it.get("text"):
                bad(f'every item of section "{s["id"]}" needs an "id" and a "text"')
            key = f'{s["id"]}.{it["id"]}'
            if key in seen:
                bad(f'item "{key}" appears twice')
            seen.add(key)
            if it.get("answers", "yesno") not in ANSWER_TYPES:
                bad(f'item "{key}" has answers "{it.get("answers")}"; expected one of {", ".join(ANSWER_TYPES)}')


def get_checklist(name: str, override_dir: Path | None = None) -> tuple[dict, Source]:
    docs = load_all(override_dir)
    if name not in docs:
        import difflib

        raise NotFound(f'no checklist called "{name}"; see `advocate checklist list`',
                       suggestions=difflib.get_close_matches(name, list(docs), n=2))
    return docs[name]


def text_in(value, lang: str, where: str) -> str:
    """A string in ``lang``: catalog lookup for msgids, or the entry of an inline {"en": ..., "es": ...}."""
    if isinstance(value, dict):
        if value.get(lang):
            return value[lang]
        raise InputError(f'{where} has no text in "{lang}"; add it to the checklist file or choose another --lang')
    return tr(value, lang)


def answer_choices(item: dict) -> list[tuple[str, str]]:
    """(answer id, English label) in the order offered; the three 'not an answer' answers always last."""
    kind = item.get("answers", "yesno")
    if kind == "yesno":
        base = list(YESNO.items())
    elif kind == "choice":
        base = [(o["id"], o["label"]) for o in item.get("options") or []]
    else:
        base = []
    return base + list(SPECIAL_ANSWERS.items())


def localize(doc: dict, langs: list[str], *, include_sensitive: bool = False) -> dict:
    """The JSON shape every format renders from: texts keyed by language."""
    def both(value, where):
        return {lang: text_in(value, lang, where) for lang in langs}

    out = {"id": doc["id"], "languages": langs, "title": both(doc.get("title") or doc["id"], f'checklist "{doc["id"]}"'),
           "intro": both(doc["intro"], f'the intro of "{doc["id"]}"') if doc.get("intro") else None,
           "sensitive_hidden": 0, "sections": []}
    for s in doc["sections"]:
        sec = {"id": s["id"], "title": both(s.get("title") or s["id"], f'section "{s["id"]}"'), "items": []}
        for it in s["items"]:
            if it.get("sensitive") and not include_sensitive:
                out["sensitive_hidden"] += 1
                continue
            where = f'item "{s["id"]}.{it["id"]}"'
            sec["items"].append({
                "id": f'{s["id"]}.{it["id"]}', "text": both(it["text"], where), "sensitive": bool(it.get("sensitive")),
                "type": it.get("answers", "yesno"), "note": bool(it.get("note")),
                "answers": [{"id": aid, "label": both(label, where)} for aid, label in answer_choices(it)],
            })
        if sec["items"]:
            out["sections"].append(sec)
    return out


def item_index(doc: dict) -> dict[str, dict]:
    return {f'{s["id"]}.{it["id"]}': it for s in doc["sections"] for it in s["items"]}


def default_languages(cfg) -> list[str]:
    return list(cfg.languages or [SOURCE_LANGUAGE])
