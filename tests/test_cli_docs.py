"""Every CLI command has help text and is named in the README: docs and code cannot drift."""
from pathlib import Path

import click

from kissi import create_app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, ctx: click.Context, prefix: str):
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        yield f"{prefix} {name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, ctx, f"{prefix} {name}")


def _all_commands(tmp_path):
    app = create_app({"TESTING": True}, instance_path=str(tmp_path))
    ctx = click.Context(app.cli)
    own = [(n, c) for n, c in _commands(app.cli, ctx, "kissi")
           if n.split()[1] not in {"run", "shell", "routes"}]
    assert len(own) > 10
    return own


def test_every_command_has_help_text(tmp_path):
    missing = [name for name, command in _all_commands(tmp_path)
               if not (command.help or "").strip()]
    assert missing == []


def _listed(name: str) -> bool:
    """Named in full, or in an alternation such as `kissi hub scopes|enroll|devices`."""
    if f"`{name}" in README:
        return True
    parent, last = name.rsplit(" ", 1)
    for line in README.splitlines():
        if f"`{parent} " in line:
            words = line.split(f"`{parent} ", 1)[1].split("`")[0].split(" ")[0]
            if last in words.replace("\\|", "|").split("|"):
                return True
    return False


def test_every_command_is_in_the_readme(tmp_path):
    assert [name for name, _ in _all_commands(tmp_path) if not _listed(name)] == []


def test_an_unlisted_command_would_be_caught():
    assert not _listed("kissi hub teleport")
    assert _listed("kissi hub devices") and _listed("kissi voice build")
