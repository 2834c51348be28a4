"""How long reading a bank statement takes: a CAMT.053 (version 02) statement of 5,000 entries,
one in ten a direct-debit collection of five transactions, read and checked into typed entries.

    .venv/bin/python benchmarks/camt_read.py [--entries 5000]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from money.formats.camt import read_bank_statement

ACCOUNT = "FR7642559100000800123456771"
MEMBERS = [
    ("BOULANGERIE LE FOURNIL", "FR7630004008120001029384757"),
    ("ATELIER VELO SOLIDAIRE", "FR7610278089000002051170282"),
    ("RESSOURCERIE DES PENTES", "FR7630003012340005066778864"),
    ("EPICERIE VRAC ET CO", "FR7613807001237002198765454"),
    ("TRAITEUR LES SAISONS", "FR8120041010050512345K02241"),
]
SUPPLIER = ("PAPETERIE DU RHONE", "FR7617515900000812345678938")


def transaction(n: int, amount: Decimal, party: tuple[str, str], side: str, batch: bool) -> str:
    own_amount = f'<AmtDtls><TxAmt><Amt Ccy="EUR">{amount}</Amt></TxAmt></AmtDtls>' if batch else ""
    return (
        f"<TxDtls><Refs><EndToEndId>E2E-{n:07}</EndToEndId></Refs>{own_amount}"
        f"<RltdPties><{side}><Nm>{party[0]}</Nm></{side}>"
        f"<{side}Acct><Id><IBAN>{party[1]}</IBAN></Id></{side}Acct></RltdPties>"
        f"<RmtInf><Ustrd>FA-2027-{n:05} {party[0]}</Ustrd></RmtInf></TxDtls>"
    )


def entry(n: int, day: date) -> tuple[str, Decimal]:
    """The XML of the n-th entry and what it does to the balance."""
    booked = f"<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>"
    reference = f"<AcctSvcrRef>{day:%Y%m%d}{n:08}</AcctSvcrRef>" if n % 7 else ""
    if n % 10 == 0:
        amounts = [Decimal(100 + (n + k) % 400) + Decimal("0.25") for k in range(5)]
        total = sum(amounts, Decimal(0))
        details = "".join(
            transaction(n * 10 + k, amounts[k], MEMBERS[k], "Dbtr", batch=True) for k in range(5)
        )
        code, sign, direction = "IDDT", 1, "CRDT"
    elif n % 3 == 0:
        total = Decimal(500 + n % 900) + Decimal("0.80")
        details = transaction(n * 10, total, SUPPLIER, "Cdtr", batch=False)
        code, sign, direction = "ICDT", -1, "DBIT"
    else:
        total = Decimal(50 + n % 700) + Decimal("0.40")
        details = transaction(n * 10, total, MEMBERS[n % 5], "Dbtr", batch=False)
        code, sign, direction = "RCDT", 1, "CRDT"
    xml = (
        f'<Ntry><Amt Ccy="EUR">{total}</Amt><CdtDbtInd>{direction}</CdtDbtInd>'
        f"<Sts>BOOK</Sts>{booked}{reference}"
        f"<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>{code}</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly>"
        f"</Domn></BkTxCd><NtryDtls>{details}</NtryDtls></Ntry>"
    )
    return xml, sign * total


def statement(entries: int) -> bytes:
    opening = Decimal("250000.00")
    balance = opening
    parts = []
    for n in range(1, entries + 1):
        xml, change = entry(n, date(2027, 1, 1) + timedelta(days=n * 365 // (entries + 1)))
        parts.append(xml)
        balance += change

    def bal(code: str, amount: Decimal, on: str) -> str:
        return (
            f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
            f'<Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{on}</Dt></Dt></Bal>'
        )

    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2027-12-31T18:00:00</CreDtTm></GrpHdr>"
        "<Stmt><Id>BENCH-2027</Id><CreDtTm>2027-12-31T18:00:00</CreDtTm>"
        f"<Acct><Id><IBAN>{ACCOUNT}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        + bal("OPBD", opening, "2027-01-01")
        + bal("CLBD", balance, "2027-12-31")
        + "".join(parts)
        + "</Stmt></BkToCstmrStmt></Document>"
    ).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=5_000)
    args = parser.parse_args()
    data = statement(args.entries)
    started, cpu_started = time.perf_counter(), time.process_time()
    read = read_bank_statement(data)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    keys = {e.fingerprint for e in read.entries}
    print(f"file            {len(data) / 1_000_000:.1f} MB, {args.entries} entries")
    print(f"payments read   {len(read.entries)} ({len(keys)} distinct keys)")
    print(f"time            {elapsed:.2f} s  ({args.entries / elapsed:,.0f} entries/s)")
    print(f"processor time  {cpu:.2f} s  (less than the time when the machine is busy elsewhere)")


if __name__ == "__main__":
    main()
