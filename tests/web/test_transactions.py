"""One transaction per request: committed when the answer is not an error, undone otherwise.

Views never commit or roll back themselves: `web.db` does it once, when the view has answered.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import redirect
from sqlalchemy import select

from purchasing.errors import N_, Conflict, Message, NotFound
from suppliers.models import Category
from web import db
from web.errors import refusal

ROOT = Path(__file__).resolve().parents[2]
# The one place that ends a request's transaction, and the one that ends a command's or a job's.
BOUNDARIES = {ROOT / "web/db.py", ROOT / "persistence/unit_of_work.py"}
ENDS_A_TRANSACTION = re.compile(r"\.(commit|rollback)\(|\.begin\(\)")


def test_no_view_use_case_or_command_commits_or_rolls_back_by_itself():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for package in ("web", "purchasing", "suppliers", "persistence")
        for path in sorted((ROOT / package).rglob("*.py"))
        if path not in BOUNDARIES
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if ENDS_A_TRANSACTION.search(line)
    ]
    assert found == [], "leave it to web.db or persistence.unit_of_work:\n" + "\n".join(found)


def stored(session) -> list[str]:
    session.expire_all()
    return list(session.scalars(select(Category.name).order_by(Category.name)))


@pytest.mark.own_app
def test_a_request_is_committed_if_answered_and_undone_if_refused(app, client, session):
    def add(name: str) -> None:
        db.session().add(Category(name=name))
        db.session().flush()

    def saved():
        add("saved")
        return redirect("/")

    def refused_form():
        add("refused form")
        return "the form again", 422

    def refused_and_redirected():
        add("refused and redirected")
        return refusal(Conflict(Message(N_("No such need."))), "/")

    def refusal_kept():
        add("refusal kept")
        return refusal(Conflict(Message(N_("No such need."))), "/", keep_changes=True)

    def not_found():
        add("not found")
        raise NotFound(Message(N_("No such need.")))

    def conflict():
        add("conflict")
        raise Conflict(Message(N_("This need is already pooled and can no longer change.")))

    for view in (saved, refused_form, refused_and_redirected, refusal_kept, not_found, conflict):
        app.add_url_rule(f"/test/{view.__name__}", view.__name__, view, methods=["POST"])

    assert client.post("/test/saved").status_code == 302
    assert client.post("/test/refused_form").status_code == 422
    assert client.post("/test/refused_and_redirected").status_code == 302
    assert client.post("/test/refusal_kept").status_code == 302
    assert client.post("/test/not_found").status_code == 404
    answer = client.post("/test/conflict")
    assert answer.status_code == 409
    assert "Ce besoin est déjà mutualisé" in answer.get_data(as_text=True)

    assert stored(session) == ["refusal kept", "saved"]
