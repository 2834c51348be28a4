"""The rhythm of the pooling rounds: a cron expression read in the cooperative's time zone.

The lead writes the rhythm as five cron fields (``0 10 * * 1``: Mondays at 10:00); the next
cut-offs come from APScheduler's own trigger, so what the page previews is what the scheduler
does.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from apscheduler.triggers.cron import CronTrigger

from persistence import utcnow
from purchasing.clock import COOPERATIVE_TIMEZONE
from purchasing.errors import N_, Invalid, Message

CRON_MAX = 120
PREVIEW = 5
DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def weekday_names(field: str) -> str:
    """The day-of-week field in APScheduler's terms. Cron counts 0 (or 7) as Sunday and 1 as
    Monday; APScheduler 3 counts 0 as Monday, so numbers are turned into day names."""
    if field in ("*", "?"):
        return "*"
    days: set[int] = set()
    for part in field.lower().split(","):
        span, _, step_text = part.partition("/")
        if not step_text.isdigit() and step_text:
            raise ValueError(f"bad step in {part!r}")
        step = int(step_text) if step_text else 1
        if span == "*":
            first, last = 0, 6
        else:
            low, _, high = span.partition("-")
            first = _weekday(low)
            last = _weekday(high) if high else (6 if step_text else first)
            if last == 0 and high:
                last = 7
        if step < 1 or last < first:
            raise ValueError(f"bad range {part!r}")
        days.update(day % 7 for day in range(first, last + 1, step))
    return ",".join(DAY_NAMES[day] for day in sorted(days))


def _weekday(text: str) -> int:
    if text.isdigit() and int(text) <= 7:
        return int(text) % 7 if text != "7" else 0
    if text[:3] in DAY_NAMES:
        return DAY_NAMES.index(text[:3])
    raise ValueError(f"unknown day of the week {text!r}")


def trigger_for(cron: str) -> CronTrigger:
    """APScheduler's trigger for a standard five-field cron expression, in Europe/Paris."""
    minute, hour, day, month, weekdays = cron.split()
    return CronTrigger(
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=weekday_names(weekdays),
        timezone=COOPERATIVE_TIMEZONE,
    )


def read_cron(text: str) -> str:
    """The rhythm, checked: five cron fields that give a cut-off at least once a year.

    Raises `Invalid` on `cron` with what is wrong."""
    cron = " ".join(str(text or "").split())
    if not cron:
        raise Invalid(
            {"cron": Message(N_("Enter the rhythm as five cron fields, e.g. 0 10 * * 1."))}
        )
    if len(cron) > CRON_MAX or len(cron.split(" ")) != 5:
        raise Invalid(
            {
                "cron": Message(
                    N_(
                        "A rhythm has five fields: minute, hour, day of month, month, day of "
                        "week (e.g. 0 10 * * 1 for Mondays at 10:00)."
                    )
                )
            }
        )
    try:
        trigger = trigger_for(cron)
    except ValueError as error:
        raise Invalid(
            {"cron": Message(N_("This rhythm is not valid: %(reason)s."), {"reason": str(error)})}
        ) from None
    now = utcnow()
    first = trigger.get_next_fire_time(None, now)
    if first is None or (first - now).days > 366:
        raise Invalid({"cron": Message(N_("This rhythm never gives a cut-off in the next year."))})
    return cron


def next_cutoffs(cron: str, after: datetime | None = None, count: int = PREVIEW) -> list[datetime]:
    """The next `count` cut-offs of the rhythm strictly after `after` (now by default), in UTC."""
    trigger = trigger_for(cron)
    moment = after or utcnow()
    cutoffs: list[datetime] = []
    while len(cutoffs) < count:
        fire = trigger.get_next_fire_time(None, moment + timedelta(microseconds=1))
        if fire is None:
            break
        cutoffs.append(fire.astimezone(UTC))
        moment = fire
    return cutoffs
