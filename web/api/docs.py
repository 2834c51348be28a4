"""The API's documentation page, made from the same OpenAPI document as `openapi.json`."""

from __future__ import annotations

from typing import Any

import markdown
from flask import Blueprint, current_app, render_template
from flask_babel import force_locale
from markupsafe import Markup

pages = Blueprint("api_docs", __name__, template_folder="templates")

METHODS = ("get", "post", "put", "patch", "delete")


@pages.get("/api/v1/docs")
def documentation() -> str:
    """Every operation of the API with its parameters, body and answers (public, like the
    document itself). The page is in English whatever the reader's language: the operations'
    descriptions come from the code and the fields are named in English, and a page half in
    French and half in English reads as neither."""
    spec: dict[str, Any] = current_app.extensions["flask-smorest"]["apis"][""][
        "ext_obj"
    ].spec.to_dict()
    operations = [
        {"method": method.upper(), "path": path, **operation}
        for path, item in spec.get("paths", {}).items()
        for method in METHODS
        if (operation := item.get(method))
    ]
    with force_locale("en"):
        return render_template(
            "api/docs.html", spec=spec, operations=operations, rendered=_rendered
        )


def _rendered(text: str | None, *, inline: bool = False) -> Markup:
    """A description of the OpenAPI document (Markdown, written in this code base) as HTML;
    `inline`: one paragraph's content, for a line of a list."""
    html = markdown.markdown(text or "")
    if inline and html.count("<p>") == 1:
        html = html.removeprefix("<p>").removesuffix("</p>")
    return Markup(html)
