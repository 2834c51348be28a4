"""Dependencies point one way: web → purchasing → suppliers, purchasing → optimizer."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What each package may import from the project's own packages.
ALLOWED = {
    "persistence": set(),
    "infrastructure": set(),
    "optimizer": set(),
    "suppliers": {"persistence", "infrastructure"},
    "purchasing": {"persistence", "infrastructure", "suppliers", "optimizer"},
    "money": {"persistence", "infrastructure", "suppliers", "purchasing", "optimizer"},
    "web": {"persistence", "infrastructure", "suppliers", "purchasing", "money", "optimizer"},
}
THIRD_PARTY_FORBIDDEN = {
    "optimizer": {"flask", "flask_babel", "flask_login", "flask_wtf", "sqlalchemy", "werkzeug"},
    "suppliers": {"flask", "flask_babel", "flask_login", "flask_wtf", "werkzeug"},
    "purchasing": {"flask", "flask_babel", "flask_login", "flask_wtf", "werkzeug"},
    "persistence": {"flask", "flask_babel", "flask_login", "flask_wtf", "werkzeug"},
    "infrastructure": {"flask", "flask_babel", "flask_login", "flask_wtf", "werkzeug", "sqlalchemy"},
    "money": {"flask", "flask_babel", "flask_login", "flask_wtf", "werkzeug"},
}


def imported_tops(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_a_package_imports_only_what_lies_below_it(package):
    ours = set(ALLOWED)
    for path in sorted((ROOT / package).rglob("*.py")):
        imported = imported_tops(path)
        wrong = (imported & ours) - ALLOWED[package] - {package}
        assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"
        frameworks = imported & THIRD_PARTY_FORBIDDEN.get(package, set())
        assert not frameworks, f"{path.relative_to(ROOT)} imports {sorted(frameworks)}"
