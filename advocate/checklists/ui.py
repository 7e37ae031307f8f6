"""User-facing words of checklists outside the checklist files themselves (marked for extraction)."""

from advocate.checklists.i18n import N_

SPECIAL_ANSWERS = {
    "prefer-not-to-say": N_("prefer not to say"),
    "unknown": N_("unknown"),
    "does-not-apply": N_("does not apply"),
}
YESNO = {"yes": N_("yes"), "no": N_("no")}
SKIP = N_("skip for now")
DONE = N_("done")
STAGE_LABELS = {"first": N_("first meeting"), "later": N_("later"), "as-needed": N_("as needed")}

LABELS = {
    "date": N_("Date"),
    "client": N_("Client code"),
    "note": N_("Note"),
    "answer": N_("Answer"),
    "printed": N_("Printed"),
    "section": N_("Section"),
    "sensitive": N_("sensitive"),
    "sensitive_hidden": N_("Items marked sensitive are hidden. Show them only when the person is ready."),
    "language": N_("Language"),
    "hint_text": N_("short, no names"),
    "hint_date": N_("YYYY-MM-DD"),
    "or": N_("or"),
    "blank": N_("blank"),
    "a_date": N_("a date"),
    "a_note": N_("a short note"),
    "advocate_note": N_("For the advocate"),
    "stopped_neutral": N_("Saved. See you soon."),
}
