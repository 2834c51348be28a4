"""An admin keeps each member's delivery sites; a site still expecting goods stays open."""

from __future__ import annotations

from sqlalchemy import select

from purchasing.models import DeliverySite
from tests.conftest import sign_in

SITE = {
    "name": "Atelier mobile",
    "address": "Parc de la Pépinière",
    "postcode": "54000",
    "town": "Nancy",
    "latitude": "48,6975",
    "longitude": "6,185",
}


def test_the_admin_adds_changes_closes_and_reopens_a_site(signed_in, make, session, app):
    member = make.member("Atelier Vélo Solidaire")
    client = signed_in(make.user("admin"))
    assert client.post(f"/admin/members/{member.id}/sites/new", data=SITE).status_code == 302
    session.expire_all()
    site = session.scalar(select(DeliverySite).where(DeliverySite.name == "Atelier mobile"))
    assert site is not None and site.active and round(site.latitude, 4) == 48.6975
    page = client.get(f"/admin/members/{member.id}").get_data(as_text=True)
    assert "Atelier mobile" in page and "Parc de la Pépinière" in page
    changed = client.post(f"/admin/sites/{site.id}", data=SITE | {"town": "Vandœuvre"})
    assert changed.status_code == 302
    assert client.post(f"/admin/sites/{site.id}/close").status_code == 302
    session.expire_all()
    site = session.get(DeliverySite, site.id)
    assert site.town == "Vandœuvre" and not site.active
    claire = make.user("member", member=member)
    session.commit()
    other = app.test_client()
    sign_in(other, claire)
    form = other.get("/needs/new").get_data(as_text=True)
    assert "Atelier mobile —" not in form and "Siège —" in form
    assert client.post(f"/admin/sites/{site.id}/open").status_code == 302
    session.expire_all()
    assert session.get(DeliverySite, site.id).active


def test_a_site_with_open_needs_or_the_last_open_site_stays_open(signed_in, make, session):
    member = make.member()
    site = member.sites[0]
    make.need(member)
    client = signed_in(make.user("admin"))
    refused = client.post(f"/admin/sites/{site.id}/close", follow_redirects=True)
    assert "attendent encore des marchandises" in refused.get_data(as_text=True)
    session.expire_all()
    assert session.get(DeliverySite, site.id).active


def test_a_site_with_bad_values_is_refused_and_nothing_is_added(signed_in, make, session):
    member = make.member()
    client = signed_in(make.user("admin"))
    answer = client.post(
        f"/admin/members/{member.id}/sites/new", data=SITE | {"latitude": "95", "name": ""}
    )
    assert answer.status_code == 422
    session.expire_all()
    assert len(session.scalars(select(DeliverySite)).all()) == 1


def test_members_cannot_manage_sites(signed_in, make, session):
    member = make.member()
    client = signed_in(make.user("member", member=member))
    assert client.post(f"/admin/sites/{member.sites[0].id}/close").status_code == 403
