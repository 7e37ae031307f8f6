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
        return given_text(item, [lang])
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
            if item.get("note"):
                out.append(f"    » {advocate_note_text(item, langs)[1]}")
            given = given_text(item, langs)
            if given:
                out.append(f"    => {given}")
            elif item["type"] != "say":  # something said or done: no answer line
                out.append(f"    {_answers(item, langs[-1])}")
        out.append("")
    return "\n".join(out)


_CSS = """
@page { size: auto; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; font-size: 10.5pt; color: #111; margin: 0 auto; max-width: 190mm; }
h1 { font-size: 15pt; margin: 0 0 4pt; }
.meta { display: flex; gap: 18pt; margin: 6pt 0; }
.meta span { flex: 1; border-bottom: 1px solid #333; padding-top: 12pt; }
.printed, .hidden-note { font-size: 8.5pt; color: #444; }
.intro { border-left: 3px solid #888; padding: 2pt 8pt; margin: 6pt 0; }
section { break-before: page; page-break-before: always; }
section:first-of-type { break-before: auto; page-break-before: auto; }
h2 { font-size: 12.5pt; border-bottom: 2px solid #111; padding-bottom: 2pt; margin: 10pt 0 4pt; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
th, td { border: 1px solid #999; padding: 4pt 5pt; vertical-align: top; overflow-wrap: anywhere; }
th { background: #eee; text-align: left; font-size: 9pt; }
td.n { text-align: right; color: #555; padding-left: 2pt; }
tr { break-inside: avoid; page-break-inside: avoid; }
.note { margin-top: 4pt; padding: 2pt 5pt; border-left: 3px solid #777; background: #f1f1f1;
        font-size: 8.5pt; font-style: italic; color: #333; }
.note::before { content: "» "; font-style: normal; }
.answers { font-size: 8.5pt; line-height: 1.6; }
.answers label { display: block; padding-left: 13pt; text-indent: -13pt; }
.box { display: inline-block; width: 9pt; height: 9pt; border: 1px solid #222; vertical-align: -1pt; margin-right: 2pt; }
.box.checked { background: #111; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.written { font-family: "DejaVu Sans Mono", monospace; color: #003; }
.line { display: block; border-bottom: 1px solid #333; height: 16pt; margin-bottom: 3pt; }
@media screen { body { padding: 12mm; } }
"""


def to_html(c: dict, *, client: str | None = None, org: str = "", today: date | None = None) -> str:
    langs, today = c["languages"], today or date.today()
    e = html.escape
    width = {1: ("64%",), 2: ("34%", "34%"), 3: ("24%", "24%", "24%")}.get(len(langs), tuple("18%" for _ in langs))
    ans_width = f"{95 - sum(int(w[:-1]) for w in width)}%"
    parts = [
        "<!DOCTYPE html>", f'<html lang="{e(langs[0])}"><head><meta charset="utf-8">',
        f"<title>{e(_joined(c['title'], langs))}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(_joined(c['title'], langs))}</h1>",
    ]
    if org:
        parts.append(f"<p><strong>{e(org)}</strong></p>")
    parts.append(f'<div class="meta"><span>{e(_label("date", langs))}: {e(answers_date(c) or "")}</span>'
                 f'<span>{e(_label("client", langs))}: {e(client or "")}</span></div>')
    parts.append(f'<p class="printed">{e(_printed(langs, today))}</p>')
    if c.get("intro"):
        parts.append('<div class="intro">' + "<br>".join(f'<span lang="{e(lang)}">{e(c["intro"][lang])}</span>'
                                                         for lang in langs) + "</div>")
    if c["sensitive_hidden"]:
        parts.append(f'<p class="hidden-note">{e(_label("answers_hidden", langs))}</p>')
    for s in c["sections"]:
        parts.append(f'<section id="{e(s["id"])}"><h2>{e(_joined(s["title"], langs))}</h2><table><colgroup><col style="width:5%">')
        parts += [f'<col style="width:{w}">' for w in width] + [f'<col style="width:{ans_width}"></colgroup>']
        parts.append("<thead><tr><th>#</th>" + "".join(f"<th>{e(lang.upper())}</th>" for lang in langs)
                     + f"<th>{e(_label('answer', langs))}</th></tr></thead><tbody>")
        for n, item in ((item.get("n", i), item) for i, item in enumerate(s["items"], 1)):
            note = advocate_note_text(item, langs)
            cells = "".join(f'<td lang="{e(lang)}">{e(item["text"][lang])}'
                            + (f'<div class="note">{e(note[1])}</div>' if note and note[0] == lang else "") + "</td>"
                            for lang in langs)
            given = item.get("answer") or {}
            if item.get("answer_hidden"):
                parts.append(f'<tr id="{e(item["id"])}"><td class="n">{n}</td>{cells}<td class="answers">'
                             f'<em>{e(_label("answer_hidden", langs))}</em></td></tr>')
                continue

            def box(a):
                mark = " checked" if a["id"] == given.get("id") else ""
                return f'<label><span class="box{mark}"></span>{e(_joined(a["label"], langs))}</label>'
            if item["type"] in ("date", "text"):
                line = e(given.get("text") or "") if given and not given.get("label") else ""
                answers = f'<span class="line written">{line}</span><br>' + "".join(box(a) for a in item["answers"])
            else:
                answers = "".join(box(a) for a in item["answers"])
            if given.get("note"):
                answers += f'<span class="written">{e(_label("note", langs))}: {e(given["note"])}</span>'

            parts.append(f'<tr id="{e(item["id"])}"><td class="n">{n}</td>{cells}<td class="answers">{answers}</td></tr>')
        parts.append("</tbody></table></section>")
    parts.append("</body></html>")
    return "\n".join(parts)
