"""Installing prints no warning about folders setuptools would ignore: every folder of the
application's packages that Python can import is declared, and its files are shipped."""

from __future__ import annotations

import subprocess
from pathlib import Path

from setuptools.config.setupcfg import read_configuration

ROOT = Path(__file__).resolve().parent.parent
TOP = ("persistence", "infrastructure", "mailing", "optimizer", "suppliers", "purchasing")
TOP += ("money", "scheduling", "demo", "web", "migrations")


def test_every_folder_of_the_application_is_a_declared_package():
    options = read_configuration(ROOT / "setup.cfg", ignore_option_errors=False)["options"]
    declared = set(options["packages"])
    tracked = subprocess.run(
        ["git", "ls-files", *TOP], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    folders = {str(Path(name).parent).replace("/", ".") for name in tracked}
    missing = sorted(folder for folder in folders if folder not in declared)
    assert not missing
    assert not any(name.startswith(("tests", "benchmarks", "docs")) for name in declared)
