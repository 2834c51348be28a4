# coachat: `make run` serves the demo cooperative, `make test` runs every check.
VENV    := .venv
BIN     := $(VENV)/bin
PY      := $(BIN)/python
HOST    ?= 127.0.0.1
PORT    ?= 5000

.PHONY: run test lint typecheck pytest translations venv venv-dev clean

$(PY):
	@python=$$(scripts/find-python) || exit 1; \
	echo "Creating $(VENV) with $$python"; \
	"$$python" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip setuptools wheel

$(VENV)/.installed: $(PY) setup.cfg pyproject.toml
	@# compat: the working folder itself is on the path (tests/ holds folders named like packages).
	PYTHONWARNINGS="ignore:Compat editable installs" $(PY) -m pip install --quiet --config-settings editable_mode=compat -e .
	@touch $@

$(VENV)/.installed-dev: $(PY) setup.cfg pyproject.toml
	PYTHONWARNINGS="ignore:Compat editable installs" $(PY) -m pip install --quiet --config-settings editable_mode=compat -e '.[dev]'
	@touch $@ $(VENV)/.installed

venv: $(VENV)/.installed translations
venv-dev: $(VENV)/.installed-dev translations

translations: $(VENV)/.installed
	@$(BIN)/pybabel compile --statistics -d web/translations 2>&1 | grep -v '^$$' || true

run: venv
	$(BIN)/coachat run --host $(HOST) --port $(PORT)

lint: venv-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/hadolint Dockerfile

typecheck: venv-dev
	$(BIN)/mypy optimizer persistence infrastructure mailing suppliers purchasing money scheduling demo web

# worksteal: each worker takes single tests, and takes over part of the other's queue when its
# own runs out, so a file of long tests no longer keeps one worker busy while the other waits.
pytest: venv-dev
	$(BIN)/pytest -n 2 --dist worksteal $(PYTEST_ARGS)

test: lint typecheck pytest

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache

# After changing user-facing text: refresh the catalog, translate the new French entries, compile.
translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _l -k lazy_gettext --no-location --omit-header \
		--sort-output -o web/translations/messages.pot web purchasing suppliers money scheduling demo
	$(BIN)/pybabel update -i web/translations/messages.pot -d web/translations \
		--ignore-obsolete
