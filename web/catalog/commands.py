"""`coachat catalog`: importing a supplier's price list from the shell."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from purchasing.permissions import CHANGE_CATALOG, require
from web.commands import acting_as, actor, transaction
from web.config import from_environment


@click.group()
def catalog() -> None:
    """The supplier catalog."""


@catalog.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--supplier", "supplier_key", required=True, help="Supplier id, SIRET or exact name.")
@click.option("--map", "mappings", multiple=True, help="FIELD=HEADER, to adjust a column.")
@click.option(
    "--complete",
    is_flag=True,
    help="The file is the supplier's whole catalog: deactivate its offers missing from it.",
)
@click.option("--dry-run", is_flag=True, help="Show the preview and import nothing.")
@click.option("--max-rows", default=20_000, show_default=True)
@acting_as
def catalog_import(
    path: str,
    supplier_key: str,
    mappings: tuple[str, ...],
    complete: bool,
    dry_run: bool,
    max_rows: int,
    acting_email: str | None,
) -> None:
    """Import a supplier's price list (CSV or XLSX): all of it, or nothing if a row is wrong.

    Offers missing from the file stay active unless --complete says the file is the supplier's
    whole catalog."""
    from suppliers.directory import find_supplier
    from suppliers.imports import apply_import, plan_import

    mapping: dict[str, str | None] = {}
    for item in mappings:
        field, _, header = item.partition("=")
        mapping[field.strip()] = header.strip() or None
    data = Path(path).read_bytes()
    settings = from_environment()
    with transaction(commit=not dry_run) as session:
        importer = actor(session, acting_email)
        require(importer, CHANGE_CATALOG)  # the catalog's use cases know nothing of roles
        supplier = find_supplier(session, supplier_key)
        try:
            plan = plan_import(
                session,
                supplier.id,
                data,
                Path(path).name,
                mapping or None,
                complete=complete,
                max_rows=max_rows,
                max_bytes=settings["MAX_UPLOAD_BYTES"],
                progress=_progress_printer(),
            )
        except ValueError as error:  # an unknown field name in --map
            raise click.ClickException(str(error)) from error
        counts = plan.counts()
        if not plan.ok:
            for message in plan.catalog.messages:
                click.echo(message, err=True)
            click.echo(f"{len(plan.catalog.messages)} problem(s): nothing was imported.", err=True)
            sys.exit(2)
        click.echo(
            f"{supplier.name}: {counts['create']} to create, {counts['update']} to update, "
            f"{counts['deactivate']} to deactivate; {counts['auto'] + counts['known']} matched, "
            f"{counts['review']} to review, {counts['new']} new products."
        )
        kept = counts["missing"] - counts["deactivate"]
        if kept:
            click.echo(
                f"{kept} offer(s) missing from the file stay active (--complete deactivates them)."
            )
        if dry_run:
            click.echo("Dry run: nothing was imported.")
            return
        result = apply_import(session, plan, actor=importer)
    click.echo(
        f"Imported: {result.created} created, {result.updated} updated, "
        f"{result.deactivated} deactivated, {result.new_products} new products, "
        f"{result.to_review} to review."
    )


def _progress_printer() -> Callable[[int, int], None] | None:
    """Prints the rows checked so far on a terminal, for large files."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        if done == total or done % 1000 == 0:
            click.echo(f"\rchecked {done}/{total} rows", err=True, nl=done == total)

    return show


commands = [catalog]
