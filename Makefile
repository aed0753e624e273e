# Set-up, serving and testing in two commands:
#   make run    installs what is missing, builds the site and serves it on http://127.0.0.1:5000
#   make test   the same set-up plus test tools, then every test, the content check and the
#               accessibility checks (directory check, which fails on any error)
# Written for a fresh Debian 12 machine, run as root (or with sudo).

SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian packages: WeasyPrint's Pango and HarfBuzz (with the subsetter), fontconfig and fonts
# that cover every script we publish in, Node.js for the front-end assets, and poppler's
# pdftotext, with which every leaflet is read back as it is made (pdf/documents.py chooses
# its ending by its layout) and checked.
SYSTEM_PACKAGES := python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b \
	libharfbuzz-subset0 fontconfig fonts-noto-core nodejs npm poppler-utils
TEST_SYSTEM_PACKAGES := chromium nginx openssl postgresql

export DIRECTORY_CONTENT_DIR ?= $(CURDIR)/content
export DIRECTORY_INSTANCE_DIR ?= $(CURDIR)/instance

.PHONY: run test setup test-setup system test-system translations database messages bench-http bench-search clean \
	deploy-test try-locally bench-abuse

run: setup
	-$(BIN)/directory content-check
	$(BIN)/directory index
	@echo "Staff and reviewers sign in at /sign-in. Make the first account with an invite link:"
	@echo "  $(BIN)/directory invite you@example.org --name 'Your Name' --role admin"
	$(BIN)/directory serve --host 127.0.0.1 --port 5000

test: test-setup
	$(BIN)/pytest
	$(BIN)/directory content-check
	$(BIN)/directory index
	$(BIN)/directory check --every-leaflet --json instance/check.json --html instance/check.html

setup: system $(VENV)/.installed static/build/manifest.json translations database

test-setup: setup test-system $(VENV)/.installed-test

# Install any Debian package that is missing; apt-get runs only when something is.
system:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	command -v npm >/dev/null && missing=$$(echo $$missing | tr ' ' '\n' | grep -vx -e nodejs -e npm | tr '\n' ' '); \
	if [ -n "$${missing// /}" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

test-system:
	@missing=""; for p in $(TEST_SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages for tests:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(VENV)/.installed: setup.cfg pyproject.toml
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed setup.cfg
	$(BIN)/pip install -q -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The stylesheet: GOV.UK Frontend's Sass with the council's colours and fonts,
# fingerprinted and gzipped for WhiteNoise.
static/build/manifest.json: node_modules/.installed $(VENV)/.installed $(wildcard static/scss/*.scss) $(wildcard static/images/*)
	mkdir -p static/build/tmp
	node_modules/.bin/sass --no-source-map --style=compressed --quiet-deps \
	  --load-path=node_modules static/scss/app.scss static/build/tmp/app.css
	$(BIN)/directory build-assets static/build/tmp/app.css static/images/*
	rm -rf static/build/tmp

# Compile every interface translation (translations/<code>/LC_MESSAGES/messages.po).
translations: $(VENV)/.installed
	@if ls translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
	  $(BIN)/pybabel compile --statistics -d translations; fi

# The database for accounts, reviews and feedback: SQLite in the instance folder, or
# DATABASE_URL; every migration in directory/migrations applied (does nothing when current).
database: $(VENV)/.installed
	$(BIN)/directory db upgrade

# Extract the interface strings to translate; tests fail when the committed file is stale.
POT ?= translations/messages.pot
messages: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext --add-comments=Translators: \
	  --no-location --sort-output --omit-header -o $(POT) .

bench-http: setup
	$(BIN)/python bench/http.py

bench-search: setup
	$(BIN)/python bench/search.py

# The production set-up of deploy/ (nginx with TLS in front of gunicorn and the pack
# worker) on loopback, on free ports, with a throwaway certificate; nothing is left running.
deploy-test: test-setup
	$(BIN)/pytest -q tests/test_deploy.py

try-locally: test-setup
	$(BIN)/python deploy/local.py

# A normal page's p95 under bounded attacks, behind nginx and as 'make run' serves (~12 min).
bench-abuse: test-setup
	$(BIN)/python bench/abuse.py

clean:
	rm -rf static/build instance .pytest_cache
