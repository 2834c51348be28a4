"""Drawing the Factur-X files of many invoices at once (a batch of two thousand members).

Drawing a file takes far longer than numbering, storing and posting the invoice, and needs
nothing but the typed document: from a batch large enough to pay for starting them, the files
are drawn by a pool of worker processes, one per processor, from the documents the issuing
process made (numbers taken, lines, totals, parties), and come back as bytes in the order
given. The database work stays in the issuing process, in its one transaction. A file drawn
in a worker is byte for byte the file drawn in the issuing process (`invoice_file` stamps it
with its issue date, not with the time it is drawn).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from money.documents import Invoice
from money.formats.invoice_file import invoice_file

# Below this many files, starting the workers (a second or so) costs more than it saves.
PARALLEL_FROM = 50

_logo = b""


def draw_files(documents: Sequence[Invoice], logo: bytes = b"") -> list[bytes]:
    """Each document's Factur-X file, in order: in a pool of processes for a large batch on a
    machine with more than one processor, in this process otherwise."""
    workers = os.cpu_count() or 1
    if len(documents) < PARALLEL_FROM or workers < 2:
        return [invoice_file(document, logo) for document in documents]
    return draw_in_pool(documents, logo, workers)


def draw_in_pool(documents: Sequence[Invoice], logo: bytes, workers: int) -> list[bytes]:
    """The files drawn by `workers` new processes. They are spawned, not forked: a fork would
    copy the issuing process's open database connection and locks."""
    # Work is handed out in a few chunks per worker: one document per message would spend
    # more on passing messages, a single chunk per worker would leave one idle at the end.
    chunk = max(1, len(documents) // (workers * 4))
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_keep_logo,
        initargs=(logo,),
    ) as pool:
        return list(pool.map(_draw, documents, chunksize=chunk))


def _keep_logo(logo: bytes) -> None:
    # The logo is the same on every file: sent to each worker once, not with every document.
    global _logo
    _logo = logo


def _draw(document: Invoice) -> bytes:
    return invoice_file(document, _logo)
