"""The cooperative's books for its leads: every member's balance and aged receivables, and the
accountant's files (the FEC of a fiscal year, the journal and the receivables as spreadsheets),
as pages and as `coachat accounting` commands."""

from flask import Blueprint

blueprint = Blueprint("books", __name__, template_folder="templates")

from web.books import routes  # noqa: E402, F401 - views attach
