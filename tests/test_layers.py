"""Dependency direction as DESIGN.md says: the core speaks no CLI and renders nothing with Rich outside
render.py; the store knows no directory, client or checklist; checklists and plans know clients, not the
appointment log. Read from every import statement, including the ones inside functions."""

import ast
from pathlib import Path

from tests.helpers import PACKAGE


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def modules(under: str = "") -> dict[str, set[str]]:
    root = PACKAGE / under if under else PACKAGE
    return {str(p.relative_to(PACKAGE.parent)): imports(p) for p in sorted(root.rglob("*.py"))}


def offenders(found: dict[str, set[str]], banned: tuple[str, ...], allowed: tuple[str, ...] = ()) -> list[str]:
    return [f"{path}: {name}" for path, names in found.items() if not (allowed and path.startswith(allowed))
            for name in sorted(names) if any(name == b or name.startswith(b + ".") for b in banned)]


def test_the_core_imports_neither_typer_nor_the_cli():
    core = {p: n for p, n in modules().items() if not p.startswith("advocate/cli/")}
    assert not offenders(core, ("typer", "click", "advocate.cli"), allowed=("advocate/__main__.py",))


def test_only_render_uses_rich_outside_the_cli():
    core = {p: n for p, n in modules().items() if not p.startswith("advocate/cli/")}
    assert not offenders(core, ("rich",), allowed=("advocate/render.py",))


def test_the_store_knows_no_domain():
    assert not offenders(modules("store"), ("advocate.directory", "advocate.clients", "advocate.checklists",
                                            "advocate.appointments", "advocate.plan", "advocate.workspace"))


def test_checklists_and_plans_know_clients_not_the_appointment_log():
    found = {**modules("checklists"), **modules("plan")}
    assert not offenders(found, ("advocate.appointments.clients",))
    assert not offenders(modules("checklists"), ("advocate.appointments",))
    assert not offenders({"advocate/clients.py": imports(PACKAGE / "clients.py")}, ("advocate.appointments",))


def test_the_geocoder_does_not_read_the_user_config():
    assert not offenders({"advocate/geo/online.py": imports(PACKAGE / "geo" / "online.py")}, ("advocate.config",))


def test_the_offender_check_sees_imports_inside_functions(tmp_path):
    sample = tmp_path / "m.py"
    sample.write_text("def f():\n    from advocate.directory.bundled import load_bundled\n", encoding="utf-8")
    assert offenders({"m.py": imports(sample)}, ("advocate.directory",)) == [
        "m.py: advocate.directory.bundled", "m.py: advocate.directory.bundled.load_bundled"]
    assert not offenders({"m.py": imports(sample)}, ("advocate.dir",))


def test_exit_codes_are_named():
    import re

    literal = re.compile(r"(typer\.Exit|ctx\.exit|sys\.exit)\(\s*(code=)?\d")
    found = [f"{p.relative_to(PACKAGE.parent)}:{n}" for p in sorted(PACKAGE.rglob("*.py"))
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if literal.search(line)]
    assert not found, "use advocate.errors.ExitStatus"


def untyped_store_parameters(path: Path) -> list[str]:
    """Parameters named ``store`` whose annotation does not say ``Store``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args
            for arg in args.posonlyargs + args.args + args.kwonlyargs:
                if arg.arg == "store" and (arg.annotation is None or "Store" not in ast.unparse(arg.annotation)):
                    found.append(f"{path}:{node.lineno} {node.name}")
    return found


def test_every_store_parameter_is_typed():
    found = [hit for p in sorted(PACKAGE.rglob("*.py")) for hit in untyped_store_parameters(p)]
    assert not found, "annotate `store: Store`:\n" + "\n".join(found)


def test_the_store_annotation_check_sees_every_kind_of_parameter(tmp_path):
    sample = tmp_path / "m.py"
    sample.write_text("def f(store, *, x=1): ...\ndef g(a, store=None): ...\ndef h(*, store: Store | None = None): ...\n"
                      "async def k(store: 'Store'): ...\n", encoding="utf-8")
    found = untyped_store_parameters(sample)
    assert [hit.rsplit(" ", 1)[1] for hit in found] == ["f", "g"]


def test_the_clock_is_read_from_its_own_module():
    """``now_utc`` lives in advocate.clock; nothing reaches for it through the store."""
    assert not offenders(modules(), ("advocate.store.now_utc",))


def test_the_core_writes_machine_formats_without_the_renderer():
    """Pure formats apart from Rich rendering: outside the CLI nothing imports advocate.render (the terminal side);
    the core writes csv/json through advocate.formats, which itself needs neither Rich nor the interface language."""
    core = {p: n for p, n in modules().items() if not p.startswith("advocate/cli/") and p != "advocate/render.py"}
    assert not offenders(core, ("advocate.render",))
    assert not offenders({"advocate/formats.py": imports(PACKAGE / "formats.py")},
                         ("rich", "advocate.render", "advocate.i18n", "babel"))
