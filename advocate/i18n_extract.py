"""The Babel extractor for the interface catalog (domain ``interface``; the checklists have babel.cfg).

It yields what Babel's Python extractor finds for the keywords (``_``, ``N_``, ``ngettext``, ``pgettext``)
and, in the CLI modules, the docstrings of command functions: Typer shows a command's docstring as its
help, so each one is a msgid (cleaned the way ``inspect.getdoc`` cleans it, as Typer does).

    .venv/bin/python scripts/update_interface_catalog.py   (extract, merge into each .po, compile)
"""

from __future__ import annotations

import ast
import inspect


def _is_command(node: ast.FunctionDef) -> bool:
    for dec in node.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        if isinstance(target, ast.Attribute) and target.attr in ("command", "callback"):
            return True
    for arg in [*node.args.args, *node.args.kwonlyargs]:
        text = ast.unparse(arg.annotation) if arg.annotation is not None else ""
        if "typer." in text or text.endswith("Opt"):
            return True
    return False


def command_docstrings(source: str):
    """(lineno, docstring) for every Typer command function in ``source``."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") and _is_command(node):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                yield node.lineno, inspect.cleandoc(doc)


def extract_interface(fileobj, keywords, comment_tags, options):
    from babel.messages.extract import extract_python

    data = fileobj.read()
    fileobj.seek(0)
    yield from extract_python(fileobj, keywords, comment_tags, options)
    name = getattr(fileobj, "name", "") or ""
    if "/cli/" in name.replace("\\", "/"):
        text = data.decode(options.get("encoding", "utf-8")) if isinstance(data, bytes) else data
        for lineno, doc in command_docstrings(text):
            yield lineno, None, doc, ["command help"]


KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "ngettext_in": (2, 3), "pgettext": ((1, "c"), 2)}


def extract_catalog(root):
    """The interface template (a Babel ``Catalog``) from ``root/advocate/**.py``."""
    from pathlib import Path

    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    root = Path(root)
    catalog = Catalog(project="advocate", domain="interface", charset="utf-8")
    # babel takes a method as a callable too (extract() calls it), though its annotations say a name
    found = extract_from_dir(str(root / "advocate"), method_map=[("**.py", extract_interface)],  # type: ignore[list-item]
                             keywords=KEYWORDS, comment_tags=("TRANSLATORS:",), strip_comment_tags=True)
    for filename, lineno, message, comments, context in found:
        catalog.add(message, None, [(f"advocate/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog
