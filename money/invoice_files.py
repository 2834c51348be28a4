"""Drawing the Factur-X files of many invoices at once (a batch of two thousand members).

Drawing a file takes longer than numbering, storing and posting the invoice, and needs
nothing but the typed document: from a batch large enough to pay for starting them, the files
are drawn by a pool of worker processes, one per processor, from the documents the issuing
process makes (numbers taken, lines, totals, parties), and come back as bytes in the order
given. The workers start on the first documents while the issuing process makes the next ones,
and each file is handed over as soon as it is drawn, so that the issuing process stores and
posts an invoice while the next ones are drawn. The database work stays in the issuing process,
in its one transaction. A file drawn in a worker is byte for byte the file drawn in the issuing
process (`invoice_file` stamps it with its issue date, not with the time it is drawn).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Generator, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor

from money.documents import Invoice
from money.formats.invoice_file import invoice_file

# Below this many files, starting the workers (a second or so) costs more than it saves.
PARALLEL_FROM = 50
# Documents sent to a worker at once: enough to make passing them cheap, few enough that the
# first files come back soon and no worker is left idle at the end.
CHUNK = 20

_logo = b""


def draw_files(documents: Sequence[Invoice], logo: bytes = b"") -> list[bytes]:
    """Each document's Factur-X file, in order: in a pool of processes for a large batch on a
    machine with more than one processor, in this process otherwise."""
    return list(drawn_files(documents, len(documents), logo))


def drawn_files(
    documents: Iterable[Invoice], count: int, logo: bytes = b""
) -> Generator[bytes, None, None]:
    """The files of `count` documents, in order, each as soon as it is drawn, as `draw_files`
    draws them. The documents are read as the workers take them, all before the first file is
    given; close the iterator (`contextlib.closing`) if it is left before its end."""
    workers = os.cpu_count() or 1
    if count < PARALLEL_FROM or workers < 2:
        return (invoice_file(document, logo) for document in list(documents))
    return drawn_in_pool(documents, logo, workers)


def draw_in_pool(documents: Sequence[Invoice], logo: bytes, workers: int) -> list[bytes]:
    """The files drawn by `workers` new processes."""
    return list(drawn_in_pool(documents, logo, workers))


def drawn_in_pool(
    documents: Iterable[Invoice], logo: bytes, workers: int
) -> Generator[bytes, None, None]:
    """The files drawn by `workers` new processes, in order, each as soon as it is drawn. They
    are forked from a server process started afresh, once per issuing process, that has
    imported the program and the drawing modules: never from the issuing process itself, whose
    open database connection and locks a fork would copy, and without each worker importing
    the program again as a spawned one does (a few seconds of processor time each)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["__main__", "money.formats.invoice_file"])
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_keep_logo,
        initargs=(logo,),
    )
    try:
        # `map` sends each chunk as soon as it is read, so the first workers start drawing
        # while the rest of the documents are still being made.
        yield from pool.map(_draw, documents, chunksize=CHUNK)
    finally:
        pool.shutdown(cancel_futures=True)


def _keep_logo(logo: bytes) -> None:
    # The logo is the same on every file: sent to each worker once, not with every document.
    global _logo
    _logo = logo


def _draw(document: Invoice) -> bytes:
    return invoice_file(document, _logo)
