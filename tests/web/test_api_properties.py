"""The API against its own OpenAPI document: generated requests, with a lead's token and a
member's, never get a server error, and every answer matches the document (status, content
type, headers and body), on ids drawn at random and on the world's purchase order and batch.
Bounded: a few examples per operation, derandomized, no deadline."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from persistence import create_engine_for, make_session_factory
from tests.conftest import Factory
from tests.web.api_world import add_order, build_world

MAX_EXAMPLES = 6
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def served(tmp_path: Path):  # type: ignore[no-untyped-def]
    """The application on a small seeded SQLite database, with a purchase order and the
    member's statement, called through WSGI."""
    from persistence import Base
    from web import create_app

    url = f"sqlite:///{tmp_path / 'api.db'}"
    engine = create_engine_for(url)
    Base.metadata.create_all(engine)
    session = make_session_factory(engine)()
    world = build_world(session, Factory(session))
    add_order(session, world)
    known = {"order_id": world.order_id, "batch_id": world.batch.id}
    session.close()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "test-secret-key-0123456789"})
    yield app, world, known
    app.extensions["coachat.engine"].dispose()
    engine.dispose()


@pytest.mark.long
def test_the_api_keeps_to_its_document(served):  # type: ignore[no-untyped-def]
    app, world, known = served
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 35

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def keeps_to_the_document(case) -> None:  # type: ignore[no-untyped-def]
            for who in ("member", "lead"):
                case.call_and_validate(headers=world.headers(who), checks=CHECKS)
            # Ids drawn at random are almost never found: the same request again on the
            # world's purchase order and its batch, so that their answers are checked too.
            path = case.path_parameters or {}
            if set(path) & set(known):
                case.path_parameters = {**path, **{k: v for k, v in known.items() if k in path}}
                for who in ("member", "lead"):
                    case.call_and_validate(headers=world.headers(who), checks=CHECKS)

        keeps_to_the_document()
