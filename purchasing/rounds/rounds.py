"""Pooling rounds: the open round, its rhythm and cut-off, and closing it exactly once.

Closing a round is one transaction. It starts with a conditional update of the round
(`open` → `closed`), so of two closings at the same moment (the schedule and the lead, or two
scheduler processes) only one finds the round open; the other changes nothing. The needs are
then taken with one conditional update (`submitted` → `pooled`, which also moves their version,
so a member's change made meanwhile is refused rather than lost); a need submitted while the
round closes is either taken or left for the next round, never both. A process killed halfway
leaves nothing behind: the transaction is rolled back and the round is still open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from optimizer.jsonout import problem_to_dict
from persistence import utcnow
from persistence.audit import Actor, record_event
from persistence.jobs import active_job, enqueue
from persistence.pages import Page, paginate
from purchasing.clock import COOPERATIVE_TIMEZONE, cooperative_today
from purchasing.errors import N_, Conflict, Invalid, Message, NotFound
from purchasing.models import Batch, Need, PoolingSchedule, Round, Scenario
from purchasing.parsing import parse_date
from purchasing.permissions import CLOSE_ROUND, PLAN_ROUNDS, require
from purchasing.rounds.policies import ScenarioPolicy, policy_from_json
from purchasing.rounds.problem import build_problem
from purchasing.rounds.rhythm import next_cutoffs, read_cron
from purchasing.rounds.transport_settings import base_policy
from suppliers.models import STANDING, Offer

REMIND_BEFORE = timedelta(days=2)
DEFAULT_PERIOD = timedelta(days=7)


@dataclass(frozen=True)
class CloseResult:
    """What a closing did: the batch made (None when the round had no need to pool), how many
    needs it pooled, which free-text needs wait for a match, and which expired."""

    round_id: int
    batch_id: int | None
    pooled: int
    awaiting_match: tuple[int, ...]
    expired: int
    next_round_id: int


def pooling_schedule(session: Session) -> PoolingSchedule:
    """The cooperative's rhythm and default policy (created empty on first use)."""
    schedule = session.scalar(select(PoolingSchedule).order_by(PoolingSchedule.id).limit(1))
    if schedule is None:
        schedule = PoolingSchedule(cron="", policy=ScenarioPolicy().as_json())
        session.add(schedule)
        session.flush()
    return schedule


def default_policy(session: Session) -> ScenarioPolicy:
    """The policy a batch's first scenario is optimised with."""
    return policy_from_json(pooling_schedule(session).policy or {})


def _round_name(session: Session, opens_at: datetime) -> str:
    year = opens_at.astimezone(COOPERATIVE_TIMEZONE).year
    count = session.scalar(select(func.count(Round.id)).where(Round.name.like(f"{year}-%"))) or 0
    return f"{year}-{count + 1:03d}"


def open_round(session: Session) -> Round | None:
    """The open round, if there is one."""
    return session.scalar(select(Round).where(Round.status == "open"))


def ensure_open_round(session: Session, now: datetime | None = None) -> Round:
    """The open round, opened now (cut-off from the rhythm) when there is none."""
    found = open_round(session)
    if found is not None:
        return found
    return _open_round(session, now or utcnow())


def _open_round(session: Session, now: datetime) -> Round:
    schedule = pooling_schedule(session)
    cutoffs = next_cutoffs(schedule.cron, now, 1) if schedule.cron else []
    opened = Round(
        name=_round_name(session, now),
        opens_at=now,
        cutoff_at=cutoffs[0] if cutoffs else None,
        status="open",
    )
    # At most one round is open: a unique index refuses a second one opened concurrently.
    session.add(opened)
    session.flush()
    return opened


def set_rhythm(session: Session, cron_text: str, *, actor: Actor | None) -> PoolingSchedule:
    """The lead sets the rhythm of the rounds. The open round stays open with its needs;
    only its cut-off moves to the rhythm's next one."""
    require(actor, PLAN_ROUNDS)
    cron = read_cron(cron_text)
    schedule = pooling_schedule(session)
    schedule.cron = cron
    schedule.updated_by_id = actor.id if actor is not None else None
    opened = ensure_open_round(session)
    opened.cutoff_at = next_cutoffs(cron, utcnow(), 1)[0]
    opened.reminded_at = None
    session.flush()
    record_event(session, "rounds.rhythm", "pooling_schedule", schedule.id, cron=cron, actor=actor)
    return schedule


def set_default_policy(
    session: Session, policy: ScenarioPolicy, *, actor: Actor | None
) -> PoolingSchedule:
    """The lead sets the weights and rules each batch's first scenario uses."""
    require(actor, PLAN_ROUNDS)
    schedule = pooling_schedule(session)
    schedule.policy = policy.as_json()
    schedule.updated_by_id = actor.id if actor is not None else None
    session.flush()
    record_event(session, "rounds.policy", "pooling_schedule", schedule.id, actor=actor)
    return schedule


def read_cutoff(raw: str | datetime, now: datetime | None = None) -> datetime:
    """A cut-off typed by the lead (`2026-12-07T10:00`, `07/12/2026 10:00`), in Europe/Paris,
    or an instant with its offset (from the API); it must be in the future. Raises `Invalid`
    on `cutoff_at`."""
    if isinstance(raw, datetime) and raw.tzinfo is not None:
        return _in_future(raw.astimezone(UTC), now)
    text = " ".join(str(raw or "").replace("T", " ").split())
    day_text, _, time_text = text.partition(" ")
    day = parse_date(day_text)
    moment: datetime | None = None
    if day is not None:
        try:
            hours, minutes = (int(part) for part in (time_text or "00:00").split(":")[:2])
            moment = datetime(day.year, day.month, day.day, hours, minutes)
        except ValueError:
            moment = None
    if moment is None:
        raise Invalid({"cutoff_at": Message(N_("Enter the cut-off as DD/MM/YYYY HH:MM."))})
    return _in_future(moment.replace(tzinfo=COOPERATIVE_TIMEZONE).astimezone(UTC), now)


def _in_future(cutoff: datetime, now: datetime | None) -> datetime:
    if cutoff <= (now or utcnow()):
        raise Invalid({"cutoff_at": Message(N_("The cut-off must be in the future."))})
    return cutoff


def round_by_id(session: Session, round_id: int) -> Round:
    found = session.get(Round, round_id)
    if found is None:
        raise NotFound(Message(N_("No such round.")))
    return found


def set_cutoff(
    session: Session, round_id: int, raw: str | datetime, *, actor: Actor | None
) -> Round:
    """The lead moves the cut-off of the open round (for this round only)."""
    require(actor, PLAN_ROUNDS)
    cutoff = read_cutoff(raw)
    found = round_by_id(session, round_id)
    if found.status != "open":
        raise Conflict(Message(N_("This round is already closed.")))
    found.cutoff_at = cutoff
    found.reminded_at = None
    session.flush()
    record_event(session, "round.cutoff", "round", found.id, cutoff=cutoff.isoformat(), actor=actor)
    return found


def request_close(session: Session, round_id: int, *, actor: Actor | None) -> int:
    """The lead asks for the round to close now; the scheduler does it. Returns the job id.
    Asking again while the closing is queued or running gives the same job."""
    require(actor, CLOSE_ROUND)
    found = session.get(Round, round_id)
    if found is None:
        raise NotFound(Message(N_("No such round.")))
    if found.status != "open":
        raise Conflict(Message(N_("This round is already closed.")))
    running = active_job(session, "close_round", round_id=round_id)
    if running is not None:
        raise Conflict(Message(N_("This round is already closing.")))
    job = enqueue(
        session,
        "close_round",
        {"round_id": round_id},
        actor_id=actor.id if actor is not None else None,
    )
    record_event(session, "round.close_requested", "round", round_id, job=job.id, actor=actor)
    return job.id


def close_round(
    session: Session,
    round_id: int | None = None,
    *,
    actor: Actor | None,
    now: datetime | None = None,
) -> CloseResult:
    """Closes the round (the open one by default): pools its needs into a batch, opens the next
    round, and queues the batch's first optimisation. Raises `Conflict` when the round is no
    longer open (someone else closed it). Flushes; the caller commits."""
    require(actor, CLOSE_ROUND)
    now = now or utcnow()
    today = cooperative_today(now)
    target = (
        session.get(Round, round_id) if round_id is not None else ensure_open_round(session, now)
    )
    if target is None:
        raise NotFound(Message(N_("No such round.")))
    closed = session.execute(
        update(Round)
        .where(Round.id == target.id, Round.status == "open")
        .values(status="closed", closed_at=now, closed_by_id=actor.id if actor else None)
        .execution_options(synchronize_session=False)
    )
    if closed.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(Message(N_("This round is already closed.")))
    session.refresh(target)

    expired = session.execute(
        update(Need)
        .where(Need.status == "submitted", Need.needed_by <= today)
        .values(
            status="unfulfilled",
            status_reason=N_("the needed-by date passed before the round closed"),
            round_id=target.id,
            version=Need.version + 1,
        )
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]

    batch = Batch(round_id=target.id, status="proposed")
    session.add(batch)
    session.flush()
    pooled = session.execute(
        update(Need)
        .where(Need.status == "submitted", Need.product_id.is_not(None))
        .values(status="pooled", round_id=target.id, batch_id=batch.id, version=Need.version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    waiting = tuple(
        session.scalars(
            select(Need.id)
            .where(Need.status == "submitted", Need.product_id.is_(None))
            .order_by(Need.id)
        )
    )
    session.expire_all()

    next_round = _open_round(session, now)
    if pooled == 0:
        session.delete(batch)
        session.flush()
        record_event(session, "round.close", "round", target.id, pooled=0, actor=actor)
        return CloseResult(target.id, None, 0, waiting, expired, next_round.id)

    needs = list(session.scalars(select(Need).where(Need.batch_id == batch.id).order_by(Need.id)))
    policy = default_policy(session)
    problem = build_problem(session, needs, base_policy(session, today))
    batch.problem = problem_to_dict(problem)
    batch.policy = policy.as_json()
    batch.awaiting_match = list(waiting)
    _repeat_standing(session, needs, target, next_round)
    first = Scenario(
        batch_id=batch.id,
        number=1,
        name="1",
        policy=policy.as_json(),
        policy_key=policy.key,
        created_by_id=actor.id if actor else None,
    )
    session.add(first)
    session.flush()
    first.job_id = enqueue(session, "optimize_scenario", {"scenario_id": first.id}).id
    session.flush()
    record_event(
        session,
        "round.close",
        "round",
        target.id,
        batch=batch.id,
        pooled=pooled,
        awaiting_match=len(waiting),
        actor=actor,
    )
    return CloseResult(target.id, batch.id, pooled, waiting, expired, next_round.id)


def _repeat_standing(session: Session, needs: list[Need], closed: Round, following: Round) -> None:
    """A standing need comes back in the next round, its date moved on by one round."""
    period = DEFAULT_PERIOD
    if closed.cutoff_at is not None and following.cutoff_at is not None:
        period = max(timedelta(days=1), following.cutoff_at - closed.cutoff_at)
    shift = timedelta(days=max(1, round(period.total_seconds() / 86400)))
    for need in needs:
        if not need.standing:
            continue
        session.add(
            Need(
                member_id=need.member_id,
                product_id=need.product_id,
                free_text=need.free_text,
                quantity=need.quantity,
                unit=need.unit,
                tolerance_percent=need.tolerance_percent,
                needed_by=need.needed_by + shift,
                delivery_site_id=need.delivery_site_id,
                price_ceiling=need.price_ceiling,
                comment=need.comment,
                status="submitted",
                standing=True,
                repeat_of_id=need.id,
                created_by_id=need.created_by_id,
            )
        )
    session.flush()


def due_round(session: Session, now: datetime | None = None) -> Round | None:
    """The open round whose cut-off has passed, if any."""
    return session.scalar(
        select(Round).where(
            Round.status == "open",
            Round.cutoff_at.is_not(None),
            Round.cutoff_at <= (now or utcnow()),
        )
    )


def earliest_delivery(session: Session, product_id: int, after: date) -> date | None:
    """The first day an active offer of the product can deliver if ordered on `after`."""
    fastest = session.scalar(
        select(func.min(Offer.lead_time_days)).where(
            Offer.product_id == product_id, Offer.active.is_(True), STANDING
        )
    )
    return None if fastest is None else after + timedelta(days=int(fastest))


def order_day(found: Round | None, now: datetime | None = None) -> date:
    """The day the orders of `found` would go out: its cut-off's day, or today."""
    if found is not None and found.cutoff_at is not None:
        return cooperative_today(found.cutoff_at)
    return cooperative_today(now)


def rounds(session: Session, limit: int = 50) -> list[Round]:
    """The rounds, newest first."""
    return list(session.scalars(select(Round).order_by(Round.id.desc()).limit(limit)))


def rounds_page(session: Session, page: int, per_page: int) -> Page[Round]:
    """A page of the rounds, newest first."""
    return paginate(session, select(Round).order_by(Round.id.desc()), page, per_page)
