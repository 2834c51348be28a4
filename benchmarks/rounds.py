"""How long closing a round takes: 10,000 needs from the demo's 21 members.

Loads the demo cooperative into a fresh database (SQLite file by default, or DATABASE_URL),
adds submitted needs spread over its members, products and sites, then closes the round and
times each part: pooling and storing (the closing transaction: the conditional updates, the
problem snapshot with every offer's eco score, the commit) and, separately, the optimizer on
the batch's first scenario as the scheduler would run it.

    .venv/bin/python benchmarks/rounds.py [--needs 10000] [--time-limit 60]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select

from demo.demo import load_demo
from persistence import create_engine_for, make_session_factory, unit_of_work
from persistence.migrate import upgrade
from purchasing.clock import cooperative_today
from purchasing.models import Batch, DeliverySite, Member, Need
from purchasing.rounds.rounds import close_round
from scheduling.jobs import work_jobs
from suppliers.models import Offer, Product


def _add_needs(sessions, count: int) -> None:
    today = cooperative_today()
    rng = random.Random(7)
    with unit_of_work(sessions) as session:
        members = list(session.scalars(select(Member).order_by(Member.id)))
        sites = {
            member.id: [
                site.id
                for site in session.scalars(
                    select(DeliverySite).where(DeliverySite.member_id == member.id)
                )
            ]
            for member in members
        }
        products = list(
            session.scalars(
                select(Product).where(Product.id.in_(select(Offer.product_id))).order_by(Product.id)
            )
        )
        rows = []
        for i in range(count):
            member = members[i % len(members)]
            product = rng.choice(products)
            rows.append(
                {
                    "member_id": member.id,
                    "product_id": product.id,
                    "free_text": "",
                    "quantity": Decimal(rng.randint(1, 60)),
                    "unit": product.unit,
                    "tolerance_percent": rng.choice((0, 0, 5, 10)),
                    "needed_by": today + timedelta(days=rng.randint(10, 60)),
                    "delivery_site_id": rng.choice(sites[member.id]),
                    "comment": "",
                    "status": "submitted",
                    "status_reason": "",
                    "standing": False,
                    "version": 1,
                }
            )
        session.execute(insert(Need), rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--needs", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true", help="print where the closing spends")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL")
    folder = tempfile.TemporaryDirectory()
    if not url:
        url = f"sqlite:///{folder.name}/rounds.db"
    upgrade(url)
    engine = create_engine_for(url)
    sessions = make_session_factory(engine)
    with unit_of_work(sessions) as session:
        load_demo(session, cooperative_today())
    _add_needs(sessions, args.needs)
    with unit_of_work(sessions) as session:
        submitted = session.scalar(
            select(func.count(Need.id)).where(
                Need.status == "submitted", Need.product_id.is_not(None)
            )
        )
        members = session.scalar(select(func.count(func.distinct(Need.member_id))))

    profile = cProfile.Profile() if args.profile else None
    started = time.perf_counter()
    if profile:
        profile.enable()
    with unit_of_work(sessions) as session:
        result = close_round(session, actor=None)
    if profile:
        profile.disable()
    pooled_seconds = time.perf_counter() - started

    started = time.perf_counter()
    work_jobs(sessions)
    optimize_seconds = time.perf_counter() - started
    with unit_of_work(sessions) as session:
        batch = session.get(Batch, result.batch_id)
        report = batch.scenarios[0].result.get("report", {})
        status = batch.scenarios[0].result.get("status")
        offers = len(batch.problem["offers"])

    print(f"database            {engine.dialect.name}")
    print(f"needs pooled        {result.pooled} of {submitted} submitted, {members} members")
    print(f"offers in snapshot  {offers}")
    print(f"pool and store      {pooled_seconds:.2f} s   (goal: under 10 s)")
    print(
        f"optimizer           {optimize_seconds:.2f} s   status {status}, "
        f"gap {report.get('gap')}, {report.get('variables')} variables, "
        f"{report.get('groups')} groups"
    )
    if profile:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(18)
        print(out.getvalue())
    engine.dispose()
    folder.cleanup()


if __name__ == "__main__":
    main()
