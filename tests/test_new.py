"""`sheetsync new`: a project folder from an example; and the wheel, installed in a fresh venv, runs the demo."""

from __future__ import annotations

import os
import subprocess
import sys
import venv

import pytest
from click.testing import CliRunner
from conftest import ROOT

import sheetsync
from sheetsync.cli import main
from sheetsync.errors import UsageError

NOW = "2026-11-26T09:00"


def test_new_writes_config_jobs_and_a_readme_from_the_example(tmp_path):
    result = sheetsync.new(tmp_path / "shop")
    assert result.example == "jewelry" and result.path == (tmp_path / "shop").resolve()
    for part in ("config/sheetsync.toml", "config/schemas/skus.toml", "jobs/validate/__init__.py", "README.md"):
        assert (tmp_path / "shop" / part).is_file(), part
    assert not list((tmp_path / "shop").rglob("__pycache__"))
    assert "sheetsync demo" in (tmp_path / "shop" / "README.md").read_text()
    config = sheetsync.load_config(tmp_path / "shop" / "config" / "sheetsync.toml")
    assert config.target == str((tmp_path / "shop" / "demo" / "jewelry-demo.xlsx").resolve())
    assert sheetsync.load_project(config).config_problems() == []


def test_new_never_writes_into_a_folder_that_holds_something(tmp_path):
    (tmp_path / "mine.txt").write_text("keep me")
    with pytest.raises(UsageError, match="not an empty folder"):
        sheetsync.new(tmp_path)
    with pytest.raises(UsageError, match="no example named 'shoes'"):
        sheetsync.new(tmp_path / "other", "shoes")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.txt"]


def test_the_cli_says_what_to_do_next_and_where_there_is_no_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SHEETSYNC_CONFIG", raising=False)
    out = CliRunner().invoke(main, ["demo"])
    assert out.exit_code == 2 and "sheetsync new DIR" in out.output
    out = CliRunner().invoke(main, ["new", "shop", "--example", "jewelry"])
    assert out.exit_code == 0 and "cd shop && sheetsync demo" in out.output


@pytest.mark.slow
def test_the_wheel_installed_in_a_fresh_venv_runs_new_and_demo_in_an_empty_folder(tmp_path):
    """Not the checkout: a built wheel, installed (with its dependencies) where no config/ or jobs/ exists."""
    wheels = tmp_path / "wheels"
    build = [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(wheels)]
    subprocess.run(build, check=True, capture_output=True, timeout=600)
    (wheel,) = wheels.glob("sheetsync-*.whl")
    venv.create(tmp_path / "venv", with_pip=True)
    bin_dir = tmp_path / "venv" / "bin"
    subprocess.run([bin_dir / "pip", "install", "-q", str(wheel)], check=True, capture_output=True, timeout=900)
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_")}
    made = subprocess.run([bin_dir / "sheetsync", "new", "shop"], cwd=empty, env=env, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    shop = empty / "shop"
    demo = subprocess.run(
        [bin_dir / "sheetsync", "demo", "--now", NOW], cwd=shop, env=env, capture_output=True, text=True, timeout=300
    )
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "problem(s) found" in demo.stdout and (shop / "demo" / "jewelry-demo.xlsx").is_file()
    imported = subprocess.run(
        [bin_dir / "python", "-c", "import sheetsync; print(sheetsync.__file__)"],
        cwd=empty,
        capture_output=True,
        text=True,
    )
    assert str(tmp_path / "venv") in imported.stdout  # the installed package ran, not the checkout
