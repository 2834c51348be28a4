"""How long importing and matching a busy bank statement takes: a cooperative of 200 members
with 4,000 invoices issued in 2027 (20 each) and a direct-debit collection, in a temporary
SQLite file; a CAMT.053 of 5,000 credit lines and a few returned debits, imported end to end
by `money.bank_import.import_bank_statement` (read, match, record the payments and their
journal entries), then imported a second time, which must change nothing.

    .venv/bin/python benchmarks/camt_match.py [--members 200] [--invoices 20] [--lines 5000]

The invoices are numbered, stored and posted to the journal by the functions the invoicing
use case calls (`next_number`, `typed_document`, `invoice_totals`, `post_document`), without
drawing their Factur-X files: matching never reads them, and drawing 4,000 would take minutes
(benchmarks/invoicing.py times that). The mandates and the collection go through the use cases
(`add_mandate`, `build_collection`). The statement is written by `camt_writer.statement_file`:
transfers naming their invoice, transfers of an invoice's amount from a known payer without a
number, transfers from people who are not members or of amounts that match nothing, the
collected debits, and a few debits returned by the members' banks.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from schwifty import IBAN
from sqlalchemy import func, select

from demo.demo import _siret
from money.amounts import invoice_totals, to_cent
from money.bank_import import import_bank_statement
from money.direct_debits import build_collection
from money.drafting import DraftLine, typed_document
from money.formats.camt_writer import StatementLine, statement_file
from money.mandates import add_mandate, read_mandate
from money.models import (
    BankLine,
    JournalEntry,
    MemberInvoice,
    MemberInvoiceLine,
    Payment,
    PaymentAllocation,
)
from money.sales_entries import post_document
from persistence import Base, create_engine_for, make_session_factory
from persistence.numbering import next_number
from purchasing.models import Cooperative, DeliverySite, Member, User

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
    "sepa_creditor_id": "FR06ZZZ8F3A21",
    "payment_terms_days": 30,
}
TRADES = [
    "Boulangerie",
    "Atelier vélo",
    "Épicerie vrac",
    "Traiteur",
    "Ressourcerie",
    "Imprimerie",
    "Menuiserie",
    "Librairie",
    "Fromagerie",
    "Brasserie",
]
PLACES = [
    "du Marché",
    "des Pentes",
    "Saint-Epvre",
    "de la Gare",
    "du Faubourg",
    "des Trois Maisons",
    "de Laxou",
    "du Vieux Nancy",
    "de Villers",
    "des Rives",
]
STRANGERS = [
    "M. DUPONT JEAN",
    "MME LEROY CLAIRE",
    "ASSOCIATION LES AMIS DU PARC",
    "SCI DES TILLEULS",
    "CAF DE MEURTHE ET MOSELLE",
    "URSSAF LORRAINE",
]
COLLECTED_ON = date(2027, 2, 20)  # the collection of the January invoices
FIRST_ISSUE = date(2027, 2, 1)  # the other invoices, one working day after another


def member_name(n: int) -> str:
    return f"{TRADES[n % 10]} {PLACES[(n // 10) % 10]} {n:03d} SARL"


def member_iban(n: int, bank: str = "30004") -> str:
    return str(IBAN.generate("FR", bank_code=bank, branch_code="00031", account_code=f"{n:011d}"))


def share(n: int, k: int) -> list[DraftLine]:
    """The k-th invoice of the n-th member: goods at two VAT rates, fees, the cooperative's fee."""
    return [
        DraftLine(
            "goods",
            "Ramette A4 recyclée 80 g",
            Decimal(5 + (n + k) % 40),
            "C62",
            Decimal("4.15"),
            Decimal(20),
        ),
        DraftLine(
            "goods",
            "Café équitable en grains 1 kg",
            Decimal(1 + (3 * n + k) % 7),
            "KGM",
            Decimal("17.90"),
            Decimal("5.5"),
        ),
        DraftLine(
            "shares",
            "Quote-part des frais",
            Decimal(1),
            "C62",
            Decimal("3.27") + Decimal(k) / 100,
            Decimal(20),
        ),
        DraftLine(
            "fee", "Frais de la coopérative", Decimal(1), "C62", Decimal("1.50"), Decimal(20)
        ),
    ]


def issue_without_file(session, member: Member, lines: list[DraftLine], day: date):
    """An invoice numbered, stored and posted as `money.issuing._issue` does, its Factur-X
    file left empty."""
    sequence = next_number(session, "FA", day.year)
    number = f"FA-{day.year}-{sequence:05d}"
    document = typed_document(
        session, kind="invoice", number=number, today=day, member=member, batch=None, lines=lines
    )
    totals = invoice_totals(document)
    invoice = MemberInvoice(
        kind="invoice",
        subject="batch",
        number=number,
        year=day.year,
        sequence=sequence,
        member_id=member.id,
        issue_date=day,
        due_date=document.due_date,
        total_excl=totals.tax_basis_total,
        total_vat=totals.vat_total,
        total_incl=totals.grand_total,
        facturx=b"",
        lines=[
            MemberInvoiceLine(
                position=position,
                kind=line.kind,
                name=line.name,
                quantity=line.quantity,
                unit_code=line.unit_code,
                unit_price=line.unit_price,
                vat_category=item.vat_category,
                vat_rate=item.vat_rate,
                net=to_cent(line.quantity * line.unit_price),
            )
            for position, (line, item) in enumerate(zip(lines, document.lines, strict=True), 1)
        ],
    )
    session.add(invoice)
    session.flush()
    post_document(session, invoice, totals)
    return invoice


def cooperative(session, members: int, invoices: int):
    """The cooperative, its members (one in five with a mandate), their invoices and one
    direct-debit collection; returns the lead, the members and each member's invoices."""
    session.add(Cooperative(id=1, **COOPERATIVE))
    lead = User(email="tresorerie@coachat.test", name="Trésorerie", password_hash="-", role="lead")
    session.add(lead)
    people = []
    for n in range(1, members + 1):
        member = Member(
            name=member_name(n),
            siret=_siret(n, 997),
            address=f"{n} rue des Artisans",
            postcode="54000",
            town="Nancy",
            latitude=48.69,
            longitude=6.18,
        )
        member.sites.append(
            DeliverySite(name="Boutique", town="Nancy", latitude=48.69, longitude=6.18)
        )
        member.users.append(
            User(email=f"compta{n}@membre.test", name=f"Compta {n}", password_hash="-")
        )
        people.append(member)
    session.add_all(people)
    session.flush()
    with_mandate = [m for n, m in enumerate(people, 1) if n % 5 == 0]
    for member in with_mandate:
        values = read_mandate(
            {
                "member_id": member.id,
                "iban": member_iban(member.id),
                "bic": "BNPAFRPPXXX",
                "signed_on": "2026-12-01",
            },
            date(2027, 1, 4),
        )
        add_mandate(session, values, actor=lead)
    issued: dict[int, list[MemberInvoice]] = {m.id: [] for m in people}
    # The first invoice of each member is of January, collected from those with a mandate.
    for n, member in enumerate(people, 1):
        issued[member.id].append(issue_without_file(session, member, share(n, 0), date(2027, 1, 5)))
    run = build_collection(session, date(2027, 2, 4), COLLECTED_ON, date(2027, 2, 1), actor=lead)
    for k in range(1, invoices):
        day = FIRST_ISSUE + timedelta(days=k * 120 // invoices)
        for n, member in enumerate(people, 1):
            issued[member.id].append(issue_without_file(session, member, share(n, k), day))
    return lead, people, issued, run.payments


def statement_lines(people, issued, debits, lines: int) -> tuple[list[StatementLine], dict]:
    """The statement's lines and how many of each kind were written."""
    written: list[StatementLine] = []
    kinds = {"number": 0, "amount and payer": 0, "unknown": 0, "collected": 0, "returned": 0}
    start = date(2027, 3, 1)

    def add(kind: str, **values) -> None:
        n = len(written)
        values.setdefault("credit", True)
        written.append(
            StatementLine(
                booked_on=start + timedelta(days=n * 150 // lines),
                bank_reference=f"2027{n:010d}",
                **values,
            )
        )
        kinds[kind] += 1

    for payment in debits:
        add(
            "collected",
            amount=payment.amount,
            end_to_end_id=payment.end_to_end_id,
            remittance=payment.reference,
        )
    for payment in debits[: max(1, len(debits) // 4)]:
        member = payment.member
        add(
            "returned",
            amount=payment.amount,
            credit=False,
            end_to_end_id=payment.end_to_end_id,
            return_reason="AM04",
            counterparty_name=member.name.upper(),
            counterparty_iban=member_iban(member.id),
        )
    rank = 1  # each member's invoices after the January one, paid in turn
    while len(written) < lines + kinds["returned"]:
        for n, member in enumerate(people, 1):
            if len(written) >= lines + kinds["returned"]:
                break
            invoices = issued[member.id]
            mandate = n % 5 == 0
            iban = member_iban(member.id)
            name = member.name.upper().replace(" SARL", "")
            variant = (n + rank) % 10
            if rank < len(invoices) and variant < 6:
                invoice = invoices[rank]
                add(
                    "number",
                    amount=invoice.total_incl,
                    remittance=f"VIR SEPA {name} REGLEMENT {invoice.number}",
                    counterparty_name=name,
                    counterparty_iban=iban,
                )
            elif rank < len(invoices) and variant < 9:
                invoice = invoices[rank]
                add(
                    "amount and payer",
                    amount=invoice.total_incl,
                    remittance=f"REGLEMENT FACTURE {invoice.issue_date:%m/%Y}",
                    counterparty_name=member.name if n % 2 else name,
                    counterparty_iban=iban if mandate else "",
                )
            elif variant == 9 and n % 2:
                add(
                    "unknown",
                    amount=Decimal(20 + n % 80) + Decimal("0.35"),
                    remittance="ACOMPTE",
                    counterparty_name=name,
                )
            else:
                add(
                    "unknown",
                    amount=Decimal(30 + (n * rank) % 400) + Decimal("0.10"),
                    remittance=f"DON {rank}",
                    counterparty_name=STRANGERS[n % len(STRANGERS)],
                    counterparty_iban=member_iban(n * 1000 + rank, bank="10278"),
                )
        rank += 1
    return written, kinds


def outcomes(session) -> dict[str, int]:
    """How the matched lines were matched: a returned debit, a credit naming the invoice it
    paid, or a credit matched by its amount and payer."""
    found = {"number": 0, "amount and payer": 0, "returned": 0}
    rows = session.execute(
        select(BankLine.id, BankLine.direction, BankLine.remittance, MemberInvoice.number)
        .join(PaymentAllocation, PaymentAllocation.payment_id == BankLine.payment_id)
        .join(MemberInvoice, MemberInvoice.id == PaymentAllocation.invoice_id)
        .where(BankLine.status == "matched")
    )
    seen = set()
    for line_id, direction, remittance, number in rows:
        if line_id in seen:
            continue
        seen.add(line_id)
        if direction == "debit":
            found["returned"] += 1
        elif number in remittance:
            found["number"] += 1
        else:
            found["amount and payer"] += 1
    return found


def counts(session) -> tuple[int, int, int]:
    return (
        session.scalar(select(func.count(BankLine.id))) or 0,
        session.scalar(select(func.count(Payment.id))) or 0,
        session.scalar(select(func.count(JournalEntry.id))) or 0,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--invoices", type=int, default=20, help="invoices per member")
    parser.add_argument("--lines", type=int, default=5_000, help="credit lines")
    parser.add_argument("--profile", action="store_true", help="print where the import's time goes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine_for(f"sqlite:///{folder}/bench.db")
        Base.metadata.create_all(engine)
        sessions = make_session_factory(engine)
        with sessions() as session:
            started = time.perf_counter()
            lead, people, issued, debits = cooperative(session, args.members, args.invoices)
            session.commit()
            lines, kinds = statement_lines(people, issued, debits, args.lines)
            data = statement_file(
                account_iban=COOPERATIVE["iban"],
                statement_id="REL-2027-BENCH",
                created_at=datetime(2027, 8, 1, 18, 0),
                opening_balance=Decimal("25000.00"),
                lines=lines,
            )
            print(
                f"set-up          {args.members} members, {args.members * args.invoices} "
                f"invoices, {len(debits)} direct debits collected, in "
                f"{time.perf_counter() - started:.1f} s"
            )
            print(
                f"statement       {len(lines)} lines, {len(data) / 1_000_000:.1f} MB: "
                + ", ".join(f"{count} {kind}" for kind, count in kinds.items())
            )
            session.expire_all()

            profiler = None
            if args.profile:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            started, cpu_started = time.perf_counter(), time.process_time()
            result = import_bank_statement(session, data, actor=lead)
            session.commit()
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
            if profiler is not None:
                import pstats

                profiler.disable()
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
            print(
                f"first import    {elapsed:.2f} s ({len(lines) / elapsed:,.0f} lines/s, "
                f"processor {cpu:.2f} s; goal < 10 s for 5,000)"
            )
            outcome = outcomes(session)
            print(
                f"                {result.new} new: {outcome['number']} matched by invoice "
                f"number, {outcome['amount and payer']} by amount and payer, "
                f"{outcome['returned']} returned debits rejected, {result.recognised} collected "
                f"debits recognised, {result.waiting} left for the lead"
            )

            before = counts(session)
            session.expire_all()
            started = time.perf_counter()
            again = import_bank_statement(session, data, actor=lead)
            session.commit()
            elapsed = time.perf_counter() - started
            changed = "nothing changed" if counts(session) == before else "SOMETHING CHANGED"
            print(
                f"second import   {elapsed:.2f} s: {again.new} new, {again.already} known, "
                f"{changed} (bank lines, payments, journal entries: {before})"
            )
        engine.dispose()


if __name__ == "__main__":
    main()
