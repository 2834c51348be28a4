"""Importing a supplier's price list (lead): upload, preview with progress, import, review."""

from __future__ import annotations

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from persistence.jobs import active_job
from purchasing.batches.allocations import offers_in_use
from purchasing.permissions import CHANGE_CATALOG
from scheduling.jobs import work_job
from suppliers import catalog
from suppliers.catalog_file import LABELS
from suppliers.errors import N_, Message
from suppliers.import_undo import UndoRefused, undo_import, undo_refusal
from suppliers.reviews import ReviewRefused, pending_matches, resolve_match
from suppliers.uploads import (
    ANALYSIS_JOB,
    UploadLimits,
    UploadRefused,
    change_mapping,
    confirm_upload,
    start_upload,
    upload_by_id,
)
from web import db
from web.access import allowed_to
from web.catalog import blueprint
from web.errors import refusal
from web.i18n import translate


def _limits() -> UploadLimits:
    return UploadLimits(max_bytes=current_app.config["MAX_UPLOAD_BYTES"])


def _analysis_queued(upload_id: int) -> None:
    """The analysis is queued with the upload: the scheduler works it, and the page follows
    its progress. `IMPORT_ANALYSIS_INLINE` works it here once the request has committed (a
    single process without the scheduler, the tests)."""
    if not current_app.config.get("IMPORT_ANALYSIS_INLINE"):
        return
    job = active_job(db.session(), ANALYSIS_JOB, upload_id=upload_id)
    if job is not None:
        job_id, sessions = job.id, current_app.extensions["coachat.sessions"]

        def work() -> None:
            work_job(sessions, job_id)

        db.after_commit(work)


@blueprint.route("/imports/new", methods=["GET", "POST"])
@allowed_to(CHANGE_CATALOG)
def import_new():
    session = db.session()
    suppliers = catalog.suppliers(session)
    if request.method == "POST":
        supplier = request.form.get("supplier_id", "")
        upload_file = request.files.get("file")
        try:
            if not supplier.isdigit():
                raise UploadRefused(Message(N_("Choose the supplier whose price list this is.")))
            if upload_file is None or not upload_file.filename:
                raise UploadRefused(Message(N_("Choose a CSV or XLSX file.")))
            data = upload_file.read(_limits().max_bytes + 1)
            upload = start_upload(
                session, int(supplier), upload_file.filename, data, _limits(), actor=current_user
            )
        except UploadRefused as refused:
            flash(translate(refused.message), "error")
            return render_template("catalog/imports/new.html", suppliers=suppliers), 422
        _analysis_queued(upload.id)
        return redirect(url_for("catalog.import_show", upload_id=upload.id))
    return render_template("catalog/imports/new.html", suppliers=suppliers)


@blueprint.get("/imports/<int:upload_id>")
@allowed_to(CHANGE_CATALOG)
def import_show(upload_id: int):
    session = db.session()
    upload = upload_by_id(session, upload_id)
    undo_blocked = None
    if upload.status == "imported":
        blocked = undo_refusal(session, upload, lambda ids: offers_in_use(session, ids))
        undo_blocked = translate(blocked) if blocked is not None else None
    return render_template(
        "catalog/imports/show.html", upload=upload, field_labels=LABELS, undo_blocked=undo_blocked
    )


@blueprint.get("/imports/<int:upload_id>/progress")
@allowed_to(CHANGE_CATALOG)
def import_progress(upload_id: int):
    upload = upload_by_id(db.session(), upload_id)
    return jsonify(status=upload.status, done=upload.progress_done, total=upload.progress_total)


@blueprint.post("/imports/<int:upload_id>/mapping")
@allowed_to(CHANGE_CATALOG)
def import_mapping(upload_id: int):
    session = db.session()
    upload = upload_by_id(session, upload_id)
    columns = upload.summary.get("columns", {})
    headers = columns.get("headers", [])
    # Tier columns keep what was recognised; the named fields take the lead's choice.
    mapping: dict[str, str | None] = dict(columns.get("fields", {}))
    for field in LABELS:
        chosen = request.form.get(f"field-{field}")
        if chosen is not None:
            mapping[field] = chosen if chosen in headers else None
    try:
        change_mapping(session, upload.id, mapping, _limits(), actor=current_user)
    except UploadRefused as refused:
        return refusal(refused, url_for("catalog.import_show", upload_id=upload.id))
    _analysis_queued(upload.id)
    return redirect(url_for("catalog.import_show", upload_id=upload.id))


@blueprint.post("/imports/<int:upload_id>/confirm")
@allowed_to(CHANGE_CATALOG)
def import_confirm(upload_id: int):
    try:
        _upload, result = confirm_upload(
            db.session(),
            upload_id,
            _limits(),
            actor=current_user,
            complete=request.form.get("complete") == "1",
        )
    except UploadRefused as refused:
        # The preview, refreshed against the catalog as it is now, shows why: it is kept.
        to = url_for("catalog.import_show", upload_id=upload_id)
        return refusal(refused, to, keep_changes=True)
    flash(
        _(
            "Imported: %(created)d offers created, %(updated)d updated, %(deactivated)d "
            "deactivated, %(new)d new products, %(review)d lines to review.",
            created=result.created,
            updated=result.updated,
            deactivated=result.deactivated,
            new=result.new_products,
            review=result.to_review,
        )
    )
    return redirect(url_for("catalog.import_show", upload_id=upload_id))


@blueprint.post("/imports/<int:upload_id>/undo")
@allowed_to(CHANGE_CATALOG)
def import_undo(upload_id: int):
    session = db.session()
    try:
        result = undo_import(
            session,
            upload_id,
            offer_in_use=lambda ids: offers_in_use(session, ids),
            actor=current_user,
        )
    except UndoRefused as refused:
        return refusal(refused, url_for("catalog.import_show", upload_id=upload_id))
    flash(
        _(
            "Import undone: %(removed)d offers removed, %(restored)d restored, "
            "%(reactivated)d reactivated, %(withdrawn)d products withdrawn.",
            removed=result.removed,
            restored=result.restored,
            reactivated=result.reactivated,
            withdrawn=result.withdrawn_products,
        )
    )
    return redirect(url_for("catalog.import_show", upload_id=upload_id))


@blueprint.get("/matches")
@allowed_to(CHANGE_CATALOG)
def matches():
    session = db.session()
    products = catalog.products(session, limit=5000)
    return render_template(
        "catalog/imports/matches.html", matches=pending_matches(session), products=products
    )


@blueprint.post("/matches/<int:match_id>")
@allowed_to(CHANGE_CATALOG)
def match_resolve(match_id: int):
    session = db.session()
    choice = request.form.get("product_id", "")
    try:
        if choice == "new":
            resolve_match(session, match_id, None, actor=current_user)
        elif choice.isdigit():
            resolve_match(session, match_id, int(choice), actor=current_user)
        else:
            raise ReviewRefused(Message(N_("Choose a product, or make it a new one.")))
    except ReviewRefused as refused:
        return refusal(refused, url_for("catalog.matches"))
    flash(_("Match recorded."))
    return redirect(url_for("catalog.matches"))
