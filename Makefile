# One obvious way to run everything. `make test` and `make run` work on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CORPUS := ../shared/corpus
APT_PACKAGES := tesseract-ocr tesseract-ocr-nld prometheus chromium chromium-driver

.PHONY: venv system run up down test lint typecheck unit integration e2e promtool schemas \
        schemas-check dashboards dashboards-check samples eval train bench bench-extract profile audit \
        audit-if-reachable clean

$(BIN)/pcflow: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -U pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

venv: $(BIN)/pcflow

# Debian packages: Tesseract for scanned pages, Prometheus (and promtool) for observability,
# Chromium and its driver for the browser tests of `pcflow web`.
system:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing; \
	fi

run: venv system
	$(BIN)/pcflow up
	$(BIN)/pcflow submit samples/*.pdf
	@echo "Open: http://127.0.0.1:$${PCFLOW_WEB_PORT:-8080}/"
	@echo "Look: $(BIN)/pcflow status | $(BIN)/pcflow show ID | $(BIN)/pcflow tail --from-beginning"
	@echo "Stop: $(BIN)/pcflow down"

up: venv
	$(BIN)/pcflow up

down: venv
	$(BIN)/pcflow down

test: venv system lint typecheck schemas-check dashboards-check promtool audit-if-reachable
	$(BIN)/pytest -q -p no:cacheprovider tests

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy shared services pcflow bench deploy samples

unit: venv
	$(BIN)/pytest -q tests/unit

integration: venv system
	$(BIN)/pytest -q tests/integration

e2e: venv system
	$(BIN)/pytest -q tests/e2e

promtool: system
	promtool check config deploy/prometheus/prometheus.yml
	promtool check config deploy/prometheus/prometheus-embedded.yml
	promtool check rules deploy/prometheus/alerts.yml
	promtool test rules deploy/prometheus/tests/*.yml

# pip-audit alone prints "No known vulnerabilities found" when its service answered for no
# package: `make audit` fails then, and on any known vulnerability.
audit: venv
	$(BIN)/python -m pcflow.audit

# The audit `make test` runs: a known vulnerability fails it; a service that cannot be reached
# (CI machines may have no route to it) is reported as "NOTHING WAS AUDITED" without failing.
audit-if-reachable: venv
	$(BIN)/python -m pcflow.audit --allow-unreachable

# JSON Schemas of the events and the AsyncAPI document, generated from shared/events.py.
schemas: venv
	$(BIN)/python -m pcflow.schemas docs/schemas

schemas-check: venv
	$(BIN)/python -m pcflow.schemas docs/schemas --check

# Grafana dashboards as code: deploy/grafana/dashboards.py writes the committed JSON.
dashboards: venv
	$(BIN)/python -m deploy.grafana.dashboards

dashboards-check: venv
	$(BIN)/python -m deploy.grafana.dashboards --check

samples: venv
	$(BIN)/python -m samples.make_samples samples

# Leave-one-report-out is the headline: each report labelled by a model trained on the others.
eval: venv system
	$(BIN)/pcflow eval $(CORPUS)/dev --loro --out var/eval
	@echo "== in-sample: the shipped model, trained on these very reports (no evidence of quality) =="
	$(BIN)/python $(CORPUS)/score.py --dir $(CORPUS)/dev var/eval/in-sample
	@echo "== leave-one-report-out: each report labelled by a model that never saw it =="
	$(BIN)/python $(CORPUS)/score.py --dir $(CORPUS)/dev var/eval/loro
	$(BIN)/python $(CORPUS)/score.py --dir $(CORPUS)/dev var/eval/loro --json > var/eval/loro.json

train: venv system
	$(BIN)/python -m services.classify.train $(CORPUS)/dev

bench: venv system
	$(BIN)/python -u -m bench.run

bench-extract: venv system
	$(BIN)/python -u -m bench.bench_extract

profile: venv
	$(BIN)/python -u -m bench.profile

clean:
	rm -rf var build *.egg-info .mypy_cache .ruff_cache
