"""Odd values where an id or a page number is expected are refused, never a server error.

Every route of the URL map (pages and API, each of its methods) is called by every role with
each odd value in each path variable, then in each query parameter and form field the route
reads: a page's are found by recording which names the view asks of the query string and of
the form when called with good values; the API's are those its OpenAPI document declares, and
its bodies' properties. A route added later is driven the same way without changing this test.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from flask import Request
from sqlalchemy.orm import object_session
from werkzeug.datastructures import ImmutableMultiDict

from purchasing.clock import cooperative_today
from purchasing.models import PurchaseOrder
from tests.conftest import page_words, sign_in
from tests.web.api_world import World, add_order, add_supplier_invoice, build_world
from tests.web.test_api_access import api_routes
from tests.web.test_api_access import url as api_url
from tests.web.test_page_access import OWN, ROLES, build_objects, page_routes
from tests.web.test_page_access import url as page_url

ODD = ("99999999999999999999", "²", "-1", "1e3", "0x1")
# In a JSON body, the odd values as a program could send them: numbers too.
ODD_JSON: tuple[Any, ...] = (*ODD, 99999999999999999999, -1, 1e3)
ASKED: set[str] = set()


class RecordingArgs(ImmutableMultiDict):  # type: ignore[type-arg]
    """The query string or the form of a request, noting every name a view asks for."""

    def get(self, key, default=None, type=None):  # type: ignore[no-untyped-def]
        ASKED.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # type: ignore[no-untyped-def]
        ASKED.add(key)
        return super().getlist(key, type)

    def __getitem__(self, key):  # type: ignore[no-untyped-def]
        ASKED.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):  # type: ignore[no-untyped-def]
        ASKED.add(key)
        return super().__contains__(key)


class RecordingRequest(Request):
    parameter_storage_class = RecordingArgs


def path_variables(named: str) -> list[str]:
    return [part[1:-1] for part in named.replace(".", "/").split("/") if part[:1] == "<"]


def with_value(named: str, name: str, value: str, good: str) -> str:
    """`good` (the route with its values) with `value` in place of the variable `name`."""
    parts_named, parts_good = named.split("/"), good.split("/")
    for i, part in enumerate(parts_named):
        if f"<{name}>" in part:
            before, after = part.split(f"<{name}>")
            parts_good[i] = before + value + after
    return "/".join(parts_good)


def problems(answer, what: str) -> list[str]:  # type: ignore[no-untyped-def]
    if answer.status_code >= 500:
        return [f"{what}: {answer.status_code}"]
    return []


@pytest.mark.long
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_odd_ids_and_page_numbers_on_pages_are_never_a_server_error(app, session, make, engine):
    # A server error is answered as it would be in production (500), not raised in the test.
    app.config.update(
        IMPORT_ANALYSIS_INLINE=True, RATELIMIT_ENABLED=False, PROPAGATE_EXCEPTIONS=False
    )
    app.request_class = RecordingRequest
    objects = build_objects(session, make, engine)
    users = {role: getattr(objects.world, role) for role in ROLES if role != "anonymous"}
    clients = {role: app.test_client() for role in ROLES}
    for role, user in users.items():
        sign_in(clients[role], user)

    def call(role: str, path: str, method: str, **values: Any) -> Any:
        answer = clients[role].open(path, method=method, **values)
        answer.close()
        if role in users and path == "/logout" and answer.status_code == 302:
            sign_in(clients[role], users[role])
        return answer

    wrong: list[str] = []
    for method in ("GET", "POST"):  # every GET first, as in test_page_access
        for named, methods in page_routes(app):
            if method not in methods:
                continue
            good = page_url(named, objects, OWN)
            variables = [
                part[1:-1] for part in named.replace(".", "/").split("/") if part[:1] == "<"
            ]
            for role in ROLES:
                for name in variables:
                    if name in ("filename", "code", "name"):
                        continue  # not ids: file and guide names
                    for value in ODD:
                        path = with_value(named, name, value, good)
                        answer = call(role, path, method, data={})
                        wrong += problems(answer, f"{method} {path} as {role}")
                        if name.endswith("_id") and answer.status_code != 404:
                            wrong.append(f"{method} {path} as {role}: {answer.status_code}")
                ASKED.clear()
                call(role, good, method, data={})
                for name in sorted(ASKED - {"csrf_token", "next"}):
                    for value in ODD:
                        if method == "GET":
                            answer = call(role, good, method, query_string={name: value})
                        else:
                            answer = call(role, good, method, data={name: value})
                        wrong += problems(answer, f"{method} {good} {name}={value} as {role}")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.long
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_odd_ids_and_page_numbers_in_the_api_are_never_a_server_error(app, client, session, make):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    world = build_world(session, make)
    add_order(session, world)
    add_supplier_invoice(session, world)
    document = client.get("/api/v1/openapi.json").get_json()
    wrong: list[str] = []
    for method, named, _rule in api_routes(app):
        good = api_url(named, world)
        operation = _operation(document, method, named)
        variables = path_variables(named)
        queries = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
        good_body = GOOD_BODIES.get((method, named), lambda _world: {})(world)
        properties = sorted(set(_body_properties(document, operation)) | set(leaves(good_body)))
        for role in ("anonymous", "member", "other_member", "lead", "admin"):
            headers = world.headers(role)
            body = {} if method in ("POST", "PUT") else None
            for name in variables:
                for value in ODD:
                    path = with_value(named, name, value, good)
                    answer = client.open(path, method=method, json=body, headers=headers)
                    if name.endswith("_id") and answer.status_code != 404:
                        wrong.append(f"{method} {path} as {role}: {answer.status_code}")
                    wrong += problems(answer, f"{method} {path} as {role}")  # a number, not an id
            for name in queries:
                for value in ODD:
                    answer = client.open(good, method=method, query_string={name: value},
                                         json=body, headers=headers)  # fmt: skip
                    wrong += problems(answer, f"{method} {good}?{name}={value} as {role}")
            for name in properties:
                for value in ODD_JSON:
                    odd_body = replaced(good_body, name, value)
                    answer = client.open(good, method=method, json=odd_body, headers=headers)
                    wrong += problems(answer, f"{method} {good} {{{name}: {value!r}}} as {role}")
    assert wrong == [], "\n".join(wrong)


def _need(world: World) -> dict[str, Any]:
    return {
        "product_id": world.offer.product_id,
        "quantity": "4",
        "needed_by": (cooperative_today() + timedelta(days=20)).isoformat(),
        "delivery_site_id": world.member.member.sites[0].id,
    }


def _offer(world: World) -> dict[str, Any]:
    return {
        "supplier_id": world.offer.supplier_id,
        "product_id": world.offer.product_id,
        "supplier_ref": "ODD-1",
        "tiers": [{"min_quantity": "1", "unit_price": "1.95"}],
    }


def _delivery(world: World) -> dict[str, Any]:
    order = object_session(world.member).get(PurchaseOrder, world.order_id)  # type: ignore[union-attr]
    line = {"line_id": order.lines[0].id, "received": "1"}  # type: ignore[union-attr]
    return {"site_id": world.member.member.sites[0].id, "lines": [line]}


# Bodies the API accepts, so that an odd value in one of their ids reaches the rules.
GOOD_BODIES = {
    ("POST", "/api/v1/needs"): _need,
    ("PUT", "/api/v1/needs/<need_id>"): _need,
    ("POST", "/api/v1/offers"): _offer,
    ("PUT", "/api/v1/offers/<offer_id>"): _offer,
    ("POST", "/api/v1/orders/<order_id>/deliveries"): _delivery,
    ("POST", "/api/v1/batches/<batch_id>/approve"): lambda _world: {"scenario": 1},
    ("POST", "/api/v1/supplier-invoices/<invoice_id>/accept"): lambda _world: {"line": 1},
    ("POST", "/api/v1/supplier-invoices/<invoice_id>/credit-note-request"): lambda _world: {
        "lines": [1]
    },
}


def leaves(body: Any, prefix: str = "") -> list[str]:
    """The dotted names of the values of `body`: `lines.0.line_id`."""
    if isinstance(body, dict):
        return [leaf for k, v in body.items() for leaf in leaves(v, f"{prefix}{k}.")]
    if isinstance(body, list):
        return [leaf for i, v in enumerate(body) for leaf in leaves(v, f"{prefix}{i}.")]
    return [prefix.rstrip(".")]


def replaced(body: Any, name: str, value: Any) -> Any:
    """A copy of `body` with `value` at the dotted `name`."""
    copy = json.loads(json.dumps(body))
    *path, last = name.split(".")
    target = copy
    for part in path:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return copy


def _operation(document: dict[str, Any], method: str, named: str) -> dict[str, Any]:
    path = named.replace("<", "{").replace(">", "}").removeprefix("/api/v1")
    for prefix in ("/api/v1", ""):
        item = document["paths"].get(prefix + path)
        if item is not None:
            return item.get(method.lower(), {})  # type: ignore[no-any-return]
    return {}


def _body_properties(document: dict[str, Any], operation: dict[str, Any]) -> list[str]:
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return list(schema.get("properties", {}))


def test_an_odd_id_in_a_query_string_is_a_bad_request_that_says_which(signed_in, make):
    client = signed_in(make.user("lead"))
    answer = client.get("/orders/?batch=²")
    assert answer.status_code == 400
    assert "L’adresse demande « batch=² », qui n’est pas un nombre à partir de 1." in page_words(
        answer
    )
    assert client.get("/audit?person=99999999999999999999").status_code == 400
    assert client.get("/audit?person=scheduler").status_code == 200  # a process, by its name
