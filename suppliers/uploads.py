"""Uploaded price lists: kept in the database, analysed with progress, imported once.

The analysis is a job (`ANALYSIS_JOB`), queued in the transaction that takes the file or
changes its columns and worked by the scheduler process: a web worker that restarts loses
nothing, and the page follows its progress from the upload's row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from persistence import unit_of_work, utcnow
from persistence.audit import Actor, record_event
from persistence.jobs import Job, enqueue
from suppliers.errors import N_, Message, NotFound, Refused
from suppliers.imports import ImportResult, apply_import, plan_import
from suppliers.models import CatalogUpload, Supplier

PROGRESS_EVERY = 500
ANALYSIS_JOB = "analyse_upload"
FINISHED = ("imported", "undone")


class UploadRefused(Refused):
    """The upload cannot be taken or imported: no supplier, an empty or oversized file, a file
    with errors, one already imported or one whose import was undone."""


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int = 5 * 1024 * 1024
    max_rows: int = 20_000

    def as_json(self) -> dict[str, int]:
        return {"max_bytes": self.max_bytes, "max_rows": self.max_rows}

    @classmethod
    def from_json(cls, data: dict[str, int]) -> UploadLimits:
        return cls(**{key: int(data[key]) for key in ("max_bytes", "max_rows") if key in data})


def _queue_analysis(
    session: Session, upload: CatalogUpload, limits: UploadLimits, actor: Actor | None
) -> Job:
    return enqueue(
        session,
        ANALYSIS_JOB,
        {"upload_id": upload.id, "limits": limits.as_json()},
        actor_id=actor.id if actor is not None else None,
    )


def start_upload(
    session: Session,
    supplier_id: int,
    filename: str,
    data: bytes,
    limits: UploadLimits,
    *,
    actor: Actor | None,
) -> CatalogUpload:
    """Keeps a price list and queues its analysis; an empty or oversized file is refused at
    once. Flushes; the caller commits."""
    if session.get(Supplier, supplier_id) is None:
        raise UploadRefused(Message(N_("Choose the supplier whose price list this is.")))
    if not data:
        raise UploadRefused(Message(N_("The file is empty: nothing was imported.")))
    if len(data) > limits.max_bytes:
        raise UploadRefused(
            Message(
                N_(
                    "The file is %(size)s MB, more than the %(limit)s MB accepted: nothing was "
                    "imported."
                ),
                {
                    "size": f"{len(data) / 1_048_576:.1f}",
                    "limit": f"{limits.max_bytes / 1_048_576:.0f}",
                },
            )
        )
    upload = CatalogUpload(
        supplier_id=supplier_id,
        filename=(filename or "catalogue")[:255],
        data=data,
        created_by_id=actor.id if actor is not None else None,
        status="analysing",
    )
    session.add(upload)
    session.flush()
    _queue_analysis(session, upload, limits, actor)
    record_event(
        session, "catalog.upload", "catalog_upload", upload.id, actor=actor, file=upload.filename
    )
    return upload


def analyse_upload(sessions: sessionmaker[Session], upload_id: int, limits: UploadLimits) -> None:
    """Builds the preview of an upload, recording progress as rows are checked.

    The work of the analysis job: it commits its progress and its result in their own units of
    work. Run again (a retry after an interruption), it analyses again; it leaves alone an
    upload imported or undone meanwhile, and a result for columns changed meanwhile, which the
    analysis queued by that change gives.
    """
    with unit_of_work(sessions, commit=False) as session:
        upload = session.get(CatalogUpload, upload_id)
        if upload is None or upload.status in FINISHED:
            return
        data, filename, mapping = upload.data, upload.filename, upload.mapping
        supplier_id = upload.supplier_id

    def record(done: int, total: int) -> None:
        with unit_of_work(sessions) as progress_session:
            progress_session.execute(
                update(CatalogUpload)
                .where(CatalogUpload.id == upload_id)
                .values(progress_done=done, progress_total=total)
            )

    throttled = _every(PROGRESS_EVERY, record)
    try:
        with unit_of_work(sessions, commit=False) as session:
            plan = plan_import(
                session,
                supplier_id,
                data,
                filename,
                mapping,
                max_rows=limits.max_rows,
                max_bytes=limits.max_bytes,
                progress=throttled,
            )
            summary = plan.summary()
        status = "ready" if plan.ok else "invalid"
    except Exception as error:  # an unexpected file must still end the analysis visibly
        summary = {"ok": False, "messages": [f"Analyse impossible : {error}"], "error_count": 1}
        status = "failed"
    with unit_of_work(sessions) as session:
        upload = session.scalar(
            select(CatalogUpload).where(CatalogUpload.id == upload_id).with_for_update()
        )
        if upload is not None and upload.status not in FINISHED and upload.mapping == mapping:
            upload.summary = summary
            upload.status = status
            upload.progress_done = upload.progress_total = summary.get("rows", 0)


def _every(step: int, callback: Callable[[int, int], None]) -> Callable[[int, int], None]:
    last = [-step]

    def call(done: int, total: int) -> None:
        if done - last[0] >= step or done == total:
            last[0] = done
            callback(done, total)

    return call


def upload_by_id(session: Session, upload_id: int) -> CatalogUpload:
    upload = session.get(CatalogUpload, upload_id)
    if upload is None:
        raise NotFound(Message(N_("This file does not exist.")))
    return upload


def change_mapping(
    session: Session,
    upload_id: int,
    mapping: dict[str, str | None],
    limits: UploadLimits,
    *,
    actor: Actor | None,
) -> CatalogUpload:
    """Sets how columns map to fields and queues the upload's analysis again. Flushes; the
    caller commits."""
    upload = _pending(session, upload_id)
    upload.mapping = mapping
    upload.status = "analysing"
    upload.progress_done = upload.progress_total = 0
    session.flush()
    _queue_analysis(session, upload, limits, actor)
    record_event(session, "catalog.mapping", "catalog_upload", upload.id, actor=actor)
    return upload


def _pending(session: Session, upload_id: int) -> CatalogUpload:
    upload = session.scalar(
        select(CatalogUpload).where(CatalogUpload.id == upload_id).with_for_update()
    )
    if upload is None:
        raise UploadRefused(Message(N_("This file does not exist.")))
    if upload.status == "imported":
        raise UploadRefused(Message(N_("This file has already been imported.")))
    if upload.status == "undone":
        raise UploadRefused(
            Message(N_("This import was undone: upload the file again to import it."))
        )
    return upload


def confirm_upload(
    session: Session,
    upload_id: int,
    limits: UploadLimits,
    *,
    actor: Actor | None,
    complete: bool = False,
) -> tuple[CatalogUpload, ImportResult]:
    """Imports a previewed upload, all of it or nothing, exactly once.

    The file is checked again against the catalog as it is now; the row lock makes a second
    confirmation wait and then find the upload imported. `complete` says the lead chose to
    treat the file as the supplier's whole catalog: its offers missing from it are deactivated.
    """
    upload = _pending(session, upload_id)
    if upload.status != "ready":
        raise UploadRefused(Message(N_("The file has errors: correct it before importing.")))
    plan = plan_import(
        session,
        upload.supplier_id,
        upload.data,
        upload.filename,
        upload.mapping,
        complete=complete,
        max_rows=limits.max_rows,
        max_bytes=limits.max_bytes,
    )
    if not plan.ok:
        upload.status = "invalid"
        upload.summary = plan.summary()
        session.flush()
        raise UploadRefused(Message(N_("The file has errors: nothing was imported.")))
    result = apply_import(session, plan, actor=actor)
    upload.status = "imported"
    upload.imported_at = utcnow()
    upload.summary = {**plan.summary(), "result": result.counts()}
    upload.journal = result.journal
    session.flush()
    return upload, result
