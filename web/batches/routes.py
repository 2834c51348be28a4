"""The lead's batches: the list, one batch's review, scenarios, the frontier, the decision."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from money.batch_result import BatchResult, batch_result
from purchasing.batches import batch_review, transport_review
from purchasing.batches.batches import (
    batch_for,
    batches,
    request_frontier,
    request_scenario,
)
from purchasing.batches.comparison import compare
from purchasing.errors import Conflict, Invalid, NotAllowed
from purchasing.models import Batch
from purchasing.rounds.policies import ScenarioPolicy, policy_from_json, read_policy
from web import db
from web.access import role_required
from web.batches import blueprint, charts
from web.batches.forms import ScenarioForm, policy_form_data
from web.batches.labels import (
    BATCH_STATUS_LABELS,
    JOB_STEP_LABELS,
    NEED_OUTCOME_LABELS,
    SOLVE_STATUS_LABELS,
)
from web.errors import errors_on_form, refusal
from web.i18n import money
from web.params import id_arg


@blueprint.get("/")
@role_required("lead")
def index() -> ResponseReturnValue:
    return render_template(
        "batches/index.html",
        batches=batches(db.session()),
        batch_status_labels=BATCH_STATUS_LABELS,
    )


@blueprint.get("/<id:batch_id>")
@role_required("lead")
def show(batch_id: int) -> ResponseReturnValue:
    return _batch_page(batch_id)


@blueprint.post("/<id:batch_id>/scenarios")
@role_required("lead")
def rerun(batch_id: int) -> ResponseReturnValue:
    form = ScenarioForm()
    session = db.session()
    try:
        scenario = request_scenario(
            session, batch_id, read_policy(form.values()), actor=current_user
        )
    except Invalid as error:
        errors_on_form(form, error)
        flash(_("The scenario was not computed: please correct the fields marked below."), "error")
        return _batch_page(batch_id, scenario_form=form, status=422)
    except Conflict as error:
        return refusal(error, url_for("batches.show", batch_id=batch_id), "warning")
    flash(_("Scenario %(number)d is being computed.", number=scenario.number))
    return redirect(url_for("batches.show", batch_id=batch_id, scenario=scenario.number))


@blueprint.post("/<id:batch_id>/frontier")
@role_required("lead")
def frontier(batch_id: int) -> ResponseReturnValue:
    try:
        request_frontier(db.session(), batch_id, actor=current_user)
    except Conflict as error:
        return refusal(error, url_for("batches.show", batch_id=batch_id), "warning")
    flash(_("The cost-versus-ecology frontier is being computed."))
    return redirect(url_for("batches.show", batch_id=batch_id, _anchor="frontier"))


def selected_scenario(batch: Batch, reviews: dict[int, batch_review.ScenarioReview]) -> int | None:
    """The scenario shown in detail: the one asked for, else the approved one, else the
    first computed."""
    asked = id_arg("scenario")
    numbers = [scenario.number for scenario in batch.scenarios]
    if asked in numbers:
        return asked
    if batch.chosen is not None:
        return batch.chosen.number
    return min(reviews) if reviews else (numbers[0] if numbers else None)


def _batch_page(
    batch_id: int,
    *,
    scenario_form: ScenarioForm | None = None,
    status: int = 200,
) -> Any:
    session = db.session()
    batch = batch_for(session, batch_id)
    reviews = batch_review.review_scenarios(session, batch)
    selected = selected_scenario(batch, reviews)
    policies = {s.number: policy_from_json(s.policy or {}) for s in batch.scenarios}
    if scenario_form is None:
        first = policies[batch.scenarios[0].number] if batch.scenarios else None
        base = first or policy_from_json(batch.policy or {})
        scenario_form = ScenarioForm(data=policy_form_data(base))
    in_order = [reviews[number] for number in sorted(reviews)]
    comparison = compare(in_order) if len(in_order) > 1 else None
    shown = reviews.get(selected) if selected is not None else None
    chosen = next((s for s in batch.scenarios if s.number == selected), None)
    return render_template(
        "batches/show.html",
        batch=batch,
        reviews=reviews,
        selected=selected,
        shown=shown,
        comparison=comparison,
        frontier_job=batch_review.frontier_job(session, batch.id),
        frontier_chart=_frontier_chart(batch, in_order),
        frontier_rows=_frontier_rows(batch),
        policies=policies,
        rule_texts={number: _rule_texts(policy) for number, policy in policies.items()},
        savings_chart=_savings_chart(shown),
        transport=transport_review.transport_of(session, chosen.result)
        if shown is not None and chosen is not None
        else None,
        batch_point=transport_review.closed_with_point(session, batch.problem or {}),
        awaiting=batch_review.awaiting_match(session, batch),
        scenario_form=scenario_form,
        batch_status_labels=BATCH_STATUS_LABELS,
        solve_status_labels=SOLVE_STATUS_LABELS,
        outcome_labels=NEED_OUTCOME_LABELS,
        step_labels=JOB_STEP_LABELS,
        result=_result(batch),
    ), status


def _result(batch: Batch) -> BatchResult | None:
    """The batch's result once its orders are placed, for a lead who may see the books."""
    if batch.status not in ("ordered", "closed"):
        return None
    try:
        return batch_result(db.session(), batch.id, actor=current_user)
    except NotAllowed:
        return None


def _rule_texts(policy: ScenarioPolicy) -> list[str]:
    """The hard rules of a scenario's policy, in words."""
    texts = []
    if policy.min_average_eco is not None:
        texts.append(_("eco score at least %(value)s", value=policy.min_average_eco))
    if policy.budget_cap is not None:
        texts.append(_("budget at most %(value)s", value=money(policy.budget_cap)))
    if policy.max_suppliers_per_product is not None:
        texts.append(
            _(
                "at most %(value)s suppliers per product",
                value=policy.max_suppliers_per_product,
            )
        )
    if policy.min_local_share is not None:
        texts.append(_("at least %(value)s %% from local suppliers", value=policy.min_local_share))
    if policy.min_social_economy_share is not None:
        texts.append(
            _(
                "at least %(value)s %% from the social economy",
                value=policy.min_social_economy_share,
            )
        )
    if policy.single_supplier_per_need:
        texts.append(_("one supplier per need"))
    if policy.deliver_to_collection_point:
        texts.append(_("delivered to the collection point"))
    if policy.delivery_cost_per_km is not None:
        texts.append(
            _(
                "delivery round trips at %(value)s per km",
                value=money(policy.delivery_cost_per_km),
            )
        )
    return texts


def _frontier_rows(batch: Batch) -> list[dict[str, Any]]:
    """The frontier's points with numbers as numbers (money as Decimal)."""

    def number(value: object) -> Decimal | None:
        return None if value in (None, "") else Decimal(str(value))

    return [
        {
            "eco_floor": number(point.get("eco_floor")),
            "eco_score": number(point.get("eco_score")),
            "total_cost": number(point.get("total_cost")),
            "needs_unserved": point.get("needs_unserved", 0),
        }
        for point in batch.frontier or []
    ]


def _whole_euros(amount: Decimal) -> str:
    return money(amount.quantize(Decimal(1))).replace(",00", "").replace(".00", "")


def _frontier_chart(batch: Batch, reviews: list[batch_review.ScenarioReview]) -> Any:
    points = [
        charts.FrontierPoint(Decimal(str(p["eco_score"])), Decimal(str(p["total_cost"])))
        for p in batch.frontier or []
        if p.get("eco_score") is not None and p.get("total_cost") is not None
    ]
    if not points:
        return None
    marks = [
        charts.ScenarioMark(r.number, r.indicators.eco_score, r.indicators.total_cost)
        for r in reviews
        if r.indicators.eco_score is not None
    ]
    return charts.frontier_chart(
        points,
        marks,
        title=_("Cost against ecology"),
        description=_(
            "Total cost excl. VAT of the cheapest solution for each minimum eco score, "
            "from %(low)s to %(high)s; the squares are this batch's scenarios.",
            low=_whole_euros(min(p.total_cost for p in points)),
            high=_whole_euros(max(p.total_cost for p in points)),
        ),
        x_label=_("Average eco score (0–100)"),
        y_label=_("Total excl. VAT"),
        scenario_label=lambda number: _("Scenario %(number)d", number=number),
        money=_whole_euros,
    )


def _savings_chart(shown: batch_review.ScenarioReview | None) -> Any:
    if shown is None or not shown.by_member:
        return None
    return charts.savings_chart(
        [charts.MemberBar(m.member, m.total, m.alone_total, m.savings) for m in shown.by_member],
        title=_("Savings per member, scenario %(number)d", number=shown.number),
        description=_(
            "For each member, what it pays pooled against what it would pay buying alone; "
            "the amount written at the end is the saving."
        ),
        pooled_label=_("pooled"),
        alone_label=_("alone"),
        money=money,
    )
