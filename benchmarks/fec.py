"""How long writing the FEC of a busy year takes: 100,000 journal lines (sales entries of three
lines, bank entries of two) stored in SQLite, read back from the journal, written in the FEC
format and checked against every rule of it.

    .venv/bin/python benchmarks/fec.py [--lines 100000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert

from money.books import fec_of_year
from money.formats.fec import check_fec
from money.models import JournalEntry, JournalLine
from persistence import Base, create_engine_for, make_session_factory
from purchasing.models import Cooperative


def journal_rows(lines: int) -> tuple[list[dict], list[dict]]:
    entries, rows = [], []
    numbers = {"VE": 0, "BQ": 0}
    start = datetime(2027, 1, 1, 8, tzinfo=UTC)
    n = 0
    while len(rows) < lines:
        n += 1
        journal = "BQ" if n % 3 == 0 else "VE"
        numbers[journal] += 1
        when = start + timedelta(seconds=n * 600)
        day = when.date()
        member = f"M{n % 2000:05d}"
        total = Decimal(100 + n % 900) + Decimal("0.20")
        vat = (total / 6).quantize(Decimal("0.01"))
        entries.append(
            {
                "id": n,
                "journal": journal,
                "fiscal_year": 2027,
                "number": numbers[journal],
                "entry_date": day,
                "document_ref": f"FA-2027-{n:05d}",
                "document_date": day,
                "label": f"Facture FA-2027-{n:05d} Membre {member}",
                "validated_at": when,
            }
        )
        if journal == "VE":
            lines_of = [("411", total, Decimal(0), member), ("707", Decimal(0), total - vat, ""),
                        ("44571", Decimal(0), vat, "")]  # fmt: skip
        else:
            lines_of = [("512", total, Decimal(0), ""), ("411", Decimal(0), total, member)]
        for position, (account, debit, credit, sub) in enumerate(lines_of, start=1):
            rows.append(
                {
                    "entry_id": n,
                    "position": position,
                    "account": account,
                    "account_label": "Compte",
                    "sub_account": sub,
                    "sub_account_label": f"Membre {sub}" if sub else "",
                    "label": f"Facture FA-2027-{n:05d}",
                    "debit": debit,
                    "credit": credit,
                }
            )
    return entries, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine_for(f"sqlite:///{folder}/bench.db")
        Base.metadata.create_all(engine)
        entries, rows = journal_rows(args.lines)
        with engine.begin() as connection:
            connection.execute(insert(JournalEntry), entries)
            connection.execute(insert(JournalLine), rows)
        sessions = make_session_factory(engine)
        with sessions() as session:
            session.add(Cooperative(id=1, name="Coachat", siren="894127653", country="FR"))
            session.flush()
            started = time.perf_counter()
            name, content = fec_of_year(session, 2027, actor=None)
            written = time.perf_counter() - started
            started = time.perf_counter()
            problems = check_fec(content.decode("utf-8"))
            checked = time.perf_counter() - started
        print(
            f"FEC {name} of {len(rows)} lines ({len(entries)} entries, "
            f"{len(content) // 1024} KiB) read from the journal and written in {written:.2f} s "
            f"(goal < 5 s); checked in {checked:.2f} s: {len(problems)} problem(s)"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
