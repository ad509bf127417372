"""Build step: the wheel carries the example projects as package data (metadata is in pyproject.toml).

pyproject.toml's [tool.sheetsync.examples] names each example's folder (holding config/ and jobs/); the
repository keeps them at its top level, and only the built package gets copies, under sheetsync/examples/.
"""

import shutil
import tomllib
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SKIPPED = ("__pycache__", "*.pyc", ".sheetsync-state.json", ".~*", "*.lock")


class BuildWithExamples(build_py):
    """build_py, then copy each example project's config/ and jobs/ into the built package."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):  # an editable install reads the checkout's folders
            return
        named = tomllib.loads((HERE / "pyproject.toml").read_text())["tool"]["sheetsync"]["examples"]
        for name, folder in named.items():
            target = Path(self.build_lib) / "sheetsync" / "examples" / name
            shutil.rmtree(target, ignore_errors=True)
            for part in ("config", "jobs"):
                shutil.copytree(HERE / folder / part, target / part, ignore=shutil.ignore_patterns(*SKIPPED))


setup(cmdclass={"build_py": BuildWithExamples})
