# Carnet: `make run` starts everything with a demo organization; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PACKAGES := libs/carnet_common services/identity services/contacts services/opportunities gateway
STAMP := $(VENV)/.installed-stamp
export PSYCOPG_WAIT_FUNC := wait_select

# Each suite runs in its own pytest process (STYLE.md): unit and integration per service, then the
# contract, deploy and end-to-end suites that span services.
SUITES := libs/carnet_common/tests services/identity/tests services/contacts/tests services/opportunities/tests \
	gateway/tests \
	tests/contract tests/deploy tests/e2e tests/e2e_contacts tests/e2e_opportunities

.PHONY: install run test lint bench migrate clean

$(STAMP): constraints.txt requirements-dev.txt tests/deploy/requirements.txt $(addsuffix /pyproject.toml,$(PACKAGES))
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -c constraints.txt \
		$(addprefix -e ./,$(PACKAGES)) -r requirements-dev.txt -r tests/deploy/requirements.txt
	@touch $@

install: $(STAMP)

run: install
	@cd scripts && ../$(BIN)/python devrun.py

migrate: install
	@cd scripts && ../$(BIN)/python -c 'import os, stack; [stack.bootstrap(s, dict(os.environ)) for s in stack.SERVICES]'

test: install
	@status=0; for suite in $(SUITES); do \
		echo "== $$suite"; $(BIN)/pytest -q -p no:cacheprovider $$suite || status=1; \
	done; exit $$status

lint: install
	$(BIN)/ruff check libs services gateway scripts tests bench

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV)
