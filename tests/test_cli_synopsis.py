"""Every command and option in README's CLI synopsis exists and has help; every command has a synopsis line."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from conftest import ROOT

from sheetsync.cli import main


def synopsis() -> dict[str, set[str]]:
    """Command -> the options README's synopsis gives it ("" holds the global options)."""
    text = (ROOT / "README.md").read_text()
    block = re.search(r"```text\n(sheetsync \[--config.*?)```", text, re.S)
    assert block, "README has no CLI synopsis block"
    out: dict[str, set[str]] = {}
    current = ""
    for line in block.group(1).splitlines():
        if line.startswith("sheetsync "):
            current = ""
        elif re.match(r"^  [a-z]+\b", line):
            current = line.split()[0]
        words = re.split(r" {3,}", line.strip())[0]  # the synopsis, without the description after the gap
        out.setdefault(current, set()).update(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", words))
    return out


SYNOPSIS = synopsis()


@pytest.mark.parametrize("command", sorted(c for c in SYNOPSIS if c))
def test_each_synopsis_command_exists_with_its_options_and_help(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0, result.output
    help_text = result.output
    assert "Usage:" in help_text and len(help_text.splitlines()) > 3
    missing = [opt for opt in SYNOPSIS[command] if opt not in help_text]
    assert missing == []


def test_global_options_exist():
    help_text = CliRunner().invoke(main, ["--help"]).output
    assert [opt for opt in SYNOPSIS[""] if opt not in help_text] == []


def test_every_command_is_in_the_synopsis():
    help_text = CliRunner().invoke(main, ["--help"]).output
    listed = re.findall(r"^  ([a-z]+)\s", help_text.split("Commands:")[1], re.M)
    assert listed and sorted(listed) == sorted(c for c in SYNOPSIS if c)
