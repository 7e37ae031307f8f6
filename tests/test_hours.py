"""Opening hours in the paper's language (advocate.hours): schedules and 211's "8:00am-5:00pm, Mon-Fri" read,
anything else kept as the directory wrote it."""

from __future__ import annotations

from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from advocate import hours

NBSP = "\u00a0"


@pytest.mark.parametrize(("text", "es", "en"), [
    ("8:00am-5:00pm, Mon-Fri", "De lunes a viernes, de 8:00 a.m. a 5:00 p.m.", "Monday to Friday, 8:00 AM to 5:00 PM"),
    ("9:30am-5:00pm, Mon-Thur; 9:30am-2:00pm, Fri",
     "De lunes a jueves, de 9:30 a.m. a 5:00 p.m.; viernes, de 9:30 a.m. a 2:00 p.m.",
     "Monday to Thursday, 9:30 AM to 5:00 PM; Friday, 9:30 AM to 2:00 PM"),
    ("1:00pm-4:00pm, Tue, Thur", "Martes y jueves, de 1:00 p.m. a 4:00 p.m.", "Tuesday and Thursday, 1:00 PM to 4:00 PM"),
    ("Thu,Fri 10:00:00-18:00:00", "Jueves y viernes, de 10:00 a.m. a 6:00 p.m.", "Thursday and Friday, 10:00 AM to 6:00 PM"),
    ("Mon-Fri 8:00-15:00", "De lunes a viernes, de 8:00 a.m. a 3:00 p.m.", "Monday to Friday, 8:00 AM to 3:00 PM"),
    ("Mon 08:00-17:00; Tue 08:00-17:00; Wed 08:00-17:00; Thu 08:00-17:00; Fri 08:00-17:00; Sat 10:00-14:00",
     "De lunes a viernes, de 8:00 a.m. a 5:00 p.m.; sábado, de 10:00 a.m. a 2:00 p.m.",
     "Monday to Friday, 8:00 AM to 5:00 PM; Saturday, 10:00 AM to 2:00 PM"),
    ("10:00am-4:30pm, Mon, Wed, Fri", "Lunes, miércoles y viernes, de 10:00 a.m. a 4:30 p.m.",
     "Monday, Wednesday, and Friday, 10:00 AM to 4:30 PM"),
    # "12:00 a.m." and "12:00 p.m." are read either way: said in words ("de la noche", "del día")
    ("4:00pm-12:00am, Sat", "Sábado, de 4:00 p.m. a 12:00 de la noche", "Saturday, 4:00 PM to midnight"),
    ("12:00am-6:00am, Mon", "Lunes, de 12:00 de la noche a 6:00 a.m.", "Monday, midnight to 6:00 AM"),
    # two openings a day, and two pieces the directory forgot to separate (both from the Miami 211 export)
    ("8:00am-12:00pm & 1:00pm-5:00pm, Tue", "Martes, de 8:00 a.m. a 12:00 del día y de 1:00 p.m. a 5:00 p.m.",
     "Tuesday, 8:00 AM to noon and 1:00 PM to 5:00 PM"),
    ("8:30am-12:00pm / 1:00pm-5:00pm, Mon, Tue; 9:00am-12:00pm, Sat",
     "Lunes y martes, de 8:30 a.m. a 12:00 del día y de 1:00 p.m. a 5:00 p.m.; sábado, de 9:00 a.m. a 12:00 del día",
     "Monday and Tuesday, 8:30 AM to noon and 1:00 PM to 5:00 PM; Saturday, 9:00 AM to noon"),
    ("8:00am-5:00pm, Mon-Thur 9:00am-1:00pm, Fri", "De lunes a jueves, de 8:00 a.m. a 5:00 p.m.; viernes, de 9:00 a.m. "
     "a 1:00 p.m.", "Monday to Thursday, 8:00 AM to 5:00 PM; Friday, 9:00 AM to 1:00 PM"),
    ("Mon-Sun 07:00-19:00", "Todos los días, de 7:00 a.m. a 7:00 p.m.", "Every day, 7:00 AM to 7:00 PM"),
    ("24/7", "Abierto las 24 horas, todos los días", "Open 24 hours, every day"),
])
def test_schedules_in_spanish_and_english(text, es, en):
    # Mexican Spanish writes "9:00 a.m." (CLDR es_MX), English "9:00 AM"
    # (a no-break space keeps "9:00" and "a.m." on one line)
    assert hours.hours_words(text, "es") == (es.replace(" a.m.", NBSP + "a.m.").replace(" p.m.", NBSP + "p.m."), False)
    assert hours.hours_words(text, "en") == (en.replace(" AM", NBSP + "AM").replace(" PM", NBSP + "PM"), False)


@pytest.mark.parametrize("text", [
    "ESOL: 12:00pm-2:00pm, Tue, Thur",  # a heading
    "9:00-5:00, Mon-Fri",  # closes before it opens: which is meant is a guess
    "Mon 9am-03:00",
    "8:00am-4:30pm, Every 3rd Saturday of each month",
    "Call for hours",
    "8:00am-12:00pm & 1:00pm-5:00pm, Tue Walk-in: 9:00am-11:00am, Wed",  # a heading after the times
    "8:00am-5:00pm, Mon-Thur 9:00am-1:00pm",  # the second piece has no days
    "9:00am-5:00pm, Mon-Fri Closed daily for lunch 12:30pm-1:00pm",
])
def test_anything_else_is_the_directorys_own_words(text):
    assert hours.hours_words(text, "es") == (text, True)
    assert hours.parse_hours(text) is None


DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
spans = st.tuples(st.integers(0, 22), st.sampled_from([0, 15, 30, 45]), st.integers(1, 12)).map(
    lambda t: (time(t[0], t[1]), time(min(t[0] + t[2], 23), t[1])))


@given(st.lists(st.tuples(st.lists(st.sampled_from(range(7)), min_size=1, max_size=7, unique=True), spans),
                min_size=1, max_size=5))
def test_the_imports_schedule_form_reads_back(groups):
    """What the import writes from HSDS schedules ("Mon,Tue 09:00-17:00; ...") reads back day for day."""
    groups = [(days, span) for days, span in groups if span[0] < span[1]]
    text = "; ".join(f"{','.join(DAYS[d] for d in days)} {a:%H:%M}-{b:%H:%M}" for days, (a, b) in groups)
    if not groups:
        return
    got = hours.parse_hours(text)
    assert got is not None
    assert {(o.day, o.opens, o.closes) for o in got} == {(d, a, b) for days, (a, b) in groups for d in days}
    assert hours.hours_words(text, "es")[1] is False


@given(st.text(max_size=80))
def test_any_text_is_read_or_kept_never_a_crash(text):
    shown, as_given = hours.hours_words(text, "es")
    if as_given:
        assert shown == text.strip()
