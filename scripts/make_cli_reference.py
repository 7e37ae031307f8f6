"""Regenerate docs/cli.md from the app's own --help (checked by tests/test_docs.py):
python scripts/make_cli_reference.py"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def commands():
    """(path, click command) for every command, depth first."""
    import typer

    from advocate.cli.main import app

    root = typer.main.get_command(app)
    out = []

    def walk(cmd, path):
        out.append((path, cmd))
        for name in sorted(getattr(cmd, "commands", {}) or {}):
            sub = cmd.commands[name]
            if name == "appt":  # an alias of appointments
                continue
            walk(sub, [*path, name])

    walk(root, [])
    return out


def render() -> str:
    from typer.testing import CliRunner

    from advocate.cli.main import app

    saved = {k: os.environ.get(k) for k in ("COLUMNS", "ADVOCATE_LANG")}
    os.environ["COLUMNS"] = "100"
    os.environ["ADVOCATE_LANG"] = "en"  # the reference is in English whatever the locale
    try:
        runner = CliRunner()
        parts = ["# advocate command reference", "", "Generated from `--help` by `scripts/make_cli_reference.py`; "
                 "do not edit by hand.", ""]
        for path, _cmd in commands():
            result = runner.invoke(app, [*path, "--help"],
                                   env={"COLUMNS": "100", "TERMINAL_WIDTH": "100", "NO_COLOR": "1"})
            parts += [f"## advocate {' '.join(path)}".rstrip(), "", "```", result.stdout.rstrip(), "```", ""]
        return "\n".join(parts)
    finally:  # called from the tests too: the width and language must not leak into the tests that follow
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


if __name__ == "__main__":
    (ROOT / "docs" / "cli.md").write_text(render())
    print("wrote docs/cli.md")
