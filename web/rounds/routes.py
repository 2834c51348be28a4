"""The lead's home for the pooling loop: the open round, its rhythm and cut-off, closing it, the
batches waiting; and the state of background jobs, which pages poll while they run."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from persistence.jobs import Job, active_job
from purchasing.batches.batches import batches
from purchasing.errors import N_, Conflict, Invalid, Message, NotFound
from purchasing.needs.needs_list import needs_waiting_match
from purchasing.rounds.open_round import pools, summary
from purchasing.rounds.rhythm import read_cron
from purchasing.rounds.rounds import (
    open_round,
    pooling_schedule,
    request_close,
    rounds,
    set_cutoff,
    set_rhythm,
)
from scheduling.jobs import notices_for
from web import db
from web.access import role_required
from web.batches.labels import JOB_STEP_LABELS
from web.errors import errors_on_form, refusal
from web.rounds import blueprint
from web.rounds.forms import CutoffForm, RhythmForm
from web.rounds.rhythm_text import describe, upcoming


def _home(rhythm_form: RhythmForm | None = None, cutoff_form: CutoffForm | None = None) -> str:
    session = db.session()
    schedule = pooling_schedule(session)
    current = open_round(session)
    rhythm_form = rhythm_form or RhythmForm(data={"cron": schedule.cron})
    preview_cron = rhythm_form.cron.data if not rhythm_form.errors else schedule.cron
    try:
        preview = read_cron(preview_cron) if preview_cron else ""
    except Invalid:
        preview = ""
    closing = active_job(session, "close_round", round_id=current.id) if current else None
    waiting_match = needs_waiting_match(session)
    return render_template(
        "rounds/home.html",
        schedule=schedule,
        current=current,
        figures=summary(session),
        pools=pools(session),
        rhythm_form=rhythm_form,
        cutoff_form=cutoff_form or CutoffForm(),
        rhythm_words=describe(preview) if preview else "",
        rhythm_next=upcoming(preview) if preview else [],
        closing=closing,
        waiting=batches(session, "proposed"),
        notices=notices_for(session, "leads"),
        awaiting_match=waiting_match,
        history=rounds(session, limit=12),
    )


@blueprint.get("/")
@role_required("lead")
def home() -> ResponseReturnValue:
    return _home()


@blueprint.post("/rhythm")
@role_required("lead")
def rhythm() -> ResponseReturnValue:
    form = RhythmForm()
    if not form.validate_on_submit():
        return _home(rhythm_form=form), 422
    if request.form.get("preview"):
        try:
            read_cron(form.cron.data or "")
        except Invalid as error:
            errors_on_form(form, error)
            return _home(rhythm_form=form), 422
        return _home(rhythm_form=form)
    try:
        set_rhythm(db.session(), form.cron.data or "", actor=current_user)
    except Invalid as error:
        errors_on_form(form, error)
        return _home(rhythm_form=form), 422
    flash(_("The rhythm is saved: the open round now closes at its next cut-off."))
    return redirect(url_for("rounds.home"))


@blueprint.post("/<int:round_id>/cutoff")
@role_required("lead")
def cutoff(round_id: int) -> ResponseReturnValue:
    form = CutoffForm()
    if not form.validate_on_submit():
        return _home(cutoff_form=form), 422
    try:
        set_cutoff(db.session(), round_id, form.cutoff_at.data or "", actor=current_user)
    except Invalid as error:
        errors_on_form(form, error)
        return _home(cutoff_form=form), 422
    except Conflict as error:
        return refusal(error, url_for("rounds.home"))
    flash(_("The cut-off of this round is moved."))
    return redirect(url_for("rounds.home"))


@blueprint.post("/<int:round_id>/close")
@role_required("lead")
def close(round_id: int) -> ResponseReturnValue:
    try:
        request_close(db.session(), round_id, actor=current_user)
    except Conflict as error:
        return refusal(error, url_for("rounds.home"), "warning")
    flash(_("The round is closing: its batch appears below once the needs are pooled."))
    return redirect(url_for("rounds.home"))


@blueprint.get("/jobs/<int:job_id>")
@role_required("lead")
def job_status(job_id: int) -> ResponseReturnValue:
    """A background job's state as JSON: what `static/jobs.js` polls to update a page."""
    job = db.session().get(Job, job_id)
    if job is None:
        raise NotFound(Message(N_("No such job.")))
    return jsonify(
        id=job.id,
        kind=job.kind,
        status=job.status,
        progress=job.progress,
        step=str(JOB_STEP_LABELS.get(job.step, job.step)),
        error=job.error,
    )
