"""The coachat web application: pages, forms and the JSON API over the purchasing services."""

from __future__ import annotations

from typing import Any

from flask import Flask, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

from web import db, errors, i18n, labels, params, security
from web.config import from_environment
from web.navigation import same_site_path

csrf = CSRFProtect()
login_manager = LoginManager()


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Builds the application; `config` overrides what the environment says (tests use it)."""
    from web import api, health
    from web.account import blueprint as account
    from web.admin import blueprint as admin
    from web.answers import blueprint as answers
    from web.audit import blueprint as audit
    from web.auth import blueprint as auth
    from web.batches import blueprint as batches
    from web.billing import blueprint as billing
    from web.books import blueprint as books
    from web.catalog import blueprint as catalog
    from web.collect import blueprint as collect
    from web.guide import blueprint as guide
    from web.invoices import blueprint as invoices
    from web.money_account import blueprint as money_account
    from web.needs import blueprint as needs
    from web.orders import blueprint as orders
    from web.payables import blueprint as payables
    from web.rounds import blueprint as rounds
    from web.statements import blueprint as statements
    from web.supplier_invoices import blueprint as supplier_invoices
    from web.tenders import blueprint as tenders

    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(from_environment())
    if config:
        app.config.update(config)

    params.init_app(app)
    db.init_app(app)
    i18n.init_app(app)
    labels.init_app(app)
    errors.init_app(app)
    csrf.init_app(app)
    security.init_app(app)
    login_manager.init_app(app)
    features = [auth, account, needs, rounds, batches, orders, statements, answers, catalog]
    features += [invoices, money_account, billing, tenders, supplier_invoices]
    for blueprint in [*features, admin, audit, guide]:
        app.register_blueprint(blueprint)
    app.register_blueprint(collect)
    app.register_blueprint(payables)

    app.register_blueprint(books)
    api.init_app(app)
    health.init_app(app)

    @app.get("/")
    def home() -> ResponseReturnValue:
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login"))
        if current_user.is_admin:
            return redirect(url_for("admin.members"))
        if current_user.is_lead:
            return redirect(url_for("rounds.home"))
        return redirect(url_for("needs.dashboard"))

    @app.post("/language/<code>")
    def language(code: str) -> ResponseReturnValue:
        from purchasing.people.accounts import set_language

        response = redirect(same_site_path(request.form.get("next")))
        if code in app.config["LANGUAGES"]:
            response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="Lax")
            if current_user.is_authenticated:
                set_language(db.session(), code, actor=current_user)
        return response

    return app
