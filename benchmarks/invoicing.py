"""How long invoicing a large batch takes: 2,000 members' invoices, each numbered, drawn as a
PDF/A-3 page, made Factur-X with its EN 16931 XML, stored and posted to the journal, in one
transaction on SQLite, as `issue_batch_invoices` does it (`money.issuing._issue_many`): the
numbers and documents made in order, the files drawn by a pool of one process per processor,
then each invoice stored and posted in order. Then the time of each step of one invoice drawn
in this process, to see where it goes.

    .venv/bin/python benchmarks/invoicing.py [--members 2000] [--lines 3]

Each member's share is given as lines (goods, its share of the fees, the cooperative's fee), as
`money.invoicing.batch_lines` makes them from the member's statement; reading the statements
is the purchasing side's and is not timed here.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demo.demo import _siret
from money.amounts import invoice_totals
from money.formats.facturx import facturx_pdf, invoice_xml
from money.formats.invoice_file import _stopped_clock, stamp_of
from money.formats.invoice_pdf import invoice_pdf
from money.invoice_files import PARALLEL_FROM, draw_files
from money.issuing import DraftLine, _document, _numbered, _record
from persistence import Base, create_engine_for, make_session_factory
from purchasing.models import Cooperative, DeliverySite, Member

TODAY = date(2027, 3, 1)
COOPERATIVE = {
    "name": "Coachat Grand Nancy",
    "legal_form": "SCIC SAS à capital variable",
    "siren": "894127653",
    "siret": "89412765300018",
    "vat_number": "FR67894127653",
    "address": "18 rue de la Visitation",
    "postcode": "54000",
    "town": "Nancy",
    "country": "FR",
    "email": "achats@demo.coachat.fr",
    "iban": "FR7642559100000800412765091",
    "bic": "CCOPFRPPXXX",
    "payment_terms_days": 30,
}


def share(n: int, goods: int) -> list[DraftLine]:
    lines = [
        DraftLine(
            "goods",
            f"Ramette A4 recyclée 80 g, lot {k} — Papeterie de l'Est, BC-2027-{n:04d}",
            Decimal(5 + (n + k) % 40),
            "C62",
            Decimal("4.15") + Decimal(k) / 10,
            Decimal("20") if k % 3 else Decimal("5.5"),
        )
        for k in range(goods)
    ]
    lines.append(
        DraftLine("shares", "Quote-part des frais", Decimal(1), "C62", Decimal("3.27"), Decimal(20))
    )
    lines.append(
        DraftLine("fee", "Frais de la coopérative", Decimal(1), "C62", Decimal("1.50"), Decimal(20))
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--lines", type=int, default=3, help="goods lines per invoice")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine_for(f"sqlite:///{folder}/bench.db")
        Base.metadata.create_all(engine)
        sessions = make_session_factory(engine)
        with sessions() as session:
            session.add(Cooperative(id=1, **COOPERATIVE))
            members = []
            for n in range(1, args.members + 1):
                member = Member(
                    name=f"Membre {n:05d} SARL",
                    siret=_siret(n, 998),
                    address=f"{n} rue des Artisans",
                    postcode="54000",
                    town="Nancy",
                    latitude=48.69,
                    longitude=6.18,
                )
                member.sites.append(
                    DeliverySite(name="Atelier", town="Nancy", latitude=48.69, longitude=6.18)
                )
                members.append(member)
            session.add_all(members)
            session.commit()

            drafts = [(member, share(n, args.lines)) for n, member in enumerate(members, 1)]
            started = time.perf_counter()
            numbered = [
                _numbered(session, kind="invoice", member=m, batch=None, lines=lines, today=TODAY)
                for m, lines in drafts
            ]
            made = time.perf_counter()
            files = draw_files([n.document for n in numbered])
            drawn = time.perf_counter()
            invoices = [
                _record(session, n, facturx, subject="batch", batch=None, actor=None)
                for n, facturx in zip(numbered, files, strict=True)
            ]
            recorded = time.perf_counter()
            session.commit()
            elapsed = time.perf_counter() - started
            total = sum((invoice.total_incl for invoice in invoices), Decimal(0))
            pool = len(files) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1
            print(
                f"{args.members} invoices of {args.lines + 2} lines issued with their Factur-X "
                f"files in {elapsed:.1f} s ({1000 * elapsed / args.members:.1f} ms each; "
                f"goal < 30 s for 2,000), {total} EUR, last file {len(files[-1]) // 1024} KiB"
            )
            print(
                f"  numbers and documents {made - started:.1f} s, files drawn "
                + (f"by {os.cpu_count()} processes " if pool else "in this process ")
                + f"{drawn - made:.1f} s, stored and posted {recorded - drawn:.1f} s, committed "
                f"{started + elapsed - recorded:.1f} s"
            )

            # Where the time of one invoice goes.
            member = members[0]
            document = _document(
                session,
                kind="invoice",
                number="FA-2027-99999",
                today=TODAY,
                member=member,
                batch=None,
                lines=share(1, args.lines),
            )
            steps = {"totals": 0.0, "xml": 0.0, "pdf page": 0.0, "factur-x": 0.0}
            rounds = 20
            for _ in range(rounds):
                t0 = time.perf_counter()
                totals = invoice_totals(document)
                t1 = time.perf_counter()
                xml = invoice_xml(document)
                t2 = time.perf_counter()
                with _stopped_clock(stamp_of(document)):
                    page = invoice_pdf(document, totals)
                    t3 = time.perf_counter()
                    facturx_pdf(page, xml)
                t4 = time.perf_counter()
                for name, spent in zip(steps, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
                    steps[name] += spent
            each = (f"{name} {1000 * spent / rounds:.1f} ms" for name, spent in steps.items())
            print("one invoice drawn in this process: " + ", ".join(each))
        engine.dispose()


if __name__ == "__main__":
    main()
