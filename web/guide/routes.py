"""The guide's pages: the Markdown of docs/guide rendered in the application's layout."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
from flask import abort, render_template, send_from_directory
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from web.guide import blueprint

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide"
PAGE_NAME = re.compile(r"[a-z][a-z0-9-]{0,40}")


def _render(name: str) -> tuple[str, Markup]:
    """The page's title and body. The guide is the project's own text, not anyone's input."""
    if not PAGE_NAME.fullmatch(name) or not (GUIDE / f"{name}.md").is_file():
        abort(404)
    text = (GUIDE / f"{name}.md").read_text(encoding="utf-8")
    html = markdown.markdown(text, extensions=["tables"])
    # Links between the guide's pages point to the pages served here.
    html = re.sub(r'href="([a-z][a-z0-9-]*)\.md"', r'href="\1"', html)
    title = next((line[2:] for line in text.splitlines() if line.startswith("# ")), name)
    return title, Markup(html)


@blueprint.get("/")
def index() -> ResponseReturnValue:
    title, body = _render("index")
    return render_template("guide/page.html", title=title, body=body)


@blueprint.get("/<name>")
def page(name: str) -> ResponseReturnValue:
    title, body = _render(name)
    return render_template("guide/page.html", title=title, body=body)


@blueprint.get("/images/<path:filename>")
def image(filename: str) -> ResponseReturnValue:
    return send_from_directory(GUIDE / "images", filename)
