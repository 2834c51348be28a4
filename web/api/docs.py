"""The API's documentation page, made from the same OpenAPI document as `openapi.json`."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template

pages = Blueprint("api_docs", __name__, template_folder="templates")

METHODS = ("get", "post", "put", "patch", "delete")


@pages.get("/api/v1/docs")
def documentation() -> str:
    """Every operation of the API with its parameters, body and answers (public, like the
    document itself)."""
    spec: dict[str, Any] = current_app.extensions["flask-smorest"]["apis"][""][
        "ext_obj"
    ].spec.to_dict()
    operations = [
        {"method": method.upper(), "path": path, **operation}
        for path, item in spec.get("paths", {}).items()
        for method in METHODS
        if (operation := item.get(method))
    ]
    return render_template("api/docs.html", spec=spec, operations=operations)
