"""Pooling rounds: everyone reads them; a lead moves the cut-off, sets the rhythm and closes
a round by hand (which queues the closing for the scheduler)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from purchasing.batches.batches import job_by_id
from purchasing.models import ROUND_STATUSES, PoolingSchedule, Round
from purchasing.rounds.rounds import (
    pooling_schedule,
    request_close,
    round_by_id,
    rounds_page,
    set_cutoff,
    set_rhythm,
)
from web import db
from web.api import ID, blueprint
from web.api.auth import caller, leads_only, members_and_leads
from web.api.schemas import JobSchema, PageArgs, page_of

TAGS = ["rounds"]


class RoundSchema(Schema):
    """A pooling window: needs submitted before its cut-off are optimised together."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": list(ROUND_STATUSES)})
    opens_at = fields.DateTime(required=True)
    cutoff_at = fields.DateTime(required=True, allow_none=True)
    closed_at = fields.DateTime(required=True, allow_none=True)
    batch_id = fields.Function(
        lambda found: found.batch.id if found.batch else None, required=True, allow_none=True
    )


RoundPage = page_of(RoundSchema, "RoundPage")


class CutoffIn(Schema):
    cutoff_at = fields.AwareDateTime(
        required=True, metadata={"description": "An instant in the future, with its offset."}
    )


class RhythmIn(Schema):
    cron = fields.String(
        required=True,
        validate=validate.Length(min=1, max=120),
        metadata={"description": "Five cron fields, in Europe/Paris.", "example": "0 10 * * 1"},
    )


class RhythmSchema(Schema):
    cron = fields.String(required=True)
    updated_at = fields.DateTime(required=True)


@blueprint.route("/rounds", tags=TAGS)
@members_and_leads
@blueprint.arguments(PageArgs, location="query")
@blueprint.response(200, RoundPage)
def list_rounds(args: dict[str, Any]) -> Any:
    """The rounds, newest first."""
    return rounds_page(db.session(), args["page"], args["per_page"])


@blueprint.route(f"/rounds/<{ID}:round_id>", tags=TAGS)
@members_and_leads
@blueprint.response(200, RoundSchema)
def show_round(round_id: int) -> Round:
    return round_by_id(db.session(), round_id)


@blueprint.route(f"/rounds/<{ID}:round_id>/cutoff", methods=["PUT"], tags=TAGS)
@leads_only
@blueprint.arguments(CutoffIn)
@blueprint.response(200, RoundSchema)
def move_cutoff(data: dict[str, Any], round_id: int) -> Round:
    """Moves the cut-off of the open round (409 when it is closed)."""
    return set_cutoff(db.session(), round_id, data["cutoff_at"], actor=caller())


@blueprint.route(f"/rounds/<{ID}:round_id>/close", methods=["POST"], tags=TAGS)
@leads_only
@blueprint.response(202, JobSchema)
def close(round_id: int) -> Any:
    """Closes the round now: the closing is queued for the scheduler; follow its job."""
    session = db.session()
    return job_by_id(session, request_close(session, round_id, actor=caller()))


@blueprint.route("/rounds/rhythm", tags=TAGS)
@leads_only
@blueprint.response(200, RhythmSchema)
def rhythm() -> PoolingSchedule:
    """The rhythm of the rounds."""
    return pooling_schedule(db.session())


@blueprint.route("/rounds/rhythm", methods=["PUT"], tags=TAGS)
@leads_only
@blueprint.arguments(RhythmIn)
@blueprint.response(200, RhythmSchema)
def change_rhythm(data: dict[str, Any]) -> PoolingSchedule:
    """Sets the rhythm; the open round's cut-off moves to the rhythm's next one."""
    return set_rhythm(db.session(), data["cron"], actor=caller())


@blueprint.route(f"/jobs/<{ID}:job_id>", tags=["jobs"])
@leads_only
@blueprint.response(200, JobSchema)
def job(job_id: int) -> Any:
    """A job of the scheduler: closing a round, computing a scenario or a frontier, issuing
    a batch's invoices or a year's dues. Poll it until it is done or failed."""
    return job_by_id(db.session(), job_id)
