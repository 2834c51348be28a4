"""How long invoicing a large batch takes: 2,000 members' invoices, each numbered, drawn as a
PDF/A-3 page, made Factur-X with its EN 16931 XML, stored and posted to the journal, in one
transaction on SQLite, through `money.issuing._issue_many` as `issue_batch_invoices` calls it:
the numbers taken at once, the documents made in order while a pool of one process per
processor starts drawing the files, the invoices stored fifty at a time and posted in order as
their files come back. It prints
the time taken, the processor time of this process and of the workers (on a machine others
share, the time taken depends on them; the processor time much less), and the load average
before and after. Then the processor time of each step of one invoice drawn in this process.

    .venv/bin/python benchmarks/invoicing.py [--members 2000] [--lines 3]

Each member's share is given as lines (goods, its share of the fees, the cooperative's fee), as
`money.invoicing.batch_lines` makes them from the member's statement; reading the statements
is the purchasing side's and is not timed here.
"""

from __future__ import annotations

import argparse
import multiprocessing.forkserver
import os
import resource
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demo.demo import _siret
from money.amounts import invoice_totals
from money.drafting import DraftLine, typed_document
from money.formats.facturx import facturx_pdf, invoice_xml
from money.formats.invoice_file import _stopped_clock, stamp_of
from money.formats.invoice_pdf import invoice_pdf
from money.invoice_files import PARALLEL_FROM
from money.issuing import _issue_many
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


def _drawing_time() -> float:
    """Processor time of the processes that drew the files, in seconds: children of this
    process (spawned), or of the fork server that forked them, which has reaped them."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    spent = children.ru_utime + children.ru_stime
    server = getattr(multiprocessing.forkserver._forkserver, "_forkserver_pid", None)
    if server is not None:
        fields = Path(f"/proc/{server}/stat").read_text().rsplit(")", 1)[1].split()
        # utime, stime, cutime, cstime: fields 14 to 17 of proc(5), counted from the state.
        spent += sum(int(field) for field in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    return spent


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
            load_before = os.getloadavg()[0]
            started, cpu_started = time.perf_counter(), time.process_time()
            invoices = _issue_many(
                session, drafts, subject="batch", batch=None, today=TODAY, actor=None
            )
            issued = time.perf_counter()
            session.commit()
            elapsed = time.perf_counter() - started
            here = time.process_time() - cpu_started
            workers = _drawing_time()
            total = sum((invoice.total_incl for invoice in invoices), Decimal(0))
            pool = args.members >= PARALLEL_FROM and (os.cpu_count() or 1) > 1
            print(
                f"{args.members} invoices of {args.lines + 2} lines issued with their Factur-X "
                f"files in {elapsed:.1f} s ({1000 * elapsed / args.members:.1f} ms each; "
                f"goal < 30 s for 2,000), {total} EUR, last file "
                f"{len(invoices[-1].facturx) // 1024} KiB"
            )
            print(
                f"  processor time: this process {here:.1f} s "
                f"({1000 * here / args.members:.1f} ms an invoice: numbers, documents, storing, "
                "posting"
                + (f"), {os.cpu_count()} drawing processes {workers:.1f} s " if pool else ") ")
                + (
                    f"({1000 * workers / args.members:.1f} ms a file, their start included); "
                    if pool
                    else ""
                )
                + f"committed in {started + elapsed - issued:.1f} s; load average "
                f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after on "
                f"{os.cpu_count()} processors"
            )

            # Where the time of one invoice goes.
            member = members[0]
            document = typed_document(
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
            clock = time.process_time
            for _ in range(rounds):
                t0 = clock()
                totals = invoice_totals(document)
                t1 = clock()
                xml = invoice_xml(document)
                t2 = clock()
                with _stopped_clock(stamp_of(document)):
                    page = invoice_pdf(document, totals)
                    t3 = clock()
                    facturx_pdf(page, xml)
                t4 = clock()
                for name, spent in zip(steps, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
                    steps[name] += spent
            each = (f"{name} {1000 * spent / rounds:.1f} ms" for name, spent in steps.items())
            spent = 1000 * sum(steps.values()) / rounds
            print(f"one invoice drawn in this process, {spent:.1f} ms: " + ", ".join(each))
        engine.dispose()


if __name__ == "__main__":
    main()
