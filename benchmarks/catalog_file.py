"""How long checking a supplier's price list takes: 20,000 CSV rows read, checked and matched
to the columns, with progress reported as it goes.

    .venv/bin/python benchmarks/catalog_file.py [--rows 20000]
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from suppliers.catalog_file import read_catalog

HEADER = ["Référence", "Désignation", "Colisage", "Prix unitaire HT", "Prix dès 10", "Catégorie",
          "TVA", "Valable jusqu'au"]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADER)
    for n in range(args.rows):
        writer.writerow([f"R{n:05}", f"Produit {n}", "5", "2,50", "2,40", "Papeterie", "20 %",
                         "31/12/2027"])  # fmt: skip
    data = out.getvalue().encode("utf-8")
    calls = 0

    def progress(_done: int, _total: int) -> None:
        nonlocal calls
        calls += 1

    started = time.perf_counter()
    catalog = read_catalog(data, "tarifs.csv", progress=progress)
    elapsed = time.perf_counter() - started
    print(f"rows checked   {len(catalog.rows)} ({'valid' if catalog.ok else 'with errors'})")
    print(f"time           {elapsed:.2f} s  ({len(catalog.rows) / elapsed:,.0f} rows/s)")
    print(f"progress calls {calls}")


if __name__ == "__main__":
    main()
