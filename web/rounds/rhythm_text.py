"""The rhythm of the rounds in words ("tous les lundis à 10 h 00"), and its next cut-offs.

Common rhythms (every day, some days of the week, one day of the month, at a given time) are
said in the reader's language; any other cron expression is shown as it is written.
"""

from __future__ import annotations

from datetime import date, datetime, time

from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _

from purchasing.rounds.rhythm import DAY_NAMES, next_cutoffs, weekday_names

# A Sunday: day names are taken from it and the following days, in the reader's language.
_SUNDAY = date(2026, 1, 4)


def _french() -> bool:
    return str(get_locale()).startswith("fr")


def _day_name(day: int) -> str:
    """The day's name as the rhythm says it: "lundis" in French ("tous les lundis")."""
    name = format_date(date.fromordinal(_SUNDAY.toordinal() + day), "EEEE")
    return name + "s" if _french() and not name.endswith("s") else name


def _time(moment: time) -> str:
    return f"{moment.hour} h {moment.minute:02d}" if _french() else moment.strftime("%H:%M")


def _days(field: str) -> list[int] | None:
    try:
        names = weekday_names(field)
    except ValueError:
        return None
    if names == "*":
        return None
    return [DAY_NAMES.index(name) for name in names.split(",")]


def describe(cron: str) -> str:
    """The rhythm in words, or the expression itself when it is not a common one."""
    parts = cron.split()
    if len(parts) != 5:
        return cron
    minute, hour, day, month, weekdays = parts
    if not (minute.isdigit() and hour.isdigit()) or month != "*":
        return _("following the cron expression %(cron)s", cron=cron)
    if int(hour) > 23 or int(minute) > 59:
        return cron
    at = _time(time(int(hour), int(minute)))
    if day == "*" and weekdays in ("*", "?"):
        return _("every day at %(time)s", time=at)
    if day == "*":
        days = _days(weekdays)
        if days is None:
            return _("following the cron expression %(cron)s", cron=cron)
        names = [_day_name(d) for d in days]
        return _("every %(days)s at %(time)s", days=", ".join(names), time=at)
    if day.isdigit() and weekdays in ("*", "?"):
        return _("on day %(day)s of every month at %(time)s", day=day, time=at)
    return _("following the cron expression %(cron)s", cron=cron)


def upcoming(cron: str, count: int = 5) -> list[str]:
    """The next cut-offs, written short in the reader's language ("lun. 7 déc. 10:00")."""
    return [
        format_datetime(moment, "EEE d MMM, HH:mm") for moment in next_cutoffs(cron, None, count)
    ]


def when(moment: datetime | None) -> str:
    return format_datetime(moment, "EEEE d MMMM, HH:mm") if moment else ""
