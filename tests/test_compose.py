"""The compose file runs what a deployment needs: PostgreSQL, web workers, one scheduler."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_compose_runs_the_web_workers_and_exactly_one_scheduler_on_postgresql():
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    assert {"db", "migrate", "web", "scheduler"} <= set(services)
    assert services["scheduler"]["command"] == ["coachat", "scheduler"]
    assert "deploy" not in services["scheduler"]  # never replicated
    assert (
        "gunicorn" in services["web"]["command"] and "scheduler" not in services["web"]["command"]
    )
    for name in ("web", "scheduler"):
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgresql+psycopg://")
        assert (
            services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        )
