# voc-warehouse. Every target installs what it needs first, so each works on a fresh clone.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv
BIN := $(VENV)/bin

export DAGSTER_HOME := $(CURDIR)/.dagster
export UV_PYTHON_DOWNLOADS := never
export UV_COMPILE_BYTECODE := 1
export PYTHONDONTWRITEBYTECODE :=

.PHONY: help install demo report test dev docs quality-docs bench bench-10m bench-smoke lint clean

help:  ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

$(DAGSTER_HOME)/dagster.yaml:
	@mkdir -p $(DAGSTER_HOME)
	@ln -sf ../dagster.yaml $(DAGSTER_HOME)/dagster.yaml

install: $(VENV)/.installed $(DAGSTER_HOME)/dagster.yaml  ## install into .venv (uv, locked)

demo: install  ## generate sample feedback, run the whole pipeline, print a summary
	$(BIN)/python -m sample_data
	$(BIN)/voc run
	$(BIN)/voc summary

report: install  ## build the VoC report from the current serving copy, print its path
	$(BIN)/voc report

test: install  ## run the whole test suite
	$(BIN)/python -m pytest

dev: install  ## Dagster UI on http://127.0.0.1:3000
	$(BIN)/dagster dev -h 127.0.0.1 -p 3000

docs: install  ## dbt docs (every table and column described) into dbt_project/target/
	$(BIN)/voc dbt docs generate
	@echo "Open dbt_project/target/index.html, or: $(BIN)/voc dbt docs serve --host 127.0.0.1"

quality-docs:  ## open the Great Expectations Data Docs of the last runs
	@docs=$${VOC_QUALITY_DOCS_DIR:-$(CURDIR)/data/quality_docs}/index.html; \
	if [ ! -f "$$docs" ]; then echo "No Data Docs yet at $$docs: run make demo (or voc run) first."; exit 1; fi; \
	echo "GX Data Docs: file://$$docs"; \
	(command -v xdg-open >/dev/null && xdg-open "$$docs" >/dev/null 2>&1 &) || true

bench: install  ## benchmarks: end to end at 100k and 1M (history, no-op run, +1% refresh), text, fake reviews; targets with verdicts
	$(UV) sync --frozen --group bench --python $(PYTHON)
	@mkdir -p bench/results
	@# Every benchmark runs even if one fails; the table is printed; then make fails if any did.
	@failed=""; set -o pipefail; \
	$(BIN)/python -m bench.e2e_bench --scale 100k --scale 1M --json bench/results/e2e_100k_1M.json || failed="$$failed e2e"; \
	$(BIN)/python -m bench.text_bench 100000 | tee bench/results/text_bench.json || failed="$$failed text"; \
	$(BIN)/python -m bench.fake_review_bench --json bench/results/fake_review.json || failed="$$failed fake_review"; \
	if [ -f ../shared/data/fake_reviews/yelp_behaviour_dev.csv ]; then \
	$(BIN)/python -m bench.fake_review_eval || failed="$$failed fake_review_yelp"; \
	else echo "bench.fake_review_eval skipped: ../shared/data/fake_reviews is not beside the project"; fi; \
	$(BIN)/python -m bench.report || failed="$$failed report"; \
	if [ -n "$$failed" ]; then echo "make bench: failed:$$failed"; exit 1; fi

bench-10m: install  ## end to end at 10M items (~1 h with generation, 8 GB): its figures join make bench's table
	$(UV) sync --frozen --group bench --python $(PYTHON)
	@mkdir -p bench/results
	@failed=""; \
	$(BIN)/python -m bench.e2e_bench --scale 10M --json bench/results/e2e_10M.json || failed="$$failed e2e"; \
	$(BIN)/python -m bench.report || failed="$$failed report"; \
	if [ -n "$$failed" ]; then echo "make bench-10m: failed:$$failed"; exit 1; fi

bench-smoke: install  ## the end-to-end benchmark at 10k items (CI: keeps it working; fails if a stage fails)
	$(BIN)/python -m bench.e2e_bench --scale 10k --no-refresh --json bench/results/smoke/e2e_10k.json

lint: install  ## ruff, sqlfluff and the import layers (also run by the test suite)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DBT_TARGET_PATH=$(CURDIR)/dbt_project/target/sqlfluff $(BIN)/sqlfluff lint dbt_project/models
	$(BIN)/lint-imports

clean:  ## remove generated data, the warehouse and Dagster's run history (keeps .venv)
	rm -rf data .dagster dbt_project/target dbt_project/logs
