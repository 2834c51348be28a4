"""Latency of the need form's live suggestions on the demo catalog.

    .venv/bin/python benchmarks/suggestions.py

Loads the demo cooperative into a temporary SQLite file, signs in as the demo member and times
`GET /catalog/suggest?q=…` through the whole application (routing, session, query, matcher,
JSON) for queries typed the way members type. Prints the median, 95th percentile and maximum.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from demo.demo import DEMO_PASSWORD, load_demo
from persistence import create_engine_for, make_session_factory
from persistence.migrate import upgrade
from purchasing.clock import cooperative_today

QUERIES = [
    "ram", "ramette", "ramette recyc", "papier a4 recycle 80g", "papie toilette",
    "savon main 5l", "gobelet carton", "cafe bio grain", "gants nitrile", "carton 40x30",
    "ruban adhesif kraft", "stylo bille bleu", "classeur levier", "cle usb 32go",
    "ecran reconditionne", "sacs poubelle 100l", "essuie mains", "the vert", "jus pomme",
    "piles aa rechargeables", "ampoule led e27", "tee shirt coton bio", "gilet jaune",
]  # fmt: skip


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)
        engine = create_engine_for(url)
        with make_session_factory(engine)() as session:
            load_demo(session, cooperative_today())
            session.commit()
        engine.dispose()

        from web import create_app

        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "benchmark-secret-key-0123456789",
                          "WTF_CSRF_ENABLED": False})  # fmt: skip
        client = app.test_client()
        client.post("/login", data={"email": "membre@demo.coachat.fr", "password": DEMO_PASSWORD})
        client.get("/catalog/suggest?q=warm+up")
        timings = []
        for _round in range(5):
            for query in QUERIES:
                start = time.perf_counter()
                response = client.get("/catalog/suggest", query_string={"q": query})
                timings.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200
        app.extensions["coachat.engine"].dispose()
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"suggestions on the demo catalog: {len(timings)} requests")
    print(
        f"  median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
