"""Checklists as Markdown, plain text and one self-contained printable HTML page (no Rich here)."""

from __future__ import annotations

import html
from datetime import date

from advocate.checklists.i18n import format_date_long, tr
from advocate.checklists.model import advocate_note_text
from advocate.checklists.ui import LABELS, PRINT_LABELS


def _label(key: str, langs: list[str]) -> str:
    msgid = PRINT_LABELS.get(key) or LABELS[key]
    return " / ".join(dict.fromkeys(tr(msgid, lang) for lang in langs))


def _joined(texts: dict, langs: list[str]) -> str:
    return " / ".join(dict.fromkeys(texts[lang] for lang in langs))


def _printed(langs, today: date) -> str:
    return " / ".join(dict.fromkeys(f"{tr(LABELS['printed'], lang)}: {format_date_long(today, lang)}" for lang in langs))


def given_text(item, langs) -> str | None:
    """The saved answer of a filled item in words ("yes / sí; Note / Nota: after 6pm"), or None."""
    a = item.get("answer")
    if item.get("answer_hidden"):
        return _label("answer_hidden", langs)
    if not a:
        return None
    words = _joined(a["label"], langs) if a.get("label") else (a.get("text") or a["id"])
    if a.get("note"):
        words += f"; {_label('note', langs)}: {a['note']}"
    return words


def answers_date(c) -> str | None:
    """The local date of the latest saved answer of a filled checklist."""
    if not c.get("updated"):
        return None
    from datetime import datetime

    return datetime.fromisoformat(c["updated"]).astimezone().date().isoformat()


def _answers(item, lang) -> str:
    if item.get("answer") or item.get("answer_hidden"):
        return given_text(item, [lang]) or ""
    if item["type"] == "date":
        return "____/____/______"
    if item["type"] == "text":
        return "______________________"
    return "  ".join(f"[ ] {a['label'][lang]}" for a in item["answers"])


def to_markdown(c: dict, *, client: str | None = None, org: str = "", today: date | None = None) -> str:
    langs, today = c["languages"], today or date.today()
    lines = [f"# {_joined(c['title'], langs)}", ""]
    if org:
        lines += [f"**{org}**", ""]
    lines += [f"{_label('date', langs)}: {answers_date(c) or '______________'}    "
              f"{_label('client', langs)}: {client or '______________'}", "",
              f"_{_printed(langs, today)}_", ""]
    if c.get("intro"):
        lines += ["> " + "  \n> ".join(c["intro"][lang] for lang in langs), ""]
    if c["sensitive_hidden"]:
        lines += [f"_{_label('answers_hidden', langs)}_", ""]
    for s in c["sections"]:
        lines += [f"## {_joined(s['title'], langs)}", ""]
        header = ["#"] + [lang.upper() for lang in langs] + [_label("answer", langs[:1])]
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for n, item in ((item.get("n", i), item) for i, item in enumerate(s["items"], 1)):
            note = advocate_note_text(item, langs)
            cells = [str(n)] + [(item["text"][lang] + (f"<br>_» {note[1]}_" if note and note[0] == lang else ""))
                                .replace("|", "\\|") for lang in langs]
            given = given_text(item, langs)
            cell = f"**{given}**" if given else _answers(item, langs[-1])
            cells.append(" ".join(cell.split()).replace("|", "\\|"))
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def to_text(c: dict, *, client: str | None = None, org: str = "", today: date | None = None) -> str:
    langs, today = c["languages"], today or date.today()
    title = _joined(c["title"], langs)
    out = [title, "=" * len(title)]
    if org:
        out.append(org)
    out += [f"{_label('date', langs)}: {answers_date(c) or '______________'}   "
            f"{_label('client', langs)}: {client or '______________'}",
            _printed(langs, today), ""]
    if c.get("intro"):
        out += [c["intro"][lang] for lang in langs] + [""]
    if c["sensitive_hidden"]:
        out += [_label("answers_hidden", langs), ""]
    for s in c["sections"]:
        t = _joined(s["title"], langs)
        out += [t, "-" * len(t)]
        for n, item in ((item.get("n", i), item) for i, item in enumerate(s["items"], 1)):
            first, *rest = langs
            out.append(f"{n:>2}. {item['text'][first]}")
            out += [f"    {item['text'][lang]}" for lang in rest]
            note = advocate_note_text(item, langs)
            if note:
                out.append(f"    » {note[1]}")
            given = given_text(item, langs)
            if given:
                out.append(f"    => {given}")
            elif item["type"] != "say":  # something said or done: no answer line
                if item["type"] == "text":  # room to write, as on the printed form
                    out += ["    " + "_" * 60] * writing_lines(item)
                    out.append(f"    {_answers({**item, 'type': 'choice'}, langs[-1])}")
                else:
                    out.append(f"    {_answers(item, langs[-1])}")
                if item["type"] in ("yesno", "choice") and not item.get("answer_hidden"):
                    out.append(f"    {_label('details', langs)}: " + "_" * 44)
        out += ["", f"{_label('notes', langs)}:", "_" * 64, "_" * 64, ""]
    return "\n".join(out)


_CSS = """
@page { size: letter; margin: 17mm 13mm 16mm;
  @top-left { content: var(--run-head); font: 8.5pt "DejaVu Sans", Arial, sans-serif; color: #222; }
  @top-right { content: var(--run-title); font: 8pt "DejaVu Sans", Arial, sans-serif; color: #555; }
  @bottom-right { content: var(--page-word) " " counter(page) " " var(--of-word) " " counter(pages);
                  font: 8.5pt "DejaVu Sans", Arial, sans-serif; color: #222; }
  @bottom-left { content: var(--run-head); font: 8pt "DejaVu Sans", Arial, sans-serif; color: #555; } }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; font-size: 10pt; color: #111; margin: 0 auto;
       max-width: 190mm; line-height: 1.3; }
h1 { font-size: 15pt; margin: 0 0 4pt; }
.meta { display: flex; gap: 18pt; margin: 6pt 0; }
.meta > span { flex: 1; border-bottom: 1px solid #333; padding-top: 12pt; }
.code { white-space: nowrap; }
.printed, .hidden-note { font-size: 8.5pt; color: #444; }
.intro { border-left: 3px solid #888; padding: 2pt 8pt; margin: 6pt 0; }
.page-per-section section + section { break-before: page; }
h2 { font-size: 12.5pt; border-bottom: 2px solid #111; padding-bottom: 2pt; margin: 12pt 0 4pt;
     break-after: avoid; }
.item { display: grid; grid-template-columns: 7mm repeat(var(--langs), 1fr); column-gap: 8pt;
        padding: 5pt 0 6pt; border-bottom: 1px solid #bbb; break-inside: avoid; page-break-inside: avoid; }
.item .n { color: #555; text-align: right; padding-right: 2pt; }
.item .q { overflow-wrap: anywhere; }
.item .a { grid-column: 2 / -1; margin-top: 3pt; font-size: 9pt; }
.choices label { display: inline-block; margin-right: 12pt; white-space: nowrap; }
.box { display: inline-block; width: 9pt; height: 9pt; border: 1px solid #222; vertical-align: -1pt;
       margin-right: 3pt; text-align: center; line-height: 8pt; font-size: 8pt; font-weight: bold; }
.box.checked::after { content: "X"; }
.rule { display: flex; align-items: flex-end; gap: 4pt; height: 19pt; border-bottom: 1px solid #444; }
.rule .k { font-size: 8pt; color: #444; white-space: nowrap; }
.box-area { border: 1px solid #444; min-height: calc(var(--lines) * 19pt); padding: 3pt 5pt;
            background: repeating-linear-gradient(transparent 0 18pt, #ddd 18pt 19pt); }
.written { font-family: "DejaVu Sans Mono", monospace; color: #002a80; font-size: 9.5pt; white-space: pre-wrap; }
.note { margin-top: 3pt; padding: 2pt 6pt; border-left: 3px solid #777; background: #f0f0f0;
        font-size: 8.5pt; font-style: italic; color: #333; }
.note::before { content: "» "; font-style: normal; }
.say { grid-column: 2 / -1; }
.item.say-item .q { font-style: italic; }
.item.say-item .q::before { content: "▸ "; font-style: normal; color: #555; }
.item.say-item { background: #f7f7f7; }
.done { font-size: 8.5pt; color: #002a80; }
.hidden-answer { font-style: italic; color: #444; }
.section-notes { margin-top: 6pt; break-inside: avoid; page-break-inside: avoid; }
.section-notes .k { font-size: 8.5pt; font-weight: bold; color: #333; }
.section-notes .rule { height: 20pt; }
@media screen { body { padding: 12mm; } }
"""

TEXT_LINES_MAX = 8
NB_HYPHEN = "\u2011"  # a hyphen no line breaks at (the code's own "-" stays in the page text, to copy and search)


def writing_lines(item: dict) -> int:
    """Lines of room a free-text answer gets on paper: the item's ``lines`` hint, else one line per
    question asked (each "?" or ";"-separated part) plus one, from 2 up to TEXT_LINES_MAX."""
    if item.get("lines"):
        return int(item["lines"])
    if item["type"] != "text":
        return 1
    text = next(iter(item["text"].values()), "")
    parts = text.count("?") + text.count(";") + text.count(",") // 3
    return max(2, min(TEXT_LINES_MAX, parts + 1))


def _css_string(text: str) -> str:
    """A CSS string literal (for the running header), with quotes and backslashes escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3c ") + '"'


def to_html(c: dict, *, client: str | None = None, org: str = "", today: date | None = None,
            page_per_section: bool = False) -> str:
    """One self-contained printable page. Every printed page carries the client code (or a line to write
    it) and the date in a running header, and "page n of N" at the foot (CSS paged media margin boxes,
    which Chromium prints). Sections flow on; ``page_per_section`` starts each on a new page."""
    langs, today = c["languages"], today or date.today()
    e = html.escape
    when = answers_date(c) or today.isoformat()
    # the client code never breaks across lines: nowrap on the page, a non-breaking hyphen in the running header
    head = (f'{_label("client", langs)}: {(client or "____________").replace("-", NB_HYPHEN)}  \u00b7  '
            f'{_label("date", langs)}: {when if client else "____________"}')
    title = _joined(c["title"], langs)
    first = langs[0]
    root_vars = (f"--run-head: {_css_string(head)}; --run-title: {_css_string(title)}; "
                 f"--page-word: {_css_string(_label('page', langs))}; --of-word: {_css_string(_label('of', langs))};"
                 f" --langs: {len(langs)};")
    parts = [
        "<!DOCTYPE html>", f'<html lang="{e(first)}"><head><meta charset="utf-8">',
        f"<title>{e(title)}</title><style>{_CSS}\n:root {{ {root_vars} }}</style></head>",
        f'<body class="{"page-per-section" if page_per_section else "flow"}">',
        f"<h1>{e(title)}</h1>",
    ]
    if org:
        parts.append(f"<p><strong>{e(org)}</strong></p>")
    parts.append(f'<div class="meta"><span>{e(_label("date", langs))}: {e(answers_date(c) or "")}</span>'
                 f'<span>{e(_label("client", langs))}: <span class="code">{e(client or "")}</span></span></div>')
    parts.append(f'<p class="printed">{e(_printed(langs, today))}</p>')
    if c.get("intro"):
        parts.append('<div class="intro">' + "<br>".join(f'<span lang="{e(lang)}">{e(c["intro"][lang])}</span>'
                                                         for lang in langs) + "</div>")
    if c.get("sensitive_hidden"):
        parts.append(f'<p class="hidden-note">{e(_label("answers_hidden", langs))}</p>')
    for s in c["sections"]:
        parts.append(f'<section id="{e(s["id"])}"><h2>{e(_joined(s["title"], langs))}</h2>')
        if s.get("note"):
            lang = note_lang(s["note"], langs)
            parts.append(f'<div class="note" lang="{e(lang)}">{e(s["note"][lang])}</div>')
        for n, item in ((item.get("n", i), item) for i, item in enumerate(s["items"], 1)):
            parts.append(_html_item(item, n, langs))
        parts.append(f'<div class="section-notes"><span class="k">{e(_label("notes", langs))}</span>'
                     + '<div class="rule"></div>' * 3 + "</div></section>")
    parts.append("</body></html>")
    return "\n".join(parts)


def note_lang(note: dict, langs: list[str]) -> str:
    from advocate.checklists.model import note_language

    lang = note_language(langs)
    return lang if lang in note else next(iter(note))


def _html_item(item: dict, n, langs: list[str]) -> str:
    e = html.escape
    note = advocate_note_text(item, langs)
    say = item["type"] == "say"
    cells = "".join(f'<div class="q" lang="{e(lang)}">{e(item["text"][lang])}'
                    + (f'<div class="note">{e(note[1])}</div>' if note and note[0] == lang else "") + "</div>"
                    for lang in langs)
    given = item.get("answer") or {}
    cls = "item say-item" if say else "item"
    out = [f'<div class="{cls}" id="{e(item["id"])}"><div class="n">{e(str(n))}</div>{cells}<div class="a">']
    details = _label("details", langs)
    if item.get("answer_hidden"):
        out.append(f'<span class="hidden-answer">{e(_label("answer_hidden", langs))}</span>')
    elif say:  # something the advocate says or does: no answer box; a filled form says when it was done
        if given:
            out.append(f'<span class="done">✓ {e(_joined(given["label"], langs) if given.get("label") else given["id"])}</span>')
    else:
        def box(a):
            mark = " checked" if a["id"] == given.get("id") else ""
            return f'<label><span class="box{mark}"></span>{e(_joined(a["label"], langs))}</label>'

        written = e(given.get("text") or "") if given and not given.get("label") else ""
        if item["type"] == "text":
            lines = writing_lines(item)
            if lines > 4:
                out.append(f'<div class="box-area written" style="--lines: {lines}">{written}</div>')
            else:
                out.append(f'<div class="rule"><span class="written">{written}</span></div>'
                           + '<div class="rule"></div>' * (lines - 1 if not written else 0))
        elif item["type"] == "date":
            out.append(f'<div class="rule"><span class="written">{written or ""}</span>'
                       f'<span class="k">{"" if written else "____ / ____ / ________ (YYYY-MM-DD)"}</span></div>')
        out.append('<div class="choices">' + "".join(box(a) for a in item["answers"]) + "</div>")
        note_words = given.get("note") or ""
        if item["type"] in ("yesno", "choice") or note_words:
            room = 2 if item.get("free_note") else 1
            out.append(f'<div class="rule"><span class="k">{e(details)}:</span>'
                       f'<span class="written">{e(note_words)}</span></div>'
                       + ('<div class="rule"></div>' * (room - 1) if not note_words else ""))
    out.append("</div></div>")
    return "".join(out)
