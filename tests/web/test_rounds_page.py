"""The lead's pooling page: the open round, the rhythm with its preview, the cut-off, closing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from persistence import make_session_factory, utcnow
from persistence.jobs import Job
from purchasing.models import Batch, PoolingSchedule, Round
from purchasing.rounds.rounds import ensure_open_round
from scheduling.jobs import work_jobs


def test_the_lead_sees_the_open_round_and_its_pool(signed_in, make, session):
    lead = make.user("lead")
    product = make.product("Ramette A4 recyclée")
    make.offer(product=product, price="2.40")
    make.need(make.member("Atelier Vélo"), product, quantity="12")
    ensure_open_round(session)
    page = signed_in(lead).get("/rounds/").get_data(as_text=True)
    assert "Tour en cours" in page and "Ramette A4 recyclée" in page
    assert "Clore ce tour maintenant" in page


def test_the_rhythm_is_previewed_in_french_and_saved(signed_in, make, session):
    client = signed_in(make.user("lead"))
    preview = client.post("/rounds/rhythm", data={"cron": "0 10 * * 1", "preview": "1"})
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Tous les lundis à 10 h 00" in text
    assert text.count("lun.") >= 5
    assert session.scalar(select(func.count(PoolingSchedule.id))) in (0, 1)
    saved = client.post("/rounds/rhythm", data={"cron": "0 10 * * 1"})
    assert saved.status_code == 302
    session.expire_all()
    assert session.scalar(select(PoolingSchedule.cron)) == "0 10 * * 1"
    opened = session.scalar(select(Round).where(Round.status == "open"))
    assert opened.cutoff_at > utcnow()


@pytest.mark.parametrize("cron", ["0 10 * *", "0 25 * * *", "tous les lundis", "0 10 * * 9"])
def test_a_wrong_rhythm_is_refused_and_changes_nothing(signed_in, make, session, cron):
    client = signed_in(make.user("lead"))
    answer = client.post("/rounds/rhythm", data={"cron": cron})
    assert answer.status_code == 422
    assert 'class="error"' in answer.get_data(as_text=True)
    session.expire_all()
    assert session.scalar(select(func.count(Round.id))) == 0


def test_a_cutoff_in_the_past_is_refused(signed_in, make, session):
    opened = ensure_open_round(session)
    client = signed_in(make.user("lead"))
    answer = client.post(f"/rounds/{opened.id}/cutoff", data={"cutoff_at": "01/01/2020 10:00"})
    assert answer.status_code == 422
    assert "La clôture doit être dans le futur." in answer.get_data(as_text=True)
    session.expire_all()
    assert session.get(Round, opened.id).cutoff_at is None


def test_closing_by_hand_queues_one_job_worked_by_the_scheduler(signed_in, make, session, engine):
    make.need(make.member(), make.offer().product)
    opened = ensure_open_round(session)
    client = signed_in(make.user("lead"))
    assert client.post(f"/rounds/{opened.id}/close").status_code == 302
    again = client.post(f"/rounds/{opened.id}/close", follow_redirects=True)
    assert "Ce tour est déjà en cours de clôture." in again.get_data(as_text=True)
    session.expire_all()
    assert session.scalar(select(func.count(Job.id)).where(Job.kind == "close_round")) == 1
    assert session.get(Round, opened.id).status == "open"  # no closing inside a web request
    work_jobs(make_session_factory(engine))
    session.expire_all()
    assert session.get(Round, opened.id).status == "closed"
    assert session.scalar(select(func.count(Batch.id))) == 1
    late = client.post(f"/rounds/{opened.id}/close", follow_redirects=True)
    assert "Ce tour est déjà clos." in late.get_data(as_text=True)


def test_members_cannot_open_the_pooling_page(signed_in, make, session):
    client = signed_in(make.user("member"))
    assert client.get("/rounds/").status_code == 403
    opened = ensure_open_round(session)
    session.commit()
    assert client.post(f"/rounds/{opened.id}/close").status_code == 403


def test_a_member_sees_the_next_cutoff_and_a_reminder(signed_in, make, session):
    member = make.member()
    make.need(member, make.offer().product)
    opened = ensure_open_round(session)
    opened.cutoff_at = utcnow() + timedelta(days=1)
    session.commit()
    from scheduling.jobs import remind_members

    remind_members(make_session_factory(session.get_bind()))
    page = signed_in(make.user("member", member=member)).get("/needs/").get_data(as_text=True)
    assert "Prochaine clôture du groupement" in page
    assert "Rappel : le tour se clôt le" in page
