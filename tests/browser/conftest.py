"""Browser tests: the app served from the test process, driven in Debian's Chromium."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from persistence import Base, create_engine_for, make_session_factory
from tests.conftest import unavailable

CHROMIUM = os.environ.get("COACHAT_TEST_CHROMIUM", "/usr/bin/chromium")
SECRET = "browser-test-secret-key-012345"  # the live server's
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless; Playwright's own browser download is not needed."""
    if not Path(CHROMIUM).exists():
        unavailable(f"Chromium is not installed at {CHROMIUM}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A French page; the test fails if the Content-Security-Policy blocked anything on it."""
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    context.set_default_timeout(10_000)
    page = context.new_page()
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert not blocked, "\n".join(blocked)


def new_database(path: Path) -> str:
    """A SQLite database file at `path` with every table made."""
    url = f"sqlite:///{path}"
    engine = create_engine_for(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    return url


@contextmanager
def serving(database_url: str) -> Iterator[str]:
    """The application on an ephemeral port of 127.0.0.1, served from a thread, on
    `database_url`; gives its base URL."""
    from web import create_app

    # Pages showing a background job ask for its state five times as often as in production:
    # the tests wait for the scheduler, not for the page's next question.
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "JOB_POLL_MS": 300})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = base  # links in e-mails lead back to this server
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        thread.join()
        app.extensions["coachat.engine"].dispose()


@pytest.fixture
def live_database(tmp_path: Path) -> Iterator[str]:
    yield new_database(tmp_path / "browser.db")


@pytest.fixture
def live_session(live_database: str) -> Iterator[Any]:
    engine = create_engine_for(live_database)
    session = make_session_factory(engine)()
    yield session
    session.close()
    engine.dispose()


@pytest.fixture
def live_server(live_database: str) -> Iterator[str]:
    """The application on an ephemeral port of 127.0.0.1, served from a thread."""
    with serving(live_database) as base:
        yield base


@pytest.fixture
def scheduler(live_database: str) -> Iterator[None]:
    """The scheduler process's jobs, running in the background on the test database."""
    from scheduling.scheduler import Rhythms, build_scheduler, dispose_engines

    running = build_scheduler(live_database, Rhythms(close_due=0.5, work=0.5, remind=60))
    running.start()
    yield
    running.shutdown(wait=True)
    dispose_engines()
