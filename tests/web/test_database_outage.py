"""PostgreSQL stopped under load, then started again: meanwhile every request gets the clear
503 page (never a 500, never a hang), nothing half-done is kept, and the application recovers
by itself once the database is back, without a restart (the pool checks connections first).

The test runs its own PostgreSQL server, as it stops it: the shared test server is untouched.
"""

from __future__ import annotations

import http.client
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from persistence import Base, create_engine_for, make_session_factory
from purchasing.clock import cooperative_today
from purchasing.models import Need
from tests.conftest import PASSWORD, Factory, unavailable

PG_BIN = Path("/usr/lib/postgresql/15/bin")
DOWN_MESSAGE = "La base de données ne répond pas pour le moment"
NEEDED_BY = (cooperative_today() + timedelta(days=30)).isoformat()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """A PostgreSQL server of this test's own, which it may stop and start again."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="coachat-outage-pg."))
        shutil.chown(self.folder, "postgres", "postgres")
        self.port = _free_port()
        self._as_postgres(PG_BIN / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres")
        self.start()
        subprocess.run(
            ["runuser", "-u", "postgres", "--", "psql", "-h", "127.0.0.1", "-p", str(self.port),
             "-U", "postgres", "-qc", "CREATE DATABASE outage"],
            check=True, capture_output=True,
        )  # fmt: skip
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/outage"

    @property
    def data(self) -> str:
        return str(self.folder / "data")

    def _as_postgres(self, *command: object) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *map(str, command)], check=True, capture_output=True
        )

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -c port={self.port} -c fsync=off -k {self.folder}"
        self._as_postgres(
            PG_BIN / "pg_ctl", "-D", self.data, "-l", self.folder / "log", "-w", "-o", options,
            "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "-D", self.data,
             "-m", "immediate", "stop"],
            capture_output=True, check=False,
        )  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def postgres() -> Iterator[Server]:
    if not (PG_BIN / "pg_ctl").exists() or shutil.which("runuser") is None:
        unavailable("PostgreSQL's server programs are not installed")
    server = Server()
    try:
        yield server
    finally:
        server.remove()


@dataclass
class Seen:
    """Every answer: when its request started, when it was answered, what, status, text."""

    answers: list[tuple[float, float, str, int, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Member:
    """One signed-in member's browser, as in benchmarks/load.py."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Accept-Language": "fr"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode({"csrf_token": self.csrf, **form})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            if found := re.search(r'<meta name="csrf-token" content="([^"]+)"', text):
                self.csrf = found.group(1)
            retry = response.getheader("Retry-After", "")
            return response.status, text + (f"\nRetry-After: {retry}" if retry else "")
        finally:
            connection.close()


def _browse(member: Member, site_id: int, product_id: int, seen: Seen, stop: threading.Event):
    """A member reading its dashboard and submitting needs, as fast as the server answers."""
    while not stop.is_set():
        for method, path, form in (
            ("GET", "/needs/", None),
            ("GET", "/needs/new", None),
            ("POST", "/needs/new", {
                "product_id": str(product_id), "free_text": "", "quantity": "3",
                "unit": "ream", "tolerance_percent": "0", "needed_by": NEEDED_BY,
                "delivery_site_id": str(site_id), "price_ceiling": "", "comment": "",
            }),
        ):  # fmt: skip
            started = time.monotonic()
            try:
                status, text = member.request(method, path, form)
            except OSError as error:
                status, text = 0, repr(error)
            with seen.lock:
                answer = (started, time.monotonic(), f"{method} {path}", status, text)
                seen.answers.append(answer)


def _until_answered(seen: Seen, after: float, count: int, seconds: float = 30.0) -> bool:
    """Waits until `count` requests made after `after` were answered, at most `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with seen.lock:
            if sum(1 for started, *_ in seen.answers if started > after) >= count:
                return True
        time.sleep(0.05)
    return False


@pytest.mark.long
def test_stopping_postgresql_under_load_shows_a_clear_page_and_recovers_by_itself(postgres):
    from web import create_app

    engine = create_engine_for(postgres.url)
    Base.metadata.create_all(engine)
    with make_session_factory(engine)() as session:
        make = Factory(session)
        people = []
        for _ in range(3):
            company = make.member()
            people.append((make.user("member", member=company), company.sites[0].id))
        product_id = make.offer(make.product(unit="ream"), make.supplier()).product_id
        accounts = [(user.email, site) for user, site in people]
        session.commit()
    engine.dispose()

    app = create_app({"DATABASE_URL": postgres.url, "SECRET_KEY": "test-secret-key-0123456789"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    members = []
    for email, site in accounts:
        member = Member(server.port)
        member.request("GET", "/login")
        status, _ = member.request("POST", "/login", {"email": email, "password": PASSWORD})
        assert status == 302
        members.append((member, site))

    seen = Seen()
    stop = threading.Event()
    browsing = [
        threading.Thread(target=_browse, args=(member, site, product_id, seen, stop))
        for member, site in members
    ]
    try:
        for thread in browsing:
            thread.start()
        # up until a few requests were answered (a busy machine answers the first ones late)
        assert _until_answered(seen, after=0.0, count=6), "no request was answered at first"
        stopping = time.monotonic()
        postgres.stop()
        down = time.monotonic()
        # down for 2 s, and until a few requests were answered meanwhile (a busy machine)
        time.sleep(2)
        _until_answered(seen, after=down, count=3, seconds=18)
        restarting = time.monotonic()
        postgres.start()
        up = time.monotonic()
        recovered = None
        while recovered is None and time.monotonic() < up + 20:
            time.sleep(0.1)
            with seen.lock:
                recent = [status for started, _, _, status, _ in seen.answers if started > up]
            if len(recent) >= 10 and all(status in (200, 302) for status in recent[-10:]):
                recovered = time.monotonic()
        if recovered is not None:
            _until_answered(seen, after=recovered, count=6)
    finally:
        stop.set()
        for thread in browsing:
            thread.join(timeout=40)
        server.shutdown()
        app.extensions["coachat.engine"].dispose()

    # by when requests were made and answered: a busy machine may note an answer late
    before = [a for a in seen.answers if a[1] < stopping]
    outage = [a for a in seen.answers if a[0] > down and a[1] < restarting]
    assert recovered is not None, "the application did not recover within 20 s"
    after = [a for a in seen.answers if a[0] > recovered]
    assert before and all(status in (200, 302) for *_, status, _ in before)
    # While the database is down: the 503 page in the reader's language, never a 500.
    assert outage, "no request was answered while the database was down"
    assert all(status == 503 for *_, status, _ in outage), {a[2:4] for a in outage}
    assert all(DOWN_MESSAGE in text and "Retry-After: 30" in text for *_, text in outage)
    assert not any(status in (0, 500) for *_, status, _ in seen.answers)
    # Back by itself: the same application answers again.
    assert after and all(status in (200, 302) for *_, status, _ in after), {a[2:4] for a in after}

    # Every need the server confirmed was kept; none was made by a request answered 503.
    confirmed = sum(1 for _, _, page, status, _ in seen.answers if page == "POST /needs/new"
                    and status == 302)  # fmt: skip
    engine = create_engine_for(postgres.url)
    with make_session_factory(engine)() as session:
        kept = session.scalar(select(func.count(Need.id)))
        assert kept == confirmed
        assert session.scalar(select(func.sum(Need.quantity))) == Decimal(3) * confirmed
    engine.dispose()


def test_an_unreachable_database_is_a_503_page_and_a_503_json_error():
    from web import create_app

    app = create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
            "SECRET_KEY": "test-secret-key-0123456789",
        }
    )
    client = app.test_client()
    page = client.post(
        "/login",
        data={"email": "membre@example.org", "password": PASSWORD},
        headers={"Accept-Language": "fr"},
    )
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    assert DOWN_MESSAGE in page.get_data(as_text=True)
    answer = client.get("/api/v1/needs", headers={"Authorization": "Bearer coa_" + "x" * 40})
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "30"
    assert answer.get_json()["error"]["code"] == "unavailable"
    app.extensions["coachat.engine"].dispose()


@pytest.mark.own_app
def test_two_requests_changing_one_object_at_once_the_second_gets_a_409_and_keeps_nothing(
    app, client, session, make
):
    """The second of two concurrent changes finds the version moved (StaleDataError): a 409
    page (JSON under /api/) saying so, and nothing of that request is kept."""
    from flask_login import login_user
    from sqlalchemy import update

    from purchasing.models import Need as NeedRow
    from web import db

    member = make.member()
    user = make.user("member", member=member)
    need = make.need(member, quantity="5")
    session.commit()

    def change_after_someone_else() -> str:
        mine = db.session().get(NeedRow, need.id)
        login_user(user)
        # Someone else's change commits between this request's read and its write.
        engine = app.extensions["coachat.engine"]
        with engine.begin() as other:
            other.execute(
                update(NeedRow.__table__)
                .where(NeedRow.__table__.c.id == need.id)
                .values(quantity=7, version=NeedRow.__table__.c.version + 1)
            )
        mine.quantity = Decimal(9)
        db.session().flush()
        return "saved"

    app.add_url_rule("/test-stale", view_func=change_after_someone_else)
    app.add_url_rule("/api/v1/test-stale", "api_stale", view_func=change_after_someone_else)
    page = client.get("/test-stale", headers={"Accept-Language": "fr"})
    assert page.status_code == 409
    assert "en même temps" in page.get_data(as_text=True)
    answer = client.get("/api/v1/test-stale")
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "conflict"
    session.expire_all()
    assert session.get(Need, need.id).quantity == Decimal(7)


def test_a_database_not_migrated_is_a_server_error_not_an_outage(tmp_path):
    """SQLite reports a missing table as an operational error too: not a 503 to retry."""
    from web import create_app

    app = create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}",
            "SECRET_KEY": "test-secret-key-0123456789",
        }
    )
    page = app.test_client().post(
        "/login", data={"email": "membre@example.org", "password": PASSWORD}
    )
    assert page.status_code == 500 and "Retry-After" not in page.headers
    app.extensions["coachat.engine"].dispose()
