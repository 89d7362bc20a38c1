# Carnet: `make run` starts everything with a demo organization; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The services are listed once, in services.toml.
SERVICE_DIRS := $(addprefix services/,$(shell $(PYTHON) scripts/services.py names))
LIBS := libs/carnet_common libs/carnet_contracts libs/carnet_custom_fields libs/carnet_testing
PACKAGES := $(LIBS) $(SERVICE_DIRS) gateway
STAMP := $(VENV)/.installed-stamp
export PSYCOPG_WAIT_FUNC := wait_select

# Each suite runs in its own pytest process (docs/conventions.md). Unit suites need no server; the others talk to the real
# PostgreSQL, RabbitMQ and Redis: each service's integration tests, then the suites that span services.
UNIT_SUITES := $(wildcard $(addsuffix /tests/unit,$(LIBS) $(SERVICE_DIRS) gateway))
SERVER_SUITES := $(wildcard $(addsuffix /tests/integration,$(LIBS) $(SERVICE_DIRS) gateway)) \
	tests/contract tests/deploy tests/e2e tests/e2e_contacts tests/e2e_opportunities tests/e2e_campaigns tests/e2e_forms tests/walkthrough tests/api_fuzz \
	tests/web tests/browser

.PHONY: install run reset test unit integration lint bench bench-web migrate clean fuzz

$(STAMP): constraints.txt requirements-dev.txt tests/deploy/requirements.txt services.toml \
		$(addsuffix /pyproject.toml,$(PACKAGES))
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -c constraints.txt \
		$(addprefix -e ./,$(PACKAGES)) -r requirements-dev.txt -r tests/deploy/requirements.txt
	@touch $@

install: $(STAMP)

run: install
	@cd scripts && ../$(BIN)/python devrun.py

reset: install
	@cd scripts && ../$(BIN)/python devrun.py --reset

migrate: install
	@cd scripts && ../$(BIN)/python -c 'import os, stack; [stack.bootstrap(s, dict(os.environ)) for s in stack.SERVICES]'

test: install
	@$(MAKE) --no-print-directory suites SUITES="$(UNIT_SUITES) $(SERVER_SUITES)"

unit: install
	@$(MAKE) --no-print-directory suites SUITES="$(UNIT_SUITES)"

integration: install
	@$(MAKE) --no-print-directory suites SUITES="$(SERVER_SUITES)"

# Every suite runs even when one fails; the status says whether any failed. SUITE_JOBS suites run at once
# (scripts/suites.py: each suite's output printed whole when it ends, then the time of each).
SUITE_JOBS ?= 2
suites:
	@$(BIN)/python scripts/suites.py --jobs $(SUITE_JOBS) --pytest $(BIN)/pytest $(SUITES)

lint: install
	$(BIN)/ruff check libs services gateway scripts tests bench deploy

bench: install
	$(BIN)/python bench/run.py

# The web client's budgets (issue 11; bench/web/README.md): JavaScript per page, the contacts list page's server time
# on 1,000,000 contacts, first contentful paint in Chromium. STATE=/tmp/carnet_bench_contacts_<id>.json reuses a
# seeded database (bench/contacts/run.py --keep-db); without it the run seeds one first (~6 min).
bench-web: install
	$(BIN)/python bench/web/budgets.py $(if $(STATE),--reuse $(STATE))

# Schemathesis with every check over /api/openapi.json of a fresh system, as an administrator (issue 10 §5): every
# phase (stateful included), 200 examples per operation and phase, a new seed each run; the report goes under
# .run/fuzz/. FUZZ_ARGS: more options of tests/api_fuzz/fuzz.py (--max-examples, --seed, --phases, --workers).
# `make test` runs a bounded pass of it (tests/api_fuzz/test_conformance.py: fixed seed, 2 examples).
fuzz: install
	$(BIN)/python tests/api_fuzz/fuzz.py $(FUZZ_ARGS)

clean:
	rm -rf $(VENV)
