# The two commands: `make run` (set up and serve the demo) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PROVINCE ?= 08

.PHONY: install run test test-sqlite test-postgres api-fuzz lint check-migrations bench bench-scale clean

install: $(VENV)/.installed

# For development: the runtime (requirements.txt) and the test tools (requirements-dev.txt).
# Production installs requirements.txt only (docs/deployment.md).
$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# The first page within a minute on a 2-core machine (docs/benchmarks.md): the small demo (all 124
# communes and every role, 4 villages each) unless SIZE=default (30 villages each, about 70 s more).
# Every step prints its progress; the logins go to var/demo-logins.csv.
SIZE ?= small

# Any province: `make run PROVINCE=01` (Hà Nội). Every command and the server get PROVINCE_CODE, so
# the public pages show that province first when the database holds several.
RUN_ENV = DEBUG=1 PROVINCE_CODE=$(PROVINCE)

run: install
	mkdir -p var
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py load_units --province $(PROVINCE)
	$(RUN_ENV) $(PY) manage.py seed_demo --province $(PROVINCE) --size $(SIZE)
	$(RUN_ENV) $(PY) manage.py activity_partitions --ahead 3
	@echo "Mở http://127.0.0.1:8000 (Ctrl+C để dừng; máy gửi thông báo chạy kèm)"
	$(RUN_ENV) $(PY) manage.py outbox_worker --no-startup-delay & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:8000

lint: install
	$(BIN)/ruff check .

check-migrations: install
	env -u DATABASE_URL $(PY) manage.py makemigrations --check --dry-run

# Every test runs on SQLite; when DATABASE_URL points at PostgreSQL, every test runs there too.
# Then the API is fuzzed by a real client against a live server (api-fuzz).
test: lint check-migrations test-sqlite
	@case "$$DATABASE_URL" in postgres*) $(MAKE) --no-print-directory test-postgres ;; \
	  *) echo "DATABASE_URL is not PostgreSQL: PostgreSQL run skipped (.ci/run sets it)." ;; esac
	@$(MAKE) --no-print-directory api-fuzz

test-sqlite: install
	@echo "== tests on SQLite"
	env -u DATABASE_URL $(BIN)/pytest

test-postgres: install
	@echo "== tests on PostgreSQL"
	$(BIN)/pytest

# schemathesis against gunicorn on a free port with the small demo (its own SQLite database under
# var/), as an anonymous caller, a team member, a commune officer and a machine client: fails on any
# 5xx or any answer that does not conform to /api/v1/openapi.json. See tests/api/fuzz/api_fuzz.py.
api-fuzz: install
	@echo "== API fuzz (schemathesis)"
	$(PY) tests/api/fuzz/api_fuzz.py

bench: install
	$(PY) bench/page_weight.py
	$(PY) bench/coverage.py
	$(PY) bench/reports.py
	$(PY) bench/fieldwork.py
	$(PY) bench/dashboard.py
	$(PY) bench/leader_month.py
	$(PY) bench/api.py

# Issue #18, on PostgreSQL (DATABASE_URL): numbers against their bare SQL, the country at national size
# (builds and drops its own database, ~13 GB and ~35 min at full size), submission day's load.
bench-scale: install
	$(PY) bench/floor.py
	$(PY) bench/national.py --scale $(or $(SCALE),0.1)
	$(PY) bench/load.py --times $(or $(TIMES),10) --workers 5

clean:
	rm -rf $(VENV) var staticfiles
