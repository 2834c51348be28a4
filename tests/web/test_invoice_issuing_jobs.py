"""Issuing invoices is a job of the scheduler, never the work of a web request: asking twice
(or two leads at once) queues one job, and a refusal the job meets (the batch invoiced
meanwhile, a lead who lost the right) fails it with its message and issues nothing."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from money.dues import issue_dues
from money.invoicing import issue_batch_invoices
from money.models import MemberDues, MemberInvoice
from persistence.audit import AuditEvent
from persistence.jobs import Job, Progress
from purchasing.models import User
from purchasing.people.tokens import create_token
from scheduling.jobs import work_jobs
from tests.conftest import page_words, sign_in
from tests.money.billing_setup import received_batch

TODAY = date(2027, 3, 1)


@pytest.fixture
def received(session, make, sessions):
    return received_batch(session, make, sessions)


def _count(session, model, *where) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _issuing_jobs(session, kind: str = "issue_batch_invoices") -> list[Job]:
    session.expire_all()
    return list(session.scalars(select(Job).where(Job.kind == kind).order_by(Job.id)))


def test_asking_twice_queues_one_job_and_the_confirmation_says_it_is_under_way(
    client, signed_in, session, received, sessions
):
    signed_in(received.lead)
    first = client.post(f"/batches/{received.batch.id}/invoices")
    second = client.post(f"/batches/{received.batch.id}/invoices")
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert len(_issuing_jobs(session)) == 1
    assert _count(session, MemberInvoice) == 0
    confirm = client.get(f"/batches/{received.batch.id}/invoices")
    words = page_words(confirm)
    assert "Ces factures sont en cours d’émission en arrière-plan." in words
    assert "Suivre l’émission" in words
    assert 'action="/batches/' not in confirm.get_data(as_text=True)  # no second button

    assert work_jobs(sessions) >= 1
    (job,) = _issuing_jobs(session)
    assert job.status == "done" and len(job.result["issued"]) == 2
    assert _count(session, MemberInvoice) == 2
    requested = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "invoice.issue_requested")
    ).all()
    assert [(e.object_id, e.details["job"]) for e in requested] == [(received.batch.id, job.id)]


def test_invoices_issued_before_the_job_runs_fail_it_with_its_message_and_nothing_more(
    client, signed_in, session, received, sessions
):
    signed_in(received.lead)
    asked = client.post(f"/batches/{received.batch.id}/invoices")
    # Meanwhile the command line issues the batch's invoices at once.
    direct = issue_batch_invoices(session, received.batch.id, TODAY, actor=received.lead)
    session.commit()
    assert len(direct.issued) == 2

    work_jobs(sessions)
    (job,) = _issuing_jobs(session)
    assert job.status == "failed" and job.error == "No invoice to issue for this batch now."
    assert _count(session, MemberInvoice) == 2  # the two issued by the command, no more
    assert _count(session, AuditEvent, AuditEvent.action == "invoice.issue") == 2
    page = client.get(asked.headers["Location"])
    words = page_words(page)
    assert page.status_code == 200
    assert "Rien n’a été émis : Aucune facture à émettre pour ce lot pour l’instant." in words
    assert "data-job-status" not in page.get_data(as_text=True)  # finished: no more polling


def test_a_lead_who_lost_the_right_meanwhile_fails_the_job_in_the_readers_language(
    client, session, received, make, sessions
):
    secret = create_token(session, "script", 30, actor=received.lead).secret
    session.commit()
    asked = client.post(
        f"/api/v1/batches/{received.batch.id}/invoices",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert asked.status_code == 202
    member_id = received.members[0].id
    lead = session.get(User, received.lead.id)
    lead.member_id, lead.role = member_id, "member"  # made a member's user before the job runs
    session.commit()

    work_jobs(sessions)
    (job,) = _issuing_jobs(session)
    assert job.status == "failed" and _count(session, MemberInvoice) == 0
    admin = make.user("admin", email="admin@example.org")
    token = create_token(session, "admin", 30, actor=admin).secret
    session.commit()
    shown = {
        language: client.get(
            asked.headers["Location"],
            headers={"Authorization": f"Bearer {token}", "Accept-Language": language},
        ).get_json()
        for language in ("fr", "en")
    }
    assert shown["fr"]["status"] == "failed" and shown["fr"]["result"] == {}
    assert shown["fr"]["error"] == (
        "Seuls les responsables des achats peuvent émettre des factures et des avoirs."
    )
    assert shown["en"]["error"] == "Only purchasing leads may issue invoices and credit notes."


def test_the_years_dues_are_one_job_and_a_refusal_in_it_issues_nothing(
    client, signed_in, session, received, make, sessions
):
    admin = make.user("admin", email="admin@example.org")
    for member in received.members:
        session.add(MemberDues(member_id=member.id, amount=120, vat_category="O", vat_rate=0))
    signed_in(admin)
    first = client.post("/admin/billing/dues/issue", data={"year": "2027"})
    second = client.post("/admin/billing/dues/issue", data={"year": "2027"})
    assert first.headers["Location"] == second.headers["Location"]
    assert len(_issuing_jobs(session, "issue_dues")) == 1
    assert _count(session, MemberInvoice) == 0
    refused = client.post("/admin/billing/dues/issue", data={"year": "1800"}, follow_redirects=True)
    assert "Indiquez une année, par exemple" in page_words(refused)
    assert len(_issuing_jobs(session, "issue_dues")) == 1

    issue_dues(session, 2027, TODAY, actor=admin)  # the command line, meanwhile
    session.commit()
    work_jobs(sessions)
    (job,) = _issuing_jobs(session, "issue_dues")
    assert job.status == "failed" and _count(session, MemberInvoice) == 2
    words = page_words(client.get(first.headers["Location"]))
    assert "Émission des cotisations 2027" in words
    assert "Rien n’a été émis : Chaque membre ayant une cotisation" in words


def test_the_issuing_page_shows_only_issuing_jobs(client, signed_in, session, received):
    signed_in(received.lead)
    other = session.scalar(select(Job.id).where(Job.kind != "issue_batch_invoices"))
    assert client.get(f"/invoices/issuing/{other}").status_code == 404
    assert client.get("/invoices/issuing/999999").status_code == 404


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_leads_asking_at_once_queue_one_job(app, session, received, make, sessions):
    other_lead = make.user("lead", email="second.lead@example.org")
    session.commit()
    clients = []
    for user in (received.lead, other_lead):
        client = app.test_client()
        sign_in(client, user)
        clients.append(client)
    start = threading.Barrier(len(clients))
    answers: list[str] = []
    failures: list[BaseException] = []

    def ask(client) -> None:  # type: ignore[no-untyped-def]
        try:
            start.wait()
            answer = client.post(f"/batches/{received.batch.id}/invoices")
            answers.append(f"{answer.status_code} {answer.headers.get('Location')}")
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=ask, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    jobs = _issuing_jobs(session)
    assert len(jobs) == 1
    assert answers == [f"302 /invoices/issuing/{jobs[0].id}"] * 2
    assert _count(session, MemberInvoice) == 0
    work_jobs(sessions)
    assert _count(session, MemberInvoice) == 2


def test_the_bar_follows_the_invoices_where_the_database_lets_another_connection_write(
    client, signed_in, session, received, sessions, monkeypatch, database_url
):
    monkeypatch.setattr("money.issuing.STORED_AT_ONCE", 1)  # told after each invoice
    seen: list[tuple[int, int]] = []
    told = Progress.__call__

    def watched(self, percent: int, step: str = "") -> None:  # type: ignore[no-untyped-def]
        told(self, percent, step)
        # What the page reads meanwhile, through a connection of its own.
        with sessions() as page:
            seen.append((self.job_id, page.get(Job, self.job_id).progress))

    monkeypatch.setattr(Progress, "__call__", watched)
    signed_in(received.lead)
    client.post(f"/batches/{received.batch.id}/invoices")
    work_jobs(sessions)
    (job,) = _issuing_jobs(session)
    assert job.status == "done" and len(job.result["issued"]) == 2
    bar = [percent for job_id, percent in seen if job_id == job.id]
    if database_url.startswith("sqlite"):
        assert bar == [10]  # the job's transaction holds SQLite's one write lock
    else:
        assert bar == [10, 10 + 85 // 2, 95]
