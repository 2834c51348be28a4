"""The coachat web application: pages, forms and the JSON API over the purchasing services."""

from __future__ import annotations

from typing import Any

from flask import Flask, redirect, render_template, request, url_for
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from web import db, i18n
from web.config import from_environment

csrf = CSRFProtect()
login_manager = LoginManager()


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Builds the application; `config` overrides what the environment says (tests use it)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(from_environment())
    if config:
        app.config.update(config)

    db.init_app(app)
    i18n.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)

    from web.admin.routes import blueprint as admin
    from web.auth.routes import blueprint as auth
    from web.catalog import imports as _catalog_imports  # noqa: F401 - adds its routes
    from web.catalog.routes import blueprint as catalog
    from web.needs.routes import blueprint as needs

    for blueprint in (auth, needs, catalog, admin):
        app.register_blueprint(blueprint)

    @app.get("/")
    def home():  # type: ignore[no-untyped-def]
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login"))
        if current_user.is_admin:
            return redirect(url_for("admin.members"))
        return redirect(url_for("needs.dashboard"))

    @app.get("/language/<code>")
    def language(code: str):  # type: ignore[no-untyped-def]
        target = request.args.get("next") or url_for("home")
        if not target.startswith("/") or target.startswith("//"):
            target = url_for("home")
        response = redirect(target)
        if code in app.config["LANGUAGES"]:
            response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="Lax")
            if current_user.is_authenticated and current_user.locale != code:
                current_user.locale = code
                db.session().commit()
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):  # type: ignore[no-untyped-def]
        return render_template("error.html", code=400, reason="csrf"), 400

    @app.errorhandler(404)
    def not_found(error: Exception):  # type: ignore[no-untyped-def]
        return render_template("error.html", code=404, reason="not_found"), 404

    @app.errorhandler(403)
    def forbidden(error: Exception):  # type: ignore[no-untyped-def]
        return render_template("error.html", code=403, reason="forbidden"), 403

    @app.errorhandler(413)
    def too_large(error: Exception):  # type: ignore[no-untyped-def]
        return render_template("error.html", code=413, reason="too_large"), 413

    return app
