"""The lead's home for the pooling loop, and the job status that pages poll."""

from __future__ import annotations

from flask import jsonify

from persistence.jobs import Job
from purchasing.errors import N_, Message, NotFound
from web import db
from web.access import role_required
from web.rounds import blueprint


@blueprint.get("/jobs/<int:job_id>")
@role_required("lead")
def job_status(job_id: int):  # type: ignore[no-untyped-def]
    """A background job's state as JSON: what `static/jobs.js` polls to update a page."""
    job = db.session().get(Job, job_id)
    if job is None:
        raise NotFound(Message(N_("No such job.")))
    return jsonify(
        id=job.id,
        kind=job.kind,
        status=job.status,
        progress=job.progress,
        step=job.step,
        error=job.error,
    )


@blueprint.get("/")
@role_required("lead")
def home():  # type: ignore[no-untyped-def]
    from flask import render_template

    return render_template("rounds/home.html")
