"""Languages (French first, English available) and how numbers, money and dates are shown."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Flask, current_app, request
from flask_babel import Babel, format_date, format_datetime, format_decimal, get_locale, gettext
from flask_login import current_user

from infrastructure.figures import CO2_PATTERN, co2_kg
from persistence.jobs import Job
from purchasing.errors import Euros, Message, Units

babel = Babel()


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if request.path.startswith("/api/"):
        # A program says which language it reads; the API knows no user's preference.
        chosen = request.accept_languages.best_match(languages)
        return chosen or current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = request.cookies.get("lang")
    if chosen is not None and chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def money(amount: Decimal | None) -> str:
    """`1 234,50 €` in French, `€1,234.50` in English."""
    if amount is None:
        return "—"
    from babel.numbers import format_currency

    return format_currency(amount, "EUR", locale=str(get_locale()))


def unit_price(amount: Decimal | str | None) -> str:
    """A unit price keeps up to four decimals (0,0125 €) but at least two."""
    if amount is None:
        return "—"
    if isinstance(amount, str):
        amount = Decimal(amount)
    from babel.numbers import format_currency

    return format_currency(
        amount, "EUR", format="#,##0.00##\u00a0¤", locale=str(get_locale()), currency_digits=False
    )


def quantity(value: Decimal | int | None) -> str:
    if value is None:
        return "—"
    return format_decimal(value, format="#,##0.###")


def co2(value: Decimal | None) -> str:
    """Kilograms of CO2 to one decimal, as every page and file shows them (`1 058,0`)."""
    if value is None:
        return "—"
    return format_decimal(co2_kg(value), format=CO2_PATTERN)


def translate(message: Message) -> str:
    """A domain message in the reader's language; a message given as a parameter is translated
    too, and an amount or a quantity is written as the reader's language writes it."""
    params = {name: _shown(value) for name, value in message.params.items()}
    return gettext(message.text, **params)


def _shown(value: Any) -> Any:
    if isinstance(value, Message):
        return translate(value)
    if isinstance(value, Euros):
        return unit_price(value.amount)
    if isinstance(value, Units):
        return quantity(value.amount)
    return value


def translate_stored(messages: list[dict[str, Any]]) -> str:
    """Messages stored as JSON data (`Message.to_data`), translated and joined."""
    return "; ".join(translate(Message.from_data(data)) for data in messages)


def job_failure(job: Job) -> str:
    """Why a job failed, in the reader's language when the job kept the refusal that failed
    it; else the reason it recorded."""
    refusal = (job.result or {}).get("refusal") if job.status == "failed" else None
    if isinstance(refusal, dict):
        return translate(Message.from_data(refusal))
    return job.error


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters.update(
        money=money,
        unit_price=unit_price,
        quantity=quantity,
        co2=co2,
        date=lambda value, fmt="medium": format_date(value, fmt) if value else "—",
        datetime=lambda value, fmt="medium": format_datetime(value, fmt) if value else "—",
    )
    app.jinja_env.filters.update(
        reasons=translate_stored, message=translate, job_failure=job_failure
    )
    app.jinja_env.globals.update(current_locale=lambda: str(get_locale()))
