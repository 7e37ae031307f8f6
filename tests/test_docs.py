"""Every command is in the README and the CLI reference, with help text; the reference is current."""

import importlib.util

from tests.helpers import REPO

spec = importlib.util.spec_from_file_location("make_cli_reference", REPO / "scripts" / "make_cli_reference.py")
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)


def leaf_commands():
    return [(path, cmd) for path, cmd in ref.commands() if path and not getattr(cmd, "commands", None)]


def test_every_command_has_help_and_is_in_the_readme():
    readme = (REPO / "README.md").read_text()
    missing_help, missing_readme = [], []
    for path, cmd in leaf_commands():
        if not (cmd.help or "").strip():
            missing_help.append(" ".join(path))
        name = " ".join(path)
        alias = name.replace("appointments ", "appt ")
        if f"advocate {name}" not in readme and f"advocate {alias}" not in readme:
            missing_readme.append(name)
    assert not missing_help, missing_help
    assert not missing_readme, missing_readme


def test_cli_reference_is_current():
    assert (REPO / "docs" / "cli.md").read_text() == ref.render(), "run: python scripts/make_cli_reference.py"


def test_readme_has_the_two_setup_commands_and_ci_runs_the_second():
    readme = (REPO / "README.md").read_text()
    assert "python3 -m pip install . && advocate services near 10001" in readme
    test_cmd = "python3 -m pip install -e '.[test]' && python3 -m pytest"
    assert test_cmd in readme
    assert test_cmd in (REPO / ".ci" / "run").read_text()


def test_exit_codes_documented():
    from advocate.errors import ExitStatus

    readme = (REPO / "README.md").read_text()
    for status in ExitStatus:
        assert f"| {int(status)} |" in readme
