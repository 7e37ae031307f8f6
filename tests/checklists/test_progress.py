"""The answers core: checking values (any text in, a stored answer or one InputError out), all-or-nothing saves."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advocate.checklists.model import get_checklist, localize
from advocate.checklists.progress import answer_rows, answers, check_answer, fill_in, resolve_item, save_answers, status
from advocate.errors import InputError

DOC, _SRC = get_checklist("intake")


def test_resolve_item_by_short_or_full_id():
    assert resolve_item(DOC, "talk-now") == resolve_item(DOC, "start.talk-now") == "start.talk-now"
    with pytest.raises(InputError) as exc:
        resolve_item(DOC, "talk-nw")
    assert "talk-now" in str(exc.value) and exc.value.field == "item"


@pytest.mark.parametrize("item, given_, stored", [
    ("start.talk-now", "yes", ("yes", None)),
    ("start.talk-now", " SÍ ", ("yes", None)),
    ("start.talk-now", "No se sabe", ("unknown", None)),
    ("safety.plan-review", "2026-12-10", ("2026-12-10", None)),
    ("safety.plan-review", "does-not-apply", ("does-not-apply", None)),
    ("safety.contact-channel", "texts after 6", ("answered", "texts after 6")),
    ("language.spanish-level", "some", ("some", None)),
])
def test_check_answer(item, given_, stored):
    assert check_answer(DOC, item, given_) == stored


@settings(max_examples=150, deadline=None)
@given(item=st.sampled_from(["start.talk-now", "safety.plan-review", "safety.contact-channel", "language.spanish-level"]),
       text=st.text(max_size=600), note=st.none() | st.text(max_size=50))
def test_check_answer_never_fails_otherwise(item, text, note):
    try:
        answer, kept = check_answer(DOC, item, text, note)
    except InputError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert answer and "\x00" not in (kept or "")
    assert kept is None or 0 < len(kept) <= 500


def test_save_answers_all_or_nothing(store):
    from advocate.clients import create_client

    code = create_client(store)["code"]
    with pytest.raises(InputError) as exc:
        save_answers(store, code, DOC, [("talk-now", "yes", None), ("medical-now", "perhaps", None)])
    assert "perhaps" in str(exc.value)
    assert answers(store, code, "intake") == {}
    saved = save_answers(store, code, DOC, [("talk-now", "yes", None), ("medical-now", "no", "had a check-up"),
                                            ("threats", "no", None)])
    assert saved == ["start.talk-now", "start.medical-now", "screen.threats"]
    c = fill_in(localize(DOC, ["en"]), answers(store, code, "intake"))
    assert c["sensitive_hidden"] == 1  # threats is sensitive: its answer is not shown, but it is answered
    assert c["answered"] == 3
    rows, hidden = answer_rows(store, code, {"intake": DOC})
    assert hidden == 1 and [r["item"] for r in rows] == ["start.talk-now", "start.medical-now"]
    (summary,) = status(store, code, {"intake": DOC})
    assert summary["answered"] == 3 and summary["sections"][0]["answered"] == 2
    assert summary["sensitive_answered"] == 1
