"""How long reading suppliers' invoices takes: 1,000 CII (Factur-X EN 16931) invoices of 50
lines each, each parsed, checked against its schema, read and checked for its sums.

    .venv/bin/python benchmarks/supplier_invoices_read.py [--invoices 1000] [--lines 50]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from money.formats.received import read_supplier_invoice
from tests.money.supplier_invoices import DELIVERY_FEE, Invoice, Line, cii

RATES = ("20", "20", "5.5", "10")


def invoice(number: int, lines: int) -> bytes:
    return cii(
        Invoice(
            number=f"F2027-{number:05}",
            lines=tuple(
                Line(
                    str(n),
                    f"REF-{n:04}",
                    f"Article {n} du catalogue coopératif",
                    str(1 + (number + n) % 40),
                    f"{1 + (n * 7) % 90}.{n % 100:02}",
                    rate=RATES[n % len(RATES)],
                    base_quantity="100" if n % 9 == 0 else None,
                )
                for n in range(1, lines + 1)
            ),
            adjustments=(DELIVERY_FEE,),
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invoices", type=int, default=1_000)
    parser.add_argument("--lines", type=int, default=50)
    args = parser.parse_args()
    files = [invoice(number, args.lines) for number in range(1, args.invoices + 1)]
    started, cpu_started = time.perf_counter(), time.process_time()
    read = [read_supplier_invoice(data) for data in files]
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    size = sum(len(data) for data in files) / len(files) / 1000
    print(f"invoices        {len(read)} of {args.lines} lines ({size:.0f} kB each)")
    print(f"lines read      {sum(len(i.lines) for i in read):,}")
    print(f"time            {elapsed:.2f} s  ({1000 * elapsed / len(read):.1f} ms an invoice)")
    print(f"processor time  {cpu:.2f} s  (less than the time when the machine is busy elsewhere)")


if __name__ == "__main__":
    main()
