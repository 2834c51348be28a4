"""A strict Content-Security-Policy blocks inline scripts, event handlers and style attributes:
no template may rely on them (scripts and styles live in static files)."""

from __future__ import annotations

import re
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "web"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE | re.DOTALL)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""href\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def templates() -> list[Path]:
    return sorted(WEB.rglob("templates/**/*.html"))


def test_templates_hold_no_inline_script_handler_or_style():
    found = []
    for path in templates():
        text = path.read_text()
        for name, pattern in (
            ("inline <script>", INLINE_SCRIPT),
            ("event handler", EVENT_HANDLER),
            ("style attribute", STYLE_ATTRIBUTE),
            ("<style> element", STYLE_ELEMENT),
            ("javascript: link", JAVASCRIPT_URL),
        ):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(WEB)}:{line}: {name}")
    assert templates() and not found, "\n".join(found)


def test_pages_built_in_python_hold_no_style_attribute():
    found = [
        str(path.relative_to(WEB))
        for path in sorted(WEB.rglob("*.py"))
        if re.search(r"""\sstyle=\\?["']""", path.read_text())
    ]
    assert not found


def test_the_guide_rendered_from_markdown_holds_no_inline_script_or_style(client):
    guide = WEB.parent / "docs" / "guide"
    for page in sorted(guide.glob("*.md")):
        path = "/guide/" if page.stem == "index" else f"/guide/{page.stem}"
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, STYLE_ATTRIBUTE, STYLE_ELEMENT):
            assert not pattern.search(html), (path, pattern.pattern)
