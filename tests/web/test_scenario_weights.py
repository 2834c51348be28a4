"""A scenario's weights are percentages that total 100, on the page, in the API and on the
command line alike (`read_policy`); a scenario kept from before shows the shares it was
computed with. And the API's indicators are the optimizer's, field for field."""

from __future__ import annotations

import dataclasses

from click.testing import CliRunner
from sqlalchemy import func, select

from optimizer.solution import Indicators
from persistence.jobs import Job
from purchasing.models import Batch, Scenario
from scheduling.jobs import work_jobs
from tests.purchasing.test_batch_review import a_closed_batch
from tests.web.api_world import build_world
from tests.web.test_batch_page import text_of
from web.api.batches import IndicatorsSchema
from web.cli import main

TOO_MUCH = {"cost": "50", "delay": "10", "eco": "60"}
TOLD = "Les poids sont des pourcentages dont la somme doit faire 100 ; ceux-ci font 120."


def scenarios_and_jobs(session) -> tuple[int, int]:
    session.expire_all()
    return (
        session.scalar(select(func.count(Scenario.id))),
        session.scalar(select(func.count(Job.id))),
    )


def test_the_page_refuses_weights_that_do_not_total_100(session, make, sessions, signed_in):
    coop = a_closed_batch(session, make, sessions)
    before = scenarios_and_jobs(session)
    client = signed_in(make.user("lead"))
    refused = client.post(f"/batches/{coop.batch_id}/scenarios", data=TOO_MUCH)
    assert refused.status_code == 422
    assert TOLD in text_of(refused)
    assert scenarios_and_jobs(session) == before
    taken = client.post(
        f"/batches/{coop.batch_id}/scenarios", data={"cost": "50", "delay": "", "eco": "50"}
    )
    assert taken.status_code == 302  # an empty weight is 0
    assert scenarios_and_jobs(session) == (before[0] + 1, before[1] + 1)


def test_the_api_refuses_weights_that_do_not_total_100(client, session, make):
    world = build_world(session, make)
    url = f"/api/v1/batches/{world.batch.id}/scenarios"
    before = scenarios_and_jobs(session)
    weights = {name: int(value) for name, value in TOO_MUCH.items()}
    refused = client.post(url, json=weights, headers=world.headers("lead"))
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"]["cost"] == TOLD
    english = client.post(url, json=weights, headers=world.headers("lead", "en"))
    assert "must total 100; these total 120" in english.get_json()["error"]["fields"]["cost"]
    assert scenarios_and_jobs(session) == before
    defaults = client.post(url, json={}, headers=world.headers("lead"))
    assert defaults.status_code == 202
    detail = client.get(f"{url}/{defaults.get_json()['number']}", headers=world.headers("lead"))
    assert detail.get_json()["policy"]["weights"] == {"cost": 60, "delay": 10, "eco": 30}


def run(database_url, monkeypatch, *args):
    monkeypatch.setenv("DATABASE_URL", database_url)
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_the_command_line_refuses_weights_that_do_not_total_100(
    database_url, session, make, sessions, monkeypatch
):
    coop = a_closed_batch(session, make, sessions)
    before = scenarios_and_jobs(session)
    weights = [f"--{name}={value}" for name, value in TOO_MUCH.items()]
    refused = run(database_url, monkeypatch, "batches", "scenario", str(coop.batch_id), *weights)
    assert refused.exit_code == 2
    assert "cost: The weights are percentages and must total 100; these total 120." in (
        refused.output
    )
    assert scenarios_and_jobs(session) == before
    exported = run(database_url, monkeypatch, "needs", "export-problem", *weights)
    assert exported.exit_code == 2 and "these total 120" in exported.output

    asked = ["--cost", "20", "--eco", "80", "--budget-cap", "500", "--single-supplier-per-need"]
    queued = run(database_url, monkeypatch, "batches", "scenario", str(coop.batch_id), *asked)
    assert queued.exit_code == 0, queued.output
    assert "Scenario 2 of batch" in queued.output
    session.expire_all()
    second = session.scalar(select(Scenario).where(Scenario.number == 2))
    assert second.policy["weights"] == {"cost": 20, "delay": 0, "eco": 80}
    assert second.policy["rules"]["budget_cap"] == "500"
    assert second.policy["rules"]["single_supplier_per_need"] is True


def test_a_scenario_kept_from_before_shows_the_shares_it_was_computed_with(
    database_url, session, make, sessions, monkeypatch, signed_in
):
    coop = a_closed_batch(session, make, sessions)
    batch = session.get(Batch, coop.batch_id)
    kept = batch.scenarios[0]
    kept.policy = {**kept.policy, "weights": {"cost": 50, "delay": 10, "eco": 60}}
    session.commit()

    page = signed_in(make.user("lead")).get(f"/batches/{coop.batch_id}")
    assert page.status_code == 200
    shown = text_of(page)
    assert "42 % / 8 % / 50 %" in shown
    assert "saisis 50 / 10 / 60, comptés en proportion" in shown
    html = page.get_data(as_text=True)
    assert 'name="cost" type="text" value="42"' in html  # offered as weights that total 100
    assert 'name="delay" type="text" value="8"' in html

    listed = run(database_url, monkeypatch, "batches", "show", str(coop.batch_id))
    assert "weights cost 42 / delay 8 / eco 50" in listed.output

    # The frontier is computed under the kept policy: it still reads.
    client = signed_in(make.user("lead", email="other@coop.fr"))
    assert client.post(f"/batches/{coop.batch_id}/frontier").status_code == 302
    assert work_jobs(sessions) == 1
    session.expire_all()
    assert session.get(Batch, coop.batch_id).frontier


def test_a_damaged_result_is_refused_with_its_place(session, make, sessions, signed_in):
    coop = a_closed_batch(session, make, sessions)
    kept = session.get(Batch, coop.batch_id).scenarios[0]
    damaged = dict(kept.result)
    damaged["allocations"] = [{**damaged["allocations"][0], "quantity": "beaucoup"}]
    kept.result = damaged
    session.commit()
    page = signed_in(make.user("lead")).get(f"/batches/{coop.batch_id}")
    assert page.status_code == 422
    assert "allocations[0].quantity: must be a decimal number" in text_of(page)


def test_the_api_indicators_are_the_optimizer_s_field_for_field():
    published = {field.attribute or name for name, field in IndicatorsSchema().fields.items()}
    own = {field.name for field in dataclasses.fields(Indicators)}
    derived = {name for name, value in vars(Indicators).items() if isinstance(value, property)}
    assert published == own | derived
