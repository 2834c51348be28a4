"""Closing a round is exactly-once, proven with real threads and processes.

Every submitted need with a catalog product ends in exactly one batch or stays open for the
next round: while members submit, change and cancel needs during the closing; when the lead's
closing and the schedule's run at the same moment (threads, and two processes); and when the
process closing a round is killed halfway and the work is started again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from persistence import create_engine_for, make_session_factory, unit_of_work, utcnow
from purchasing.clock import cooperative_today
from purchasing.errors import Conflict
from purchasing.models import Batch, Need, Round, User
from purchasing.needs.needs import cancel_need, submit_need, update_need
from purchasing.rounds.rounds import close_round, ensure_open_round
from scheduling.jobs import close_due_rounds, work_jobs


def _cooperative(session, make, needs=40):
    members = [make.member() for _ in range(4)]
    users = [make.user("member", member=member) for member in members]
    product = make.product()
    make.offer(product=product, lead_time_days=2)
    for i in range(needs):
        make.need(members[i % 4], product, quantity=str(5 + i % 7))
    opened = ensure_open_round(session)
    opened.cutoff_at = utcnow()
    session.commit()
    return users, product, opened.id


def _assert_each_need_once(session):
    """Each need is in at most one batch, and each batch's snapshot is exactly its needs."""
    for batch in session.scalars(select(Batch)):
        pooled = {
            str(need_id)
            for need_id in session.scalars(select(Need.id).where(Need.batch_id == batch.id))
        }
        assert {need["id"] for need in batch.problem["needs"]} == pooled
    statuses = dict(session.execute(select(Need.status, func.count()).group_by(Need.status)).all())
    assert set(statuses) <= {"submitted", "pooled", "cancelled"}


# SQLite serialises writers: the race this test provokes is PostgreSQL's.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_members_submit_change_and_cancel_while_the_round_closes(engine, session, make):
    users, product, round_id = _cooperative(session, make, needs=300)
    sessions = make_session_factory(engine)
    existing = list(session.scalars(select(Need.id).order_by(Need.id)))
    today = cooperative_today()
    outcomes: dict[str, list] = {"submitted": [], "updated": [], "cancelled": [], "refused": []}
    failures: list[BaseException] = []
    start = threading.Barrier(4)

    def member_work(index: int) -> None:
        try:
            member_steps(index)
        except BaseException as error:
            failures.append(error)

    def member_steps(index: int) -> None:
        start.wait()
        for step in range(25):
            with unit_of_work(sessions) as own:
                user = own.get(User, users[index].id)
                site = user.member.sites[0].id
                raw = {
                    "product_id": str(product.id),
                    "quantity": str(100 + step),
                    "needed_by": (today.replace(year=today.year + 1)).isoformat(),
                    "delivery_site_id": str(site),
                }
                if step % 3 == 0:
                    need = submit_need(own, raw, today, actor=user)
                    outcomes["submitted"].append(need.id)
                    continue
                target = existing[(index * 25 + step) % len(existing)]
                own_need = own.get(Need, target)
                if own_need.member_id != user.member_id:
                    continue
                try:
                    if step % 3 == 1:
                        update_need(own, target, raw, today, actor=user)
                        outcomes["updated"].append((target, Decimal(raw["quantity"])))
                    else:
                        cancel_need(own, target, actor=user)
                        outcomes["cancelled"].append(target)
                except Conflict:
                    outcomes["refused"].append(target)

    def closing() -> None:
        start.wait()
        time.sleep(0.01)
        close_due_rounds(sessions)

    threads = [threading.Thread(target=member_work, args=(i,)) for i in range(3)]
    threads.append(threading.Thread(target=closing))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    session.expire_all()
    batch = session.scalar(select(Batch))
    assert batch is not None and batch.round_id == round_id
    _assert_each_need_once(session)
    snapshot = {need["id"]: Decimal(need["quantity"]) for need in batch.problem["needs"]}
    for need_id in outcomes["cancelled"]:
        assert session.get(Need, need_id).status == "cancelled"
        assert str(need_id) not in snapshot
    last_update: dict[int, Decimal] = {}
    for need_id, quantity in outcomes["updated"]:
        last_update[need_id] = quantity
    for need_id, quantity in last_update.items():
        need = session.get(Need, need_id)
        if need.status == "cancelled":
            continue
        assert need.quantity == quantity  # a change that was accepted is never lost
        if str(need_id) in snapshot:
            assert snapshot[str(need_id)] == quantity
    for need_id in outcomes["submitted"]:
        assert session.get(Need, need_id).status in ("submitted", "pooled")
    for need_id in existing:
        need = session.get(Need, need_id)
        assert need.status in ("pooled", "cancelled")
    assert outcomes["refused"] or outcomes["updated"] or outcomes["cancelled"]


def test_the_lead_and_the_schedule_close_at_the_same_moment(engine, session, make):
    _users, _product, round_id = _cooperative(session, make)
    sessions = make_session_factory(engine)
    start = threading.Barrier(6)
    errors: list[BaseException] = []

    def schedule() -> None:
        start.wait()
        close_due_rounds(sessions)

    def lead() -> None:
        start.wait()
        try:
            with unit_of_work(sessions) as own:
                close_round(own, round_id, actor=None)
        except Conflict:
            pass
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=schedule) for _ in range(3)]
    threads += [threading.Thread(target=lead) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    session.expire_all()
    assert session.scalar(select(func.count(Batch.id))) == 1
    assert session.scalar(select(func.count(Round.id)).where(Round.status == "open")) == 1
    assert session.scalar(select(func.count(Need.id)).where(Need.status == "pooled")) == 40
    _assert_each_need_once(session)


_CLOSE_IN_A_PROCESS = """
import sys
from persistence import create_engine_for, make_session_factory
from scheduling.jobs import close_due_rounds
engine = create_engine_for(sys.argv[1])
print(close_due_rounds(make_session_factory(engine)), flush=True)
"""


def _process(database_url: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _CLOSE_IN_A_PROCESS, database_url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )


def test_two_scheduler_processes_close_the_round_once(engine, database_url, session, make):
    _cooperative(session, make, needs=200)
    processes = [_process(database_url) for _ in range(2)]
    outputs = [process.communicate(timeout=120) for process in processes]
    for process, (_out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
    session.expire_all()
    assert session.scalar(select(func.count(Batch.id))) == 1
    made = session.scalar(select(Batch.id))
    assert sorted(out.strip() for out, _ in outputs) == sorted(["None", str(made)])
    assert session.scalar(select(func.count(Need.id)).where(Need.status == "pooled")) == 200
    _assert_each_need_once(session)


def _closing_in_progress(database_url: str, round_id: int) -> bool:
    """Whether another transaction holds the round (PostgreSQL) or the database (SQLite)."""
    options = {"connect_args": {"timeout": 0}} if database_url.startswith("sqlite") else {}
    probe = create_engine_for(database_url, **options)
    try:
        with probe.connect() as connection:
            if probe.dialect.name == "postgresql":
                connection.execute(text("SET lock_timeout = '1ms'"))
                connection.execute(
                    text("SELECT id FROM pooling_round WHERE id = :id FOR UPDATE NOWAIT"),
                    {"id": round_id},
                )
            else:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            connection.rollback()
        return False
    except OperationalError:
        return True
    finally:
        probe.dispose()


@pytest.mark.long
def test_a_close_killed_halfway_leaves_nothing_and_closes_once_on_restart(
    engine, database_url, session, make
):
    _users, _product, round_id = _cooperative(session, make, needs=3000)
    session.close()
    process = _process(database_url)
    deadline = time.monotonic() + 60
    while not _closing_in_progress(database_url, round_id):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the closing never started"
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL

    sessions = make_session_factory(engine)
    with unit_of_work(sessions) as check:
        assert check.get(Round, round_id).status == "open"
        assert check.scalar(select(func.count(Batch.id))) == 0
        assert check.scalar(select(func.count(Need.id)).where(Need.status == "submitted")) == 3000

    assert close_due_rounds(sessions) is not None
    assert close_due_rounds(sessions) is None
    with unit_of_work(sessions) as check:
        assert check.scalar(select(func.count(Batch.id))) == 1
        assert check.scalar(select(func.count(Need.id)).where(Need.status == "pooled")) == 3000
        _assert_each_need_once(check)


def test_a_job_killed_while_running_is_taken_up_again(engine, session, make):
    from datetime import timedelta

    from persistence.jobs import Job, enqueue

    _cooperative(session, make, needs=4)
    round_id = session.scalar(select(Round.id).where(Round.status == "open"))
    job = enqueue(session, "close_round", {"round_id": round_id})
    # What a killed worker leaves behind: a running job whose heartbeat stopped long ago.
    job.status = "running"
    job.attempts = 1
    job.heartbeat_at = utcnow() - timedelta(minutes=10)
    session.commit()
    sessions = make_session_factory(engine)
    assert work_jobs(sessions) >= 1
    session.expire_all()
    assert session.get(Job, job.id).status == "done"
    assert session.scalar(select(func.count(Batch.id))) == 1
