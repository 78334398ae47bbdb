# egov: `make run` serves the demo, `make test` runs every gate. Nothing else is needed.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# QR codes, e-mails and the payment stand-in link back here.
SITE_URL ?= http://127.0.0.1:$(PORT)
export SITE_URL
# Debian packages the test suite drives: the browser, gettext for the translation check,
# SoftHSM for PKCS#11 signing, fonts with Vietnamese glyphs for PDFs.
TEST_SYSTEM_PACKAGES := chromium gettext softhsm2 opensc fonts-noto-core fonts-dejavu-core
RUN_SYSTEM_PACKAGES := fonts-noto-core fonts-dejavu-core

export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint typecheck pytest bench messages lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime-installed: requirements.lock | $(BIN)/python
	./scripts/pip-install.sh -r requirements.lock
	touch $@

$(VENV)/.dev-installed: requirements-dev.lock | $(BIN)/python
	./scripts/pip-install.sh -r requirements-dev.lock
	./scripts/pip-install.sh --no-deps --no-build-isolation -e .
	touch $@ $(VENV)/.runtime-installed

run: $(VENV)/.runtime-installed
	@-./scripts/ensure-system-packages.sh $(RUN_SYSTEM_PACKAGES)
	@mkdir -p var
	@$(BIN)/python scripts/compile_translations.py
	@DEBUG=1 SECURE=0 $(BIN)/python manage.py migrate --no-input -v 0
	@DEBUG=1 SECURE=0 $(BIN)/python manage.py collectstatic --no-input -v 0
	@DEBUG=1 SECURE=0 $(BIN)/python manage.py load_demo | tee var/demo-logins.txt
	@DEBUG=1 SECURE=0 PORT=$(PORT) ./scripts/serve.sh

test: $(VENV)/.dev-installed
	./scripts/ensure-system-packages.sh $(TEST_SYSTEM_PACKAGES)
	$(BIN)/python scripts/compile_translations.py
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	DEBUG=1 $(BIN)/mypy egov
	./scripts/pytest.sh

lint: $(VENV)/.dev-installed
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: $(VENV)/.dev-installed
	DEBUG=1 $(BIN)/mypy egov

# `make pytest ARGS="egov/workdays -x"` runs part of the suite.
pytest: $(VENV)/.dev-installed
	$(BIN)/python scripts/compile_translations.py
	./scripts/pytest.sh $(ARGS)

bench: $(VENV)/.dev-installed
	$(BIN)/python bench/run.py $(ARGS)

# Extract new strings into every catalog (needs gettext), then translate them in the .po files.
messages: $(VENV)/.dev-installed
	$(BIN)/python scripts/make_messages.py

lock: | $(BIN)/python
	$(BIN)/pip install -q pip-tools
	$(BIN)/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	$(BIN)/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links --extra dev -o requirements-dev.lock pyproject.toml

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
