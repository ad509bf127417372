"""A new project folder from an example project: its config/ and jobs/, and a README saying what to do next.

An installed sheetsync (a wheel) carries its example projects as package data under sheetsync/examples/;
a source checkout has them where pyproject.toml's [tool.sheetsync.examples] says (the repository's own
config/ and jobs/), so `sheetsync new` works the same from both.
"""

from __future__ import annotations

import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError

PACKAGED = Path(__file__).parent / "examples"
PARTS = ("config", "jobs")  # what a project folder holds
SKIPPED = ("__pycache__", "*.pyc", ".sheetsync-state.json", ".~*", "*.lock")


@dataclass
class NewResult:
    path: Path
    example: str
    files: int


def examples() -> dict[str, Path]:
    """The example projects this installation carries, by name: folders holding config/ and jobs/."""
    found = _projects(sorted(PACKAGED.iterdir())) if PACKAGED.is_dir() else {}
    return found or _checkout_examples()


def new(directory: str | Path, example: str | None = None) -> NewResult:
    """Write a project folder (config/, jobs/, README.md) copied from an example; never into a non-empty folder."""
    known = examples()
    if not known:
        raise UsageError("this installation carries no example projects (reinstall sheetsync from its wheel)")
    if example is None:
        if len(known) > 1:
            raise UsageError(f"name an example with --example: {', '.join(sorted(known))}")
        example = next(iter(known))
    if example not in known:
        raise UsageError(f"no example named {example!r}; examples: {', '.join(sorted(known))}")
    target = Path(directory)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{target} is not an empty folder: choose a new one (nothing was written)")
    source = known[example]
    target.mkdir(parents=True, exist_ok=True)
    for part in PARTS:
        shutil.copytree(source / part, target / part, ignore=shutil.ignore_patterns(*SKIPPED))
    (target / "README.md").write_text(readme(target, example), encoding="utf-8")
    files = sum(1 for p in target.rglob("*") if p.is_file())
    return NewResult(target.resolve(), example, files)


def readme(target: Path, example: str) -> str:
    return f"""# {target.resolve().name}

A sheetsync project, made from the `{example}` example with `sheetsync new`.

- `config/sheetsync.toml`: which workbook (`[workbook] target`), its tabs (`config/schemas/`), the
  vocabularies, the jobs' cadences (`[schedule]`) and their policies (`[policies.*]`).
- `jobs/`: the jobs, one package each; `sheetsync jobs` lists them.

Run the commands from this folder:

```bash
sheetsync demo          # build demo/ with a demo workbook and run every job once on it
sheetsync validate      # check the workbook the config names
sheetsync run           # run every job once
sheetsync schedule      # run the jobs on their cadences until stopped
```

Point `[workbook] target` at your own workbook (a path to an .xlsx, or gsheets:<key>) when the demo
reads well. Every config mistake stops the command with exit 2 and names the file, the key and the fix.
"""


def _projects(folders: list[Path]) -> dict[str, Path]:
    return {f.name: f for f in folders if all((f / part).is_dir() for part in PARTS)}


def _checkout_examples() -> dict[str, Path]:
    """In a source checkout (an editable install), the examples pyproject.toml names."""
    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    if not pyproject.is_file():
        return {}
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    if data.get("project", {}).get("name") != "sheetsync":
        return {}
    named = data.get("tool", {}).get("sheetsync", {}).get("examples", {})
    found = {}
    for name, folder in named.items():
        path = (pyproject.parent / folder).resolve()
        if all((path / part).is_dir() for part in PARTS):
            found[name] = path
    return found
