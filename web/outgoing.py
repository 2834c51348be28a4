"""What pages, API endpoints and commands alike hand out: the SMTP settings, the supplier's
answer link, and files to download.

The answer link goes into e-mails, so it is built from the configured base URL
(`COACHAT_BASE_URL`) only, never from the request's `Host` header, which a caller chooses.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response, current_app

from infrastructure.csv_file import CONTENT_TYPE as CSV_CONTENT_TYPE
from infrastructure.smtp import SmtpSettings
from purchasing.models import PurchaseOrder
from purchasing.orders.confirmations import answer_token
from purchasing.orders.order_document import order_files
from purchasing.orders.orders import order_by_id
from purchasing.tenders.links import quote_link
from purchasing.tenders.models import TenderInvitation
from web import db

LinkFor = Any


def smtp() -> SmtpSettings | None:
    """The SMTP settings, or None when e-mail is off."""
    return current_app.config.get("SMTP")


def answer_link_for(config: Mapping[str, Any]) -> Any:
    """The function that gives an order's signed answer link under the configured base URL."""
    base = str(config["BASE_URL"]).rstrip("/")
    secret = str(config["SECRET_KEY"])

    def link(order: PurchaseOrder) -> str:
        return f"{base}/s/{order.number}/{answer_token(order, secret)}"

    return link


def quote_link_for(config: Mapping[str, Any]) -> Any:
    """The function that gives a tender invitation's signed quote link under the configured
    base URL (`/tenders/quote/<token>`)."""
    base = str(config["BASE_URL"])
    secret = str(config["SECRET_KEY"])

    def link(invitation: TenderInvitation) -> str:
        return quote_link(base, invitation, secret)

    return link


def answer_link(order: PurchaseOrder) -> str:
    """The supplier's answer link of `order`, for a page or an API endpoint."""
    return answer_link_for(current_app.config)(order)


def download(data: bytes, name: str, mimetype: str, *, private: bool = False) -> Response:
    """A file to save, under its name; `private` files are never kept by a cache."""
    response = Response(
        data,
        mimetype=mimetype.split(";")[0],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
    if "charset=" in mimetype:
        response.headers["Content-Type"] = mimetype
    if private:
        response.headers["Cache-Control"] = "no-store"
    return response


def order_file(order_id: int, kind: str) -> Response:
    """An order's PDF (`kind="pdf"`) or CSV, as the supplier receives it."""
    session = db.session()
    files = order_files(session, order_by_id(session, order_id))
    if kind == "pdf":
        return download(files.pdf, files.pdf_name, "application/pdf")
    return download(files.csv, files.csv_name, CSV_CONTENT_TYPE)
