"""A Babel extractor for checklist files (registered as ``advocate_checklist``; see babel.cfg).

    pybabel extract -F babel.cfg -o advocate/locale/advocate.pot .
"""

from __future__ import annotations

import json


def strings_of(doc: dict):
    """(path, text) for every translatable string of a checklist document, in order."""
    yield f"{doc['id']}.title", doc["title"]
    if doc.get("intro"):
        yield f"{doc['id']}.intro", doc["intro"]
    for section in doc["sections"]:
        yield f"{doc['id']}.{section['id']}.title", section["title"]
        if section.get("note"):
            yield f"{doc['id']}.{section['id']}.note", section["note"]
        for item in section["items"]:
            yield f"{doc['id']}.{section['id']}.{item['id']}", item["text"]
            if item.get("note") and not isinstance(item["note"], bool):
                yield f"{doc['id']}.{section['id']}.{item['id']}.note", item["note"]
            for opt in item.get("options") or []:
                yield f"{doc['id']}.{section['id']}.{item['id']}.{opt['id']}", opt["label"]


def extract_checklist(fileobj, keywords, comment_tags, options):
    doc = json.load(fileobj)
    for path, text in strings_of(doc):
        if isinstance(text, str) and text:
            yield 0, None, text, [path]
