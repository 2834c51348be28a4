"""A bounded load test: members submit, change and cancel needs while a round closes.

    .venv/bin/python benchmarks/load.py [--seconds 30] [--members 50] [--workers 5] [--ramp 5]

Starts a throwaway PostgreSQL on 127.0.0.1 (the recipe of scripts/test-postgres.sh; or uses
DATABASE_URL when it names an existing, empty PostgreSQL database), migrates it, loads the demo
cooperative, then starts gunicorn (`--workers 5`) and the scheduler process (`--tick 1`).
Simulated members (threads, each with its own cookie and CSRF token) arrive one after the other
over the first `--ramp` seconds (as people open the page, not all in the same millisecond; 0:
all at once), sign in as the demo members, submit needs through the need form, change and
cancel some, and pause between actions as a person does. A third of the way through, the open
round's cut-off is set a few seconds ahead in the database: the scheduler closes the round under
load and optimises its batch.

Prints the requests, the errors, the latency percentiles, and what the database holds
afterwards: needs the server confirmed but lost, needs counted twice (in two batches, or a batch
whose snapshot does not match its pooled needs), and how long the batch took to be proposed.
Every process it started is stopped, whatever happens.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
PASSWORD = "coachat-demo"
ACCOUNTS = ["membre@demo.coachat.fr"] + [f"membre{n}@demo.coachat.fr" for n in range(2, 22)]
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
SUBMITTED = re.compile(r"Besoin n° (\d+) envoyé")
UPDATED = re.compile(r"Besoin n° (\d+) modifié")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- processes --------------------------------------------------------------------------------


class Processes:
    """Every process this script starts, stopped at the end by its own id."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.started: list[tuple[str, subprocess.Popen[bytes]]] = []
        self.postgres_data: Path | None = None
        self.postgres_folder: Path | None = None

    def start(self, name: str, command: list[str], env: dict[str, str]) -> None:
        log = (self.folder / f"{name}.log").open("wb")
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.started.append((name, process))

    def log_tail(self, name: str, lines: int = 15) -> str:
        path = self.folder / f"{name}.log"
        return (
            "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
            if path.exists()
            else ""
        )

    def check_alive(self) -> None:
        for name, process in self.started:
            if process.poll() is not None:
                raise RuntimeError(
                    f"{name} stopped (exit {process.returncode}):\n{self.log_tail(name)}"
                )

    def stop(self) -> None:
        for _name, process in reversed(self.started):
            if process.poll() is None:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for _name, process in reversed(self.started):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        self.started.clear()
        if self.postgres_data is not None:
            subprocess.run(
                ["runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "-D",
                 str(self.postgres_data), "-m", "immediate", "stop"],
                capture_output=True, check=False,
            )  # fmt: skip
            self.postgres_data = None
        if self.postgres_folder is not None:
            shutil.rmtree(self.postgres_folder, ignore_errors=True)
            self.postgres_folder = None


def start_postgres(processes: Processes) -> str:
    """A throwaway server, as scripts/test-postgres.sh starts one; its URL."""
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="coachat-load-pg."))  # postgres's own, as mktemp -d
    shutil.chown(folder, "postgres", "postgres")
    processes.postgres_folder = folder
    as_postgres = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [*as_postgres, str(PG_BIN / "initdb"), "-D", str(folder / "data"), "-A", "trust",
         "-U", "postgres", "-E", "UTF8"],
        check=True, capture_output=True,
    )  # fmt: skip
    processes.postgres_data = folder / "data"
    options = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -c fsync=off -c synchronous_commit=off "
        f"-c full_page_writes=off -c max_connections=200 -k {folder}"
    )
    subprocess.run(
        [*as_postgres, str(PG_BIN / "pg_ctl"), "-D", str(folder / "data"), "-l",
         str(folder / "log"), "-w", "-o", options, "start"],
        check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(
        [*as_postgres, "psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-qc",
         "CREATE DATABASE coachat_load"],
        check=True, capture_output=True,
    )  # fmt: skip
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/coachat_load"


def wait_for_http(port: int, processes: Processes, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        processes.check_alive()
        with suppress(OSError):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/login")
            if connection.getresponse().status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer in time")


# --- simulated members --------------------------------------------------------------------------


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    by_page: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # need id -> (quantity, cancelled) as the server last confirmed it
    confirmed: dict[int, tuple[Decimal, bool]] = field(default_factory=dict)
    refused_changes: int = 0


class Browser:
    """One member's browser: keeps its cookie, reads the CSRF token from the pages."""

    def __init__(self, port: int, stats: Stats) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self.stats = stats

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        headers = {"Accept-Language": "fr"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode({"csrf_token": self.csrf, **form})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            with self.stats.lock:
                self.stats.errors.append(f"{method} {path}: {error!r}")
            return 0, "", ""
        elapsed = time.perf_counter() - started
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        if found := CSRF.search(text):
            self.csrf = found.group(1)
        with self.stats.lock:
            self.stats.latencies.append(elapsed)
            page = f"{method} {re.sub(r'/[0-9]+', '/<id>', path)}"
            self.stats.by_page.setdefault(page, []).append(elapsed * 1000)
            if response.status >= 400:
                self.stats.errors.append(f"{method} {path}: {response.status}")
        location = urlsplit(response.getheader("Location", "")).path
        return response.status, location, text

    def follow(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[str, str]:
        """The request, then the page it redirects to, as a browser does: (path, page)."""
        status, location, text = self.request(method, path, form)
        if status in (302, 303) and location:
            _status, _location, text = self.request("GET", location)
            return location, text
        return path, text


@dataclass(frozen=True)
class Catalog:
    products: list[int]  # products with an active offer
    sites: dict[str, list[int]]  # account -> the company's delivery sites
    today: str


def member_loop(
    number: int, port: int, catalog: Catalog, stats: Stats, stop_at: float, arrive_in: float
) -> None:
    time.sleep(arrive_in)
    rng = random.Random(number)
    account = ACCOUNTS[number % len(ACCOUNTS)]
    browser = Browser(port, stats)
    browser.request("GET", "/login")
    status, _location, _text = browser.request(
        "POST", "/login", {"email": account, "password": PASSWORD}
    )
    if status != 302:
        with stats.lock:
            stats.errors.append(f"sign-in of {account}: {status}")
        return
    browser.request("GET", "/needs/")
    mine: list[int] = []
    while time.monotonic() < stop_at:
        time.sleep(rng.uniform(0.5, 1.5))  # a person reads and types
        if time.monotonic() >= stop_at:
            break
        action = rng.random()
        if action < 0.6 or not mine:
            browser.request("GET", "/needs/new")
            quantity = Decimal(rng.randint(1, 60))
            _path, page = browser.follow(
                "POST", "/needs/new", need_form(rng, catalog, account, quantity)
            )
            if found := SUBMITTED.search(page):
                need_id = int(found.group(1))
                mine.append(need_id)
                with stats.lock:
                    stats.confirmed[need_id] = (quantity, False)
            else:
                with stats.lock:
                    stats.errors.append("a need submitted was not confirmed")
        elif action < 0.85:
            need_id = rng.choice(mine)
            status, _location, _text = browser.request("GET", f"/needs/{need_id}/edit")
            if status != 200:  # pooled meanwhile: the page sends the member to the need
                mine.remove(need_id)
                continue
            quantity = Decimal(rng.randint(1, 60))
            _path, page = browser.follow(
                "POST", f"/needs/{need_id}/edit", need_form(rng, catalog, account, quantity)
            )
            with stats.lock:
                if UPDATED.search(page):
                    stats.confirmed[need_id] = (quantity, False)
                else:
                    stats.refused_changes += 1  # pooled between the form and the change
                    mine.remove(need_id)
        else:
            need_id = mine.pop(rng.randrange(len(mine)))
            status, location, _text = browser.request("POST", f"/needs/{need_id}/cancel", {})
            with stats.lock:
                if status == 302 and location == "/needs/":
                    stats.confirmed[need_id] = (stats.confirmed[need_id][0], True)
                else:
                    stats.refused_changes += 1
            browser.request("GET", location or "/needs/")


def need_form(
    rng: random.Random, catalog: Catalog, account: str, quantity: Decimal
) -> dict[str, str]:
    from datetime import date

    needed_by = date.fromisoformat(catalog.today) + timedelta(days=rng.randint(20, 50))
    return {
        "product_id": str(rng.choice(catalog.products)),
        "free_text": "",
        "quantity": str(quantity),
        "unit": "unit",
        "tolerance_percent": "0",
        "needed_by": needed_by.isoformat(),
        "delivery_site_id": str(rng.choice(catalog.sites[account])),
        "price_ceiling": "",
        "comment": "",
    }


# --- the database, before and after ------------------------------------------------------------


@contextmanager
def database(url: str) -> Iterator[object]:
    from persistence import create_engine_for, make_session_factory

    engine = create_engine_for(url)
    try:
        with make_session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


def read_catalog(url: str) -> Catalog:
    from sqlalchemy import select

    from purchasing.clock import cooperative_today
    from purchasing.models import DeliverySite, User
    from suppliers.models import Offer

    with database(url) as session:
        products = sorted(set(session.scalars(select(Offer.product_id).where(Offer.active))))  # type: ignore[attr-defined]
        sites = {}
        for account in ACCOUNTS:
            user = session.scalar(select(User).where(User.email == account))  # type: ignore[attr-defined]
            sites[account] = list(
                session.scalars(  # type: ignore[attr-defined]
                    select(DeliverySite.id).where(
                        DeliverySite.member_id == user.member_id, DeliverySite.active
                    )
                )
            )
    return Catalog(products, sites, cooperative_today().isoformat())


def move_cutoff(url: str, seconds: float) -> object:
    """Sets the open round's cut-off `seconds` from now; the instant it was set to."""
    from sqlalchemy import update

    from persistence import utcnow
    from purchasing.models import Round

    cutoff = utcnow() + timedelta(seconds=seconds)
    with database(url) as session:
        session.execute(update(Round).where(Round.status == "open").values(cutoff_at=cutoff))  # type: ignore[attr-defined]
        session.commit()  # type: ignore[attr-defined]
    return cutoff


def batch_state(url: str) -> tuple[object, object] | None:
    """(batch created at, first scenario's job finished at) of the latest batch, if any."""
    from sqlalchemy import select

    from persistence.jobs import Job
    from purchasing.models import Batch, Scenario

    with database(url) as session:
        batch = session.scalar(select(Batch).order_by(Batch.id.desc()).limit(1))  # type: ignore[attr-defined]
        if batch is None:
            return None
        job = session.scalar(  # type: ignore[attr-defined]
            select(Job)
            .join(Scenario, Scenario.job_id == Job.id)
            .where(Scenario.batch_id == batch.id, Scenario.number == 1)
        )
        finished = job.finished_at if job is not None and job.status == "done" else None
        return batch.created_at, finished


def check_database(url: str, stats: Stats) -> dict[str, int]:
    from sqlalchemy import select

    from purchasing.models import Batch, Need

    lost = changed = twice = mismatched = 0
    with database(url) as session:
        needs = {need.id: need for need in session.scalars(select(Need))}  # type: ignore[attr-defined]
        for need_id, (quantity, cancelled) in stats.confirmed.items():
            need = needs.get(need_id)
            if need is None:
                lost += 1
            elif cancelled != (need.status == "cancelled") or need.quantity != quantity:
                changed += 1
        seen: dict[str, int] = {}
        for batch in session.scalars(select(Batch)):  # type: ignore[attr-defined]
            snapshot = {
                n["id"]: Decimal(str(n["quantity"])) for n in batch.problem.get("needs", [])
            }
            for need_id in snapshot:
                if need_id in seen:
                    twice += 1
                seen[need_id] = batch.id
            pooled = {str(n.id): n.quantity for n in needs.values() if n.batch_id == batch.id}
            mismatched += len(set(snapshot.items()) ^ set(pooled.items()))
        pooled_outside = sum(
            1 for n in needs.values() if n.status == "pooled" and n.batch_id is None
        )
    return {
        "lost": lost,
        "changed": changed,
        "twice": twice,
        "mismatched": mismatched + pooled_outside,
        "pooled": len(seen),
    }


# --- the run -----------------------------------------------------------------------------------


def cpu_seconds(processes: Processes) -> dict[str, float]:
    """CPU time (user + system, children included) each part has used so far: the processes
    this script started (by process group), PostgreSQL's (children of its postmaster) and the
    simulated members (this process)."""
    tick = os.sysconf("SC_CLK_TCK")
    groups = {process.pid: name for name, process in processes.started}
    postmaster = 0
    if processes.postgres_data is not None:
        with suppress(OSError, ValueError):
            postmaster = int((processes.postgres_data / "postmaster.pid").read_text().split()[0])
    used: dict[str, float] = {"members (this process)": 0.0}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError):
            text = stat.read_text()
            pid = int(text.split(" ", 1)[0])
            fields = text.rsplit(")", 1)[1].split()
            parent, group = int(fields[1]), int(fields[2])
            seconds = sum(int(value) for value in fields[11:15]) / tick
            if pid == os.getpid():
                used["members (this process)"] += seconds
            elif group in groups:
                used[groups[group]] = used.get(groups[group], 0.0) + seconds
            elif postmaster and (pid == postmaster or parent == postmaster):
                used["postgres"] = used.get("postgres", 0.0) + seconds
    return used


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def run(arguments: argparse.Namespace, processes: Processes) -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        url = start_postgres(processes)
    elif not url.startswith("postgresql"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "load-test-secret-0123456789abcdef",
        "COACHAT_ENV": "development",
        "COACHAT_SIGN_IN_LIMIT_ACCOUNT": "100000 per minute",
        "COACHAT_SIGN_IN_LIMIT_ADDRESS": "100000 per minute",
    }
    subprocess.run([str(VENV / "coachat"), "db", "upgrade"], env=env, cwd=ROOT, check=True,
                   capture_output=True)  # fmt: skip
    subprocess.run([str(VENV / "coachat"), "demo", "load"], env=env, cwd=ROOT, check=True,
                   capture_output=True)  # fmt: skip
    catalog = read_catalog(url)
    port = free_port()
    processes.start(
        "gunicorn",
        [str(VENV / "gunicorn"), "--workers", str(arguments.workers), "--bind",
         f"127.0.0.1:{port}", "web:create_app()"],
        env,
    )  # fmt: skip
    processes.start("scheduler", [str(VENV / "coachat"), "scheduler", "--tick", "1"], env)
    wait_for_http(port, processes)

    stats = Stats()
    cpu_before = cpu_seconds(processes)
    started = time.monotonic()
    stop_at = started + arguments.seconds
    threads = [
        threading.Thread(
            target=member_loop,
            args=(n, port, catalog, stats, stop_at, n * arguments.ramp / arguments.members),
            daemon=True,
        )
        for n in range(arguments.members)
    ]
    for thread in threads:
        thread.start()
    time.sleep(arguments.seconds / 3)
    cutoff = move_cutoff(url, 3)
    for thread in threads:
        thread.join(timeout=max(1.0, stop_at - time.monotonic() + 35))
    elapsed = time.monotonic() - started
    cpu_after = cpu_seconds(processes)
    processes.check_alive()

    # The batch is proposed once its first scenario is optimised.
    deadline = time.monotonic() + 120
    state = batch_state(url)
    while (state is None or state[1] is None) and time.monotonic() < deadline:
        processes.check_alive()
        time.sleep(0.5)
        state = batch_state(url)
    found = check_database(url, stats)

    latencies = [seconds * 1000 for seconds in stats.latencies]
    print(
        f"members {arguments.members}, {arguments.seconds:g} s, "
        f"{arguments.workers} gunicorn workers, arriving over {arguments.ramp:g} s"
    )
    print(f"requests        {len(latencies)} ({len(latencies) / elapsed:.0f}/s)")
    print(f"errors          {len(stats.errors)}  (goal 0)")
    for error in stats.errors[:10]:
        print(f"                {error}")
    print(
        f"latency         p50 {percentile(latencies, 0.50):.0f} ms, "
        f"p95 {percentile(latencies, 0.95):.0f} ms (goal < 200), "
        f"p99 {percentile(latencies, 0.99):.0f} ms, max {max(latencies, default=0):.0f} ms"
    )
    for page, values in sorted(stats.by_page.items()):
        print(
            f"  {page:<28} {len(values):>6}  p50 {percentile(values, 0.5):>5.0f} ms  "
            f"p95 {percentile(values, 0.95):>5.0f} ms"
        )
    cores = os.cpu_count() or 1
    print(f"CPU used        {elapsed * cores:.0f} s available ({cores} cores x {elapsed:.0f} s):")
    for name in sorted(cpu_after):
        used = cpu_after[name] - cpu_before.get(name, 0.0)
        print(f"  {name:<28} {used:>6.1f} s")
    cancelled = sum(1 for _q, c in stats.confirmed.values() if c)
    print(
        f"needs confirmed {len(stats.confirmed)} ({cancelled} cancelled), "
        f"changes refused because pooled meanwhile {stats.refused_changes}"
    )
    print(f"needs lost      {found['lost']}  (goal 0)")
    print(f"needs changed   {found['changed']}  (not as last confirmed; goal 0)")
    print(
        f"counted twice   {found['twice']} in two batches, "
        f"{found['mismatched']} snapshot mismatches  (goal 0)"
    )
    print(f"pooled needs    {found['pooled']} in batches")
    if state is None:
        print("batch           none: the round did not close")
    else:
        created, finished = state
        closing = (created - cutoff).total_seconds()  # type: ignore[operator]
        proposed = (finished - cutoff).total_seconds() if finished else None  # type: ignore[operator]
        print(
            f"batch           closed {closing:.1f} s after the cut-off, proposed "
            + (f"{proposed:.1f} s after it" if proposed is not None else "not within 120 s")
        )
    failed = (
        stats.errors or found["lost"] or found["changed"] or found["twice"] or found["mismatched"]
    )
    return 1 if failed or state is None or state[1] is None else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--ramp", type=float, default=5.0, help="seconds over which members arrive")
    arguments = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="coachat-load."))
    processes = Processes(folder)

    def interrupted(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    try:
        return run(arguments, processes)
    except Exception:
        for name, _process in processes.started:
            print(f"--- {name}\n{processes.log_tail(name)}", file=sys.stderr)
        raise
    finally:
        processes.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
