"""Checklist documents: load (package, then the organization's override folder), validate, localize."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from advocate.checklists.i18n import SOURCE_LANGUAGE, tr
from advocate.checklists.ui import DONE, SPECIAL_ANSWERS, YESNO
from advocate.errors import AdvocateError, InputError, NotFound
from advocate.i18n import _

ANSWER_TYPES = ("yesno", "choice", "date", "text", "say")
STAGES = ("first", "later", "as-needed")
STAGE_CHOICES = (*STAGES, "all")
REACTIONS = ("stop", "emergency")
PACKAGE_DIR = "checklists"
LINES_MAX = 30


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
                raise AdvocateError(_("the checklist file {path} is not valid JSON ({exc})").format(path=path, exc=exc)) from None
            validate(doc, str(path))
            docs[doc["id"]] = (doc, Source(str(path), False))
    return docs


def validate(doc, where: str) -> None:
    def bad(msg):
        raise AdvocateError(_("the checklist file {where} is malformed: {msg}").format(where=where, msg=msg))

    if not isinstance(doc, dict) or not isinstance(doc.get("id"), str) or not doc["id"]:
        bad('it needs an "id"')
    if not isinstance(doc.get("sections"), list) or not doc["sections"]:
        bad('it needs a non-empty "sections" list')
    seen = set()
    for s in doc["sections"]:
        if not isinstance(s, dict) or not s.get("id") or not isinstance(s.get("items"), list):
            bad('every section needs an "id", a "title" and "items"')
        if s.get("stage", "first") not in STAGES:
            bad(f'section "{s["id"]}" has stage "{s.get("stage")}"; expected one of {", ".join(STAGES)}')
        if s.get("note") is not None and not isinstance(s["note"], (str, dict)):
            bad(f'section "{s["id"]}" has a "note" that is neither text nor {{"en": ..., "es": ...}}')
        for it in s["items"]:
            if not isinstance(it, dict) or not it.get("id") or not it.get("text"):
                bad(f'every item of section "{s["id"]}" needs an "id" and a "text"')
            key = f'{s["id"]}.{it["id"]}'
            if key in seen:
                bad(f'item "{key}" appears twice')
            seen.add(key)
            if it.get("answers", "yesno") not in ANSWER_TYPES:
                bad(f'item "{key}" has answers "{it.get("answers")}"; expected one of {", ".join(ANSWER_TYPES)}')
            stage = it.get("stage", s.get("stage", "first"))
            if stage not in STAGES:
                bad(f'item "{key}" has stage "{stage}"; expected one of {", ".join(STAGES)}')
            note = it.get("note")
            if note is not None and not isinstance(note, (bool, str, dict)):
                bad(f'item "{key}" has a "note" that is neither text nor {{"en": ..., "es": ...}}')
            lines = it.get("lines")
            if lines is not None and (isinstance(lines, bool) or not isinstance(lines, int) or not 0 < lines <= LINES_MAX):
                bad(f'item "{key}" has "lines" {lines!r}; expected a whole number from 1 to {LINES_MAX}')
            if not isinstance(it.get("free_note", False), bool):
                bad(f'item "{key}" has "free_note" {it.get("free_note")!r}; expected true or false')
            react = it.get("react") or {}
            if not isinstance(react, dict) or any(v not in REACTIONS for v in react.values()):
                bad(f'item "{key}" has "react" {react!r}; expected {{"yes" or "no": {" or ".join(REACTIONS)}}}')


def get_checklist(name: str, override_dir: Path | None = None) -> tuple[dict, Source]:
    docs = load_all(override_dir)
    if name not in docs:
        import difflib

        raise NotFound(_('no checklist called "{name}"; see `advocate checklist list`').format(name=name),
                       suggestions=difflib.get_close_matches(name, list(docs), n=2))
    return docs[name]


def text_in(value, lang: str, where: str) -> str:
    """A string in ``lang``: catalog lookup for msgids, or the entry of an inline {"en": ..., "es": ...}."""
    if isinstance(value, dict):
        if value.get(lang):
            return value[lang]
        raise InputError(_('{where} has no text in "{lang}"; add it to the checklist file or choose another language').format(where=where, lang=lang),
                         field="lang")
    return tr(value, lang)


def advocate_note(item: dict):
    """The guidance for the advocate (a msgid or an inline {"en", "es"} object), or None.

    A boolean ``note`` is the legacy spelling of ``free_note`` and is no advocate note.
    """
    note = item.get("note")
    return None if isinstance(note, bool) or not note else note


def free_note(item: dict) -> bool:
    """Whether a short free-text note may be recorded with the answer (legacy files: ``"note": true``)."""
    if "free_note" in item:
        return bool(item["free_note"])
    return item.get("note") is True


def stage_of(item: dict, section: dict | None = None) -> str:
    return item.get("stage") or (section or {}).get("stage") or "first"


def in_stage(stage: str, chosen: str) -> bool:
    if chosen not in STAGE_CHOICES:
        raise InputError(_('"{chosen}" is not a stage; choose one of {STAGE_CHOICES}').format(chosen=chosen, STAGE_CHOICES=', '.join(STAGE_CHOICES)), field="stage")
    return chosen == "all" or stage == chosen


def answer_choices(item: dict) -> list[tuple[str, str]]:
    """(answer id, English label) in the order offered; the three 'not an answer' answers always last.

    A "say" item (something the advocate says or does) has one answer, "done", and no 'not an answer' answers.
    """
    kind = item.get("answers", "yesno")
    if kind == "say":
        return [("done", DONE)]
    if kind == "yesno":
        base = list(YESNO.items())
    elif kind == "choice":
        base = [(o["id"], o["label"]) for o in item.get("options") or []]
    else:
        base = []
    return base + list(SPECIAL_ANSWERS.items())


def localize(doc: dict, langs: list[str], *, stage: str = "all", notes: bool = True,
             include_sensitive: bool = False) -> dict:
    """The JSON shape every format renders from: texts keyed by language.

    ``stage`` ("first", "later", "as-needed" or "all") chooses which items are included; ``notes=False``
    drops the advocate notes. Sensitive items are always included: ``sensitive`` says whether their
    *answers* may be shown, which is the renderer's business (``include_sensitive`` is accepted and ignored
    here, for callers of the first version).
    """
    def both(value, where):
        return {lang: text_in(value, lang, where) for lang in langs}

    in_stage("first", stage)  # a bad stage is an error even for an empty checklist
    out = {"id": doc["id"], "languages": langs, "title": both(doc.get("title") or doc["id"], f'checklist "{doc["id"]}"'),
           "intro": both(doc["intro"], f'the intro of "{doc["id"]}"') if doc.get("intro") else None,
           "stage": stage, "sensitive_hidden": 0, "stage_hidden": 0, "sections": []}
    for s in doc["sections"]:
        sec = {"id": s["id"], "title": both(s.get("title") or s["id"], f'section "{s["id"]}"'),
               "note": both(s["note"], f'the note of section "{s["id"]}"') if notes and s.get("note") else None,
               "items": []}
        for it in s["items"]:
            item_stage = stage_of(it, s)
            if not in_stage(item_stage, stage):
                out["stage_hidden"] += 1
                continue
            where = f'item "{s["id"]}.{it["id"]}"'
            note = advocate_note(it)
            kind = it.get("answers", "yesno")
            sec["items"].append({
                "id": f'{s["id"]}.{it["id"]}', "text": both(it["text"], where),
                "note": both(note, f"the note of {where}") if notes and note else None,
                "stage": item_stage, "sensitive": bool(it.get("sensitive")), "type": kind,
                "lines": it.get("lines"), "free_note": free_note(it), "react": dict(it.get("react") or {}),
                "answers": [] if kind == "say" else
                [{"id": aid, "label": both(label, where)} for aid, label in answer_choices(it)],
            })
        if sec["items"]:
            out["sections"].append(sec)
    return out


def note_language(langs: list[str]) -> str:
    """The language advocate notes are shown in: the interface language when it is one of ``langs``."""
    from advocate.i18n import current_language

    lang = current_language()
    return lang if lang in langs else langs[0]


def advocate_note_text(item: dict, langs: list[str]) -> tuple[str, str] | None:
    """(language, text) of a localized item's advocate note, or None."""
    if not item.get("note"):
        return None
    lang = note_language(langs)
    return lang, item["note"][lang]


def item_index(doc: dict) -> dict[str, dict]:
    return {f'{s["id"]}.{it["id"]}': it for s in doc["sections"] for it in s["items"]}


def default_languages(cfg) -> list[str]:
    return list(cfg.languages or [SOURCE_LANGUAGE])
