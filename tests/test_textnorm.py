"""advocate.textnorm: folding text for matching."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from advocate.textnorm import fold


def _fold_every_text_the_long_way(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[.,'’`´\"()\-_/]+", " ", text.casefold())
    return re.sub(r"\s+", " ", text).strip()


@given(st.one_of(st.text(), st.text(alphabet=st.characters(max_codepoint=127)),
                 st.text(alphabet="aAeéÉñÑüçß ., -'’Ǆǅﬁ①\u0301\u00a0")))
def test_fold_takes_the_quick_way_only_where_it_gives_the_same(text):
    """ASCII text skips the Unicode decomposition (it has no accents to take off): every text folds as it would the
    long way, ASCII and not."""
    assert fold(text) == _fold_every_text_the_long_way(text)


def test_fold_examples():
    assert fold("Oax.") == "oax"
    assert fold("Querétaro") == "queretaro"
    assert fold("  K'iche'  ") == "k iche"
    assert fold("STRASSE ß") == "strasse ss"
