"""Bilingual search terms: a query in Spanish or English also finds records written in the other.

The term list (``data/search_terms.csv``) holds one concept per row, its English and Spanish words;
the category vocabulary (ids, labels, aliases) adds its own concepts, which also match the services
filed under that category. A query is split into the longest known phrases; each becomes an OR of
every word of its concept(s), and every part of the query must match (AND), as before.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from advocate.data import read_csv
from advocate.textnorm import fold

PREFIX_MIN = 5  # a term word this long also matches longer words ("lawyer" finds "lawyers")
MAX_PHRASE = 6  # words in the longest term


@dataclass(frozen=True)
class Concept:
    en: tuple[str, ...]
    es: tuple[str, ...]
    categories: tuple[str, ...] = ()

    @property
    def words(self) -> tuple[str, ...]:
        return self.en + self.es


@dataclass
class Part:
    """One part of a query: what was typed, and every folded form it stands for."""

    typed: str
    variants: list[str]
    categories: list[str] = field(default_factory=list)
    prefix_last: bool = False  # an unknown last word matches as a prefix (search as you type)


def _split(cell: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in (cell or "").split("|") if v.strip()))


@functools.cache
def concepts() -> tuple[Concept, ...]:
    """The term list's concepts, then one per category (labels and aliases, with the category)."""
    out = [Concept(_split(row["en"]), _split(row["es"])) for row in read_csv("search_terms.csv")]
    from advocate.directory.vocab import CATEGORY_GROUPS, categories, category_aliases

    aliases: dict[str, list[str]] = {}
    for alias, cid in category_aliases().items():
        aliases.setdefault(cid, []).append(alias)
    for cid, row in categories().items():
        en = (row["label_en"], cid.replace("-", " "))
        es = (row["label_es"],)
        extra = tuple(a for a in aliases.get(cid, ()) if len(a) > 2)  # "dv", "sa": too short to search
        out.append(Concept(tuple(dict.fromkeys(en + extra)), es, (cid,)))
    for group, cids in CATEGORY_GROUPS.items():  # "legal" is every kind of legal help
        out.append(Concept((group.replace("-", " "),), (), tuple(cids)))
    return tuple(out)


@functools.cache
def _index() -> dict[str, tuple[int, ...]]:
    """folded word or phrase -> the concepts it belongs to."""
    index: dict[str, list[int]] = {}
    for n, concept in enumerate(concepts()):
        for word in concept.words:
            key = fold(word)
            if key and n not in index.setdefault(key, []):
                index[key].append(n)
    return {k: tuple(v) for k, v in index.items()}


def expand(text: str) -> list[Part]:
    """The parts of a query, longest known phrase first: "violencia doméstica Miami" ->
    [domestic violence|violencia doméstica|..., miami]."""
    words = fold(text or "").replace("-", " ").split()
    words = [w for w in (re.sub(r"[^\w]", "", w) for w in words) if w]
    index, table = _index(), concepts()
    parts: list[Part] = []
    i = 0
    while i < len(words):
        for size in range(min(MAX_PHRASE, len(words) - i), 0, -1):
            key = " ".join(words[i:i + size])
            found = index.get(key)
            if found:
                variants: dict[str, None] = {}
                cats: dict[str, None] = {}
                for n in found:
                    for w in table[n].words:
                        variants[fold(w)] = None
                    for c in table[n].categories:
                        cats[c] = None
                parts.append(Part(key, list(variants), list(cats)))
                i += size
                break
        else:
            parts.append(Part(words[i], [words[i]]))
            i += 1
    if parts and len(parts[-1].variants) == 1 and not parts[-1].categories:
        parts[-1].prefix_last = True
    return parts


def literal_parts(parts: list[Part]) -> list[Part]:
    """The same parts with only the words as typed (the last one as a prefix), for ranking."""
    return [Part(p.typed, [p.typed], [], prefix_last=(i == len(parts) - 1)) for i, p in enumerate(parts)]


def _fts_term(variant: str, prefix: bool) -> str:
    tokens = re.findall(r"\w+", variant)
    phrase = '"' + " ".join(tokens) + '"'
    return phrase + "*" if prefix else phrase


def fts_query(parts: list[Part]) -> str:
    """An FTS5 MATCH expression: each part an OR of its variants, all parts required."""
    groups = []
    for part in parts:
        terms = []
        for v in part.variants:
            if not re.findall(r"\w+", v):
                continue
            last = re.findall(r"\w+", v)[-1]
            terms.append(_fts_term(v, part.prefix_last or (len(last) >= PREFIX_MIN and len(part.variants) > 1)))
        if terms:
            groups.append(terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")")
    return " AND ".join(groups)


def matched_terms(parts: list[Part], text: str, categories: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Which word of each part a record's text holds (as written in the term list, folded), or the
    category it is filed under: what the results say they matched."""
    folded = " " + " ".join(re.findall(r"\w+", fold(text or ""))) + " "
    out: list[str] = []
    for part in parts:
        hit = None
        for v in part.variants:
            tokens = " ".join(re.findall(r"\w+", v))
            if not tokens:
                continue
            prefix = part.prefix_last or (len(tokens.split()[-1]) >= PREFIX_MIN and len(part.variants) > 1)
            pattern = r" " + re.escape(tokens) + (r"\w*" if prefix else "") + r" "
            if re.search(pattern, folded):
                hit = v
                break
        if hit is None:
            cat = next((c for c in part.categories if c in categories), None)
            if cat:
                hit = f"category {cat}"
        if hit is not None and hit not in out:
            out.append(hit)
    return out
