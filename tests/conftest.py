"""Shared fixtures: a database per test on SQLite and on PostgreSQL, the app, and factories.

Database tests run once per backend. PostgreSQL comes from COACHAT_TEST_POSTGRES_URL
(`.ci/run` starts a throwaway server and sets it); without it those runs are skipped,
except in CI (CI=true) where a missing backend is a failure.
"""

from __future__ import annotations

import html
import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

import mailing.models  # noqa: F401 - the shared tables: the outbox and the counters
import money.models  # noqa: F401 - registers the tables
import persistence.numbering  # noqa: F401 - the shared tables: counters and the outbox
import purchasing.models  # noqa: F401
import suppliers.models  # noqa: F401
from persistence import Base, create_engine_for, make_session_factory
from purchasing.clock import cooperative_today
from purchasing.models import DeliverySite, Member, Need, User
from purchasing.people import passwords
from purchasing.people.passwords import hash_password
from purchasing.tenders import models as tender_models  # noqa: F401
from suppliers.models import Category, Offer, PriceTier, Product, Supplier
from tests.built_databases import TEMPLATE_ROWS, TEMPLATES

IN_CI = os.environ.get("CI", "").lower() == "true"

# In CI, property tests run the same examples every time, so a verdict can be reproduced.
settings.register_profile("ci", derandomize=True, print_blob=True)
if IN_CI:
    settings.load_profile("ci")
POSTGRES_URL = os.environ.get("COACHAT_TEST_POSTGRES_URL", "")
PASSWORD = "correct horse battery"


def _quick_hash(password: str) -> str:
    """The factory's users' password hash: scrypt stored as the application stores it, at a
    small cost. The cost is written in the hash and the sign-in reads it from there, so each of
    the tests' thousand sign-ins takes microseconds instead of a tenth of a second. Passwords
    set through the application (account pages, commands, the demo) keep its own cost."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_N", 2**4)
        return hash_password(password)


_HASH = _quick_hash(PASSWORD)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `long` run first. Run in parallel (`-n 2 --dist worksteal`), the tests are
    handed out in this order and the idle worker takes the last ones of the others: a long test
    met last would keep one worker busy while the others wait."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


def unavailable(reason: str) -> None:
    """Skips the test here, but fails it in CI where everything must run."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this test must run)")
    pytest.skip(reason)


_WORKER_DATABASES: dict[str, str] = {}


def _worker_database(url: str) -> str:
    """With tests run in parallel (pytest-xdist), each worker has a PostgreSQL database of its
    own, created on first use next to the one COACHAT_TEST_POSTGRES_URL names."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker:
        return url
    if worker not in _WORKER_DATABASES:
        base = make_url(url)
        name = f"{base.database}_{worker}"
        admin = create_engine_for(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).scalar()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        _WORKER_DATABASES[worker] = base.set(database=name).render_as_string(hide_password=False)
    return _WORKER_DATABASES[worker]


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'coachat.db'}"
        return
    if not POSTGRES_URL:
        unavailable("COACHAT_TEST_POSTGRES_URL is not set")
    yield _worker_database(POSTGRES_URL)


@pytest.fixture(scope="session")
def sqlite_schema(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite database with every table, built once per worker: a test's database is
    a copy of it, as creating the tables takes a hundred times longer than copying the file."""
    path = tmp_path_factory.mktemp("schema") / "coachat.db"
    engine = create_engine_for(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    engine.dispose()
    return path


# The worker's databases built this run, and whether rows may be deleted with the foreign
# keys' triggers off (a superuser), else truncated.
_POSTGRES_BUILT: dict[str, bool] = {}


def _empty_postgres(engine: Engine) -> None:
    """Empties the worker's PostgreSQL database for the next test. The first time in a run, the
    schema is dropped and built from the models, as the database may hold an earlier run's.
    Then, when it holds exactly the models' tables (the usual case), their rows are deleted and
    every sequence starts again at 1, as in a new database; otherwise (a migration test, the
    scheduler's job store) the schema is built again.

    Rows are deleted rather than truncated: TRUNCATE gives every table and index a new file,
    ten times slower than deleting the few rows a test leaves. With the foreign keys' triggers
    off for that transaction (`session_replication_role`, which needs a superuser, as the
    throwaway server of scripts/test-postgres.sh is), the order of the tables does not matter."""
    tables = Base.metadata.sorted_tables
    url = engine.url.render_as_string(hide_password=False)
    with engine.begin() as connection:
        present = set(
            connection.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ).scalars()
        )
        if url in _POSTGRES_BUILT and present == {table.name for table in tables}:
            if _POSTGRES_BUILT[url]:
                connection.exec_driver_sql(_delete_every_row(tables))
            else:
                names = ", ".join(f'"{table.name}"' for table in tables)
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        superuser = connection.execute(
            text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        ).scalar()
    Base.metadata.create_all(engine)
    _POSTGRES_BUILT[url] = bool(superuser)


def _delete_every_row(tables: list[Any]) -> str:
    return "".join(
        [
            "SET LOCAL session_replication_role = replica;",
            *(f'DELETE FROM "{table.name}";' for table in tables),
            "SELECT setval(c.oid, s.seqstart, false) FROM pg_class c"
            " JOIN pg_sequence s ON s.seqrelid = c.oid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'",
        ]
    )


@pytest.fixture
def engine(database_url: str, sqlite_schema: Path) -> Iterator[Engine]:
    if database_url.startswith("sqlite:///"):
        shutil.copyfile(sqlite_schema, database_url.removeprefix("sqlite:///"))
    engine = create_engine_for(database_url)
    if engine.dialect.name == "postgresql":
        _empty_postgres(engine)
    yield engine
    engine.dispose()


def template_database(
    database_url: str, schema: Path, key: str, build: Callable[[Session, Factory, Any], Any]
) -> tuple[str, Any]:
    """A database of the test's backend holding what `build(session, make, sessions)` makes
    and commits, made once per worker and `key` (a lower-case name, the day included when
    the data depends on it): a SQLite file beside the empty schema, or a PostgreSQL database
    beside the worker's. Returns its URL and what `build` returned."""
    url = make_url(database_url)
    backend = url.get_backend_name()
    if (backend, key) in TEMPLATES:
        return TEMPLATES[backend, key]
    if backend == "sqlite":
        path = schema.with_name(f"{key}.db")
        shutil.copyfile(schema, path)
        template = f"sqlite:///{path}"
    else:
        name = f"{url.database}_{key}"
        with _postgres_admin(database_url) as admin:
            admin.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            admin.execute(text(f'CREATE DATABASE "{name}"'))
        template = url.set(database=name).render_as_string(hide_password=False)
    engine = create_engine_for(template)
    if backend != "sqlite":
        Base.metadata.create_all(engine)
    sessions = make_session_factory(engine)
    with sessions() as session:
        built = build(session, Factory(session), sessions)
        session.commit()
    if backend == "sqlite":
        # Every committed page into the file itself: a copy of the file alone must hold them.
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    TEMPLATES[backend, key] = template, built
    return template, built


def copy_template(database_url: str, engine: Engine, template: str) -> None:
    """Makes the test's database a fresh copy of `template`. Nothing may have read the test's
    database yet: its engine's connections are closed and the database replaced."""
    engine.dispose()
    if engine.dialect.name == "sqlite":
        target = database_url.removeprefix("sqlite:///")
        # A write-ahead log left beside the file would be replayed onto the copy.
        for suffix in ("-wal", "-shm"):
            Path(target + suffix).unlink(missing_ok=True)
        shutil.copyfile(template.removeprefix("sqlite:///"), target)
        return
    name, source = engine.url.database, make_url(template).database
    with _postgres_admin(database_url) as admin:
        admin.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source}"'))


def demo_template(database_url: str, schema: Path, today: date) -> str:
    """A database of the test's backend holding the demo cooperative loaded for `today`, made
    once per worker."""
    from demo.demo import load_demo

    def build(session: Session, _make: Factory, _sessions: Any) -> None:
        load_demo(session, today)

    return template_database(database_url, schema, f"demo_{today:%Y%m%d}", build)[0]


@contextmanager
def _postgres_admin(database_url: str) -> Iterator[Connection]:
    """A connection to the server's own `postgres` database, to create and drop the others."""
    url = make_url(database_url).set(database="postgres")
    admin = create_engine_for(
        url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        yield connection
    admin.dispose()


@pytest.fixture
def loaded_demo(database_url: str, engine: Engine, sqlite_schema: Path, today: date) -> None:
    """The demo cooperative in the test's database, as `load_demo(session, today)` and a commit
    leave it. Loading it takes seconds; it is loaded once per worker and backend into a
    template database, and each test gets a fresh copy of that, so no test sees another's
    changes. Ask for it before anything that reads the database."""
    copy_template(database_url, engine, demo_template(database_url, sqlite_schema, today))


def _approved(session: Session, make: Factory, sessions: Any) -> Any:
    from tests.purchasing.orders_setup import approved_batch

    return approved_batch(session, make, sessions)


def _received(session: Session, make: Factory, sessions: Any) -> Any:
    from tests.money.billing_setup import received_batch

    return received_batch(session, make, sessions)


# The builders whose data is made once per worker, backend and day (see `built_template`).
BUILDERS: dict[str, Callable[[Session, Factory, Any], Any]] = {
    "approved": _approved,
    "received": _received,
}


def built_template(database_url: str, schema: Path, today: date, name: str) -> tuple[str, Any]:
    """The template database holding what the builder `name` of `BUILDERS` makes with a new
    factory, then the ids of what it returned (its `ids()`) and the factory's count."""

    def build(session: Session, make: Factory, sessions: Any) -> tuple[Any, int]:
        return BUILDERS[name](session, make, sessions).ids(), make.count

    return template_database(database_url, schema, f"{name}_{today:%Y%m%d}", build)


def _built_once(request: pytest.FixtureRequest, name: str) -> Any:
    """The ids of what the builder `name` returns, its rows in a fresh copy of its template:
    the builder's result is to be read back in the test's own session from these ids, and
    `make` goes on numbering after the rows the builder made, as if the test had called it."""
    database_url: str = request.getfixturevalue("database_url")
    engine: Engine = request.getfixturevalue("engine")
    template, (ids, count) = built_template(
        database_url,
        request.getfixturevalue("sqlite_schema"),
        request.getfixturevalue("today"),
        name,
    )
    if _POSTGRES_BUILT.get(engine.url.render_as_string(hide_password=False)):
        _restore_rows(engine, template)
    else:
        copy_template(database_url, engine, template)
    request.getfixturevalue("make").count = count
    return ids


def _restore_rows(engine: Engine, template: str) -> None:
    """Puts a PostgreSQL template's rows into the test's database, which the `engine` fixture
    has just emptied, and its sequences where the template left them: the same database as a
    copy, at a tenth of what `CREATE DATABASE … TEMPLATE` costs for these few rows. The foreign
    keys' triggers are off while the rows go in (a superuser's `session_replication_role`), so
    the order of the tables does not matter."""
    if template not in TEMPLATE_ROWS:
        source = create_engine_for(template)
        with source.connect() as connection:
            rows = [
                (table, [dict(row) for row in connection.execute(select(table)).mappings()])
                for table in Base.metadata.sorted_tables
            ]
            sequences = [
                (name, value)
                for name, value in connection.execute(
                    text(
                        "SELECT sequencename, last_value FROM pg_sequences"
                        " WHERE schemaname = 'public' AND last_value IS NOT NULL"
                    )
                )
            ]
        source.dispose()
        TEMPLATE_ROWS[template] = rows, sequences
    rows, sequences = TEMPLATE_ROWS[template]
    with engine.begin() as connection:
        connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        for table, values in rows:
            if values:
                connection.execute(table.insert(), values)
        for name, value in sequences:
            connection.execute(
                text("SELECT setval(:sequence, :value)"),
                {"sequence": f'public."{name}"', "value": value},
            )


@pytest.fixture
def approved(request: pytest.FixtureRequest, session: Session) -> Any:
    """`approved_batch(session, make, sessions)` (tests/purchasing/orders_setup.py) as it
    leaves the test's database, on a fresh copy. Ask for it before anything that reads the
    database."""
    from tests.purchasing.orders_setup import Approved

    return Approved.of(session, _built_once(request, "approved"))


@pytest.fixture
def received(request: pytest.FixtureRequest, session: Session) -> Any:
    """`received_batch(session, make, sessions)` (tests/money/billing_setup.py) as it leaves
    the test's database, on a fresh copy. Ask for it before anything that reads the
    database."""
    from tests.purchasing.orders_setup import Approved

    return Approved.of(session, _built_once(request, "received"))


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    """A session factory on the test database, for jobs and other transactions of their own."""
    return make_session_factory(engine)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    session = make_session_factory(engine)()
    yield session
    session.rollback()
    session.close()


@pytest.fixture
def today() -> date:
    return cooperative_today()


class Factory:
    """Builds rows with sensible defaults; every call flushes so ids exist."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.count = 0

    def _next(self) -> int:
        self.count += 1
        return self.count

    def _siret(self) -> str:
        from demo.demo import _siret

        return _siret(self._next(), 999)

    def member(self, name: str | None = None, **values: Any) -> Member:
        n = self._next()
        member = Member(
            name=name or f"Member {n}",
            siret=values.pop("siret", None) or self._siret(),
            town=values.pop("town", "Nancy"),
            latitude=values.pop("latitude", 48.69),
            longitude=values.pop("longitude", 6.18),
            **values,
        )
        member.sites.append(
            DeliverySite(name="Siège", town=member.town, latitude=48.69, longitude=6.18)
        )
        self.session.add(member)
        self.session.flush()
        return member

    def user(self, role: str = "member", member: Member | None = None, **values: Any) -> User:
        n = self._next()
        if role == "member" and member is None:
            member = self.member()
        user = User(
            email=values.pop("email", f"user{n}@example.org"),
            name=values.pop("name", f"User {n}"),
            role=role,
            member=member,
            password_hash=_HASH,
            **values,
        )
        self.session.add(user)
        self.session.flush()
        return user

    def product(self, name: str | None = None, unit: str = "ream", **values: Any) -> Product:
        category = self.session.scalar(select(Category).where(Category.name == "Papier"))
        category = category or Category(name="Papier")
        product = Product(
            name=name or f"Product {self._next()}", unit=unit, category=category, **values
        )
        self.session.add(product)
        self.session.flush()
        return product

    def supplier(self, name: str | None = None, **values: Any) -> Supplier:
        supplier = Supplier(
            name=name or f"Supplier {self._next()}",
            siret=values.pop("siret", None) or self._siret(),
            town=values.pop("town", "Metz"),
            latitude=values.pop("latitude", 49.12),
            longitude=values.pop("longitude", 6.18),
            delivery_fee=Decimal(values.pop("delivery_fee", "10")),
            **values,
        )
        self.session.add(supplier)
        self.session.flush()
        return supplier

    def offer(
        self,
        product: Product | None = None,
        supplier: Supplier | None = None,
        price: str = "2.10",
        **values: Any,
    ) -> Offer:
        offer = Offer(
            product=product or self.product(),
            supplier=supplier or self.supplier(),
            supplier_ref=values.pop("supplier_ref", f"REF-{self._next()}"),
            pack_size=Decimal(values.pop("pack_size", "1")),
            tiers=[PriceTier(min_quantity=Decimal(1), unit_price=Decimal(price))],
            **values,
        )
        self.session.add(offer)
        self.session.flush()
        return offer

    def need(self, member: Member, product: Product | None = None, **values: Any) -> Need:
        need = Need(
            member=member,
            product=product if product is not None else self.product(),
            quantity=Decimal(values.pop("quantity", "10")),
            needed_by=values.pop("needed_by", cooperative_today() + timedelta(days=20)),
            delivery_site=member.sites[0],
            status=values.pop("status", "submitted"),
            **values,
        )
        self.session.add(need)
        self.session.flush()
        return need


@pytest.fixture
def make(session: Session) -> Factory:
    return Factory(session)


TEST_SETTINGS = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-0123456789",
    "WTF_CSRF_ENABLED": False,
}


class _SharedApp:
    """The worker's application, built once: building one compiles every route and the API's
    OpenAPI document, a third of a second each time. Before each test it is put back as it was
    built: its settings, its request class, the state the extensions keep in their module-wide
    objects (another application built by a test re-initialises them) and the sign-in
    counters; and it is pointed at the test's database."""

    def __init__(self, database_url: str) -> None:
        from web import create_app

        self.app = create_app({**TEST_SETTINGS, "DATABASE_URL": database_url})
        self.config = dict(self.app.config)
        self.request_class = self.app.request_class
        self.extensions = {id(each): (each, dict(vars(each))) for each in _extension_objects()}

    def ready_for(self, database_url: str) -> Any:
        from web import db
        from web.security import limiter

        app = self.app
        app.extensions["coachat.engine"].dispose()
        app.config.clear()
        app.config.update(self.config)
        app.request_class = self.request_class
        for each, state in self.extensions.values():
            vars(each).clear()
            vars(each).update(state)
        limiter.reset()
        db.use_database(app, database_url)
        return app


def _extension_objects() -> list[Any]:
    from web import csrf, login_manager
    from web.i18n import babel
    from web.security import limiter, talisman

    return [csrf, login_manager, babel, limiter, talisman]


_SHARED: list[_SharedApp] = []


@pytest.fixture
def app(request: pytest.FixtureRequest, database_url: str, engine: Engine) -> Any:
    """The application on the test's database. It is the worker's one application, reset for
    the test, except for a test marked `own_app`, which gets one of its own to add routes to
    (an application that has answered a request takes no new route)."""
    if request.node.get_closest_marker("own_app"):
        from web import create_app

        app = create_app({**TEST_SETTINGS, "DATABASE_URL": database_url})
    else:
        if not _SHARED:
            _SHARED.append(_SharedApp(database_url))
        app = _SHARED[0].ready_for(database_url)
    yield app
    app.extensions["coachat.engine"].dispose()


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


def page_words(response) -> str:
    """A page's text as a reader reads it: no tags, entities decoded, spaces collapsed."""
    page = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(page).replace("\u00a0", " ").split())


def sign_in(client: Any, user: User) -> None:
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.data


@pytest.fixture
def signed_in(client: Any, session: Session) -> Any:
    """Signs `user` in on the test client (the session is committed so the app sees it)."""

    def signed_in_as(user: User) -> Any:
        session.commit()
        sign_in(client, user)
        return client

    return signed_in_as
