"""The same refusal wherever a person acts: a page, the API, and a command run `--as` them are
refused what the role does not allow (403, 403, exit code 2 with the policy's message), and
nothing is recorded; what the role allows gets past all three.

The command line is the wall that matters here: pages and the API have a first wall of their
own (`web.access`, `web.api.auth`), the command line only the policy the use cases ask."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from persistence.audit import AuditEvent
from tests.conftest import page_words, sign_in
from tests.web.api_world import World, build_world
from web.cli import main

ONLY_LEADS = "Only purchasing leads may %s."
ONLY_ADMINS = "Only administrators may %s."


@dataclass(frozen=True)
class Case:
    """One action through its page, its API endpoint (if any) and its command."""

    page: Callable[[World], tuple[str, dict[str, str]]]
    api: Callable[[World], tuple[str, dict[str, object]]] | None
    command: Callable[[World, Path], list[str]]
    allowed: frozenset[str]
    refusal: str


LEADS = frozenset({"lead", "admin"})
CASES = {
    "approve a batch": Case(
        lambda w: (f"/batches/{w.batch.id}/approve", {"scenario": "1"}),
        lambda w: (f"/api/v1/batches/{w.batch.id}/approve", {"scenario": 1}),
        lambda w, tmp: ["batches", "approve", str(w.batch.id)],
        LEADS,
        ONLY_LEADS % "approve or reject a batch",
    ),
    "reject a batch": Case(
        lambda w: (f"/batches/{w.batch.id}/reject", {"comment": "Trop cher"}),
        lambda w: (f"/api/v1/batches/{w.batch.id}/reject", {"comment": "Trop cher"}),
        lambda w, tmp: ["batches", "reject", str(w.batch.id), "--comment", "Trop cher"],
        LEADS,
        ONLY_LEADS % "approve or reject a batch",
    ),
    "close a round": Case(
        lambda w: (f"/rounds/{w.open_round.id}/close", {}),
        lambda w: (f"/api/v1/rounds/{w.open_round.id}/close", {}),
        lambda w, tmp: ["rounds", "close", "--round", str(w.open_round.id), "--no-optimize"],
        LEADS,
        ONLY_LEADS % "close a round",
    ),
    "send the orders": Case(
        lambda w: (f"/batches/{w.batch.id}/orders/send", {}),
        lambda w: (f"/api/v1/batches/{w.batch.id}/orders/send", {}),
        lambda w, tmp: ["orders", "send", "--batch", str(w.batch.id)],
        LEADS,
        ONLY_LEADS % "make and send purchase orders",
    ),
    "create an account": Case(
        lambda w: ("/admin/users/new", {"email": "nouveau@example.org", "name": "Noé"}),
        None,
        lambda w, tmp: [
            "users",
            "create",
            "--email",
            f"new-{tmp.name}@example.org",
            "--name",
            "Noé",
            "--role",
            "lead",
            "--password",
            "un mot de passe long",
        ],
        frozenset({"admin"}),
        ONLY_ADMINS % "manage user accounts",
    ),
    "import a price list": Case(
        lambda w: ("/catalog/imports/new", {"supplier_id": str(w.offer.supplier_id)}),
        None,
        lambda w, tmp: ["catalog", "import", str(tmp), "--supplier", str(w.offer.supplier_id)],
        LEADS,
        ONLY_LEADS % "change the catalog",
    ),
}


def audit_count(session) -> int:  # type: ignore[no-untyped-def]
    """Changes recorded, signing in and out aside."""
    session.expire_all()
    signing = AuditEvent.action.in_(("user.login", "user.logout"))
    return session.scalar(select(func.count(AuditEvent.id)).where(~signing)) or 0


ROLES = ("member", "other_member", "lead", "admin")  # those refused come before those allowed


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("name", sorted(CASES))
def test_a_page_the_api_and_a_command_refuse_alike(
    name, app, session, make, database_url, monkeypatch, tmp_path
):
    case = CASES[name]
    world = build_world(session, make)
    price_list = tmp_path / "tarifs.csv"
    price_list.write_text("référence;désignation;prix\nREF-9;Ramette A5;1,10\n")
    monkeypatch.setenv("DATABASE_URL", database_url)
    wrong = []
    for role in ROLES:
        person = getattr(world, role)
        before = audit_count(session)
        path, form = case.page(world)
        browser = app.test_client()
        sign_in(browser, person)
        page = browser.post(path, data=form).status_code
        api = None
        if case.api is not None:
            api_path, body = case.api(world)
            api = browser.post(api_path, json=body, headers=world.headers(role)).status_code
        command = [*case.command(world, price_list), "--as", person.email]
        ran = CliRunner().invoke(main, command, catch_exceptions=False)
        said = ran.output.strip()
        if role in case.allowed:
            refused = page in (403, 404) or api in (401, 403, 404) or case.refusal in said
        else:
            refused = (page, api or 403, ran.exit_code, said) == (403, 403, 2, case.refusal)
            refused = refused and audit_count(session) == before  # and nothing was recorded
        if refused != (role not in case.allowed):
            wrong.append(f"{role}: page {page}, API {api}, command {ran.exit_code} {said!r}")
    assert wrong == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_command_line_without_as_acts_for_the_cooperative(
    session, make, database_url, monkeypatch
):
    world = build_world(session, make)
    monkeypatch.setenv("DATABASE_URL", database_url)
    ran = CliRunner().invoke(main, CASES["close a round"].command(world, Path("-")))
    assert ran.exit_code == 0, ran.output
    assert "closed" in ran.output


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_page_the_policy_guards_says_why_in_french(app, client, session, make):
    world = build_world(session, make)
    sign_in(client, world.member)
    page = client.post("/catalog/imports/new", data={}, headers={"Accept-Language": "fr"})
    assert page.status_code == 403
    assert "Seuls les responsables des achats peuvent modifier le catalogue." in page_words(page)
    answer = client.post("/api/v1/offers", json={}, headers=world.headers("member", language="fr"))
    assert answer.status_code == 403
    assert answer.get_json()["error"]["message"] == (
        "Seuls les responsables des achats peuvent modifier le catalogue."
    )
