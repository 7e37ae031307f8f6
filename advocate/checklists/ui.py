"""User-facing words of checklists outside the checklist files themselves (marked for extraction)."""

from advocate.checklists.i18n import CN_

SPECIAL_ANSWERS = {
    "prefer-not-to-say": CN_("prefer not to say"),
    "unknown": CN_("unknown"),
    "does-not-apply": CN_("does not apply"),
}
YESNO = {"yes": CN_("yes"), "no": CN_("no")}
SKIP = CN_("skip for now")
DONE = CN_("done")
STAGE_LABELS = {"first": CN_("first meeting"), "later": CN_("later"), "as-needed": CN_("as needed")}

LABELS = {
    "date": CN_("Date"),
    "client": CN_("Client code"),
    "note": CN_("Note"),
    "answer": CN_("Answer"),
    "printed": CN_("Printed"),
    "section": CN_("Section"),
    "sensitive": CN_("sensitive"),
    "sensitive_hidden": CN_("Items marked sensitive are hidden. Show them only when the person is ready."),
    "language": CN_("Language"),
    "hint_text": CN_("short, no names"),
    "hint_date": CN_("YYYY-MM-DD"),
    "or": CN_("or"),
    "blank": CN_("blank"),
    "a_date": CN_("a date"),
    "a_note": CN_("a short note"),
    "advocate_note": CN_("For the advocate"),
    "stopped_neutral": CN_("Saved. See you soon."),
    "emergency": CN_("Emergency"),
}

# Words of printed and filled-in forms (`checklist show`): running header, room to write, read-back answers.
PRINT_LABELS = {
    "answer_hidden": CN_("answered (sensitive: not printed)"),
    "answers_hidden": CN_("Answers to items marked sensitive are not printed."),
    "details": CN_("Details"),
    "notes": CN_("Notes"),
    "page": CN_("Page"),
    "of": CN_("of"),
    "done": CN_("done"),
}
