# blogsite: `make run` serves the demo site, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: run test test-next-django lint bench clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	@command -v flite >/dev/null 2>&1 || echo "Note: the captcha has no audio alternative until flite is installed: sudo apt-get install flite"
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 $(PY) manage.py run_with_worker 127.0.0.1:8000  # the server and one worker; Ctrl-C stops both

test: $(VENV)/.dev-installed
	$(PY) -m pytest
	bash tests/e2e/install_deps.sh $(VENV)
	CAPTCHA_TEST_MODE=1 $(PY) -m pytest tests/e2e -p no:cacheprovider

# The next Django: the suite under Python 3.12 with the newest Django 6.x, in its own venv.
PYTHON_NEXT ?= $(shell pyenv root 2>/dev/null)/versions/3.12.1/bin/python3.12
VENV_NEXT ?= .venv-django6
$(VENV_NEXT)/.installed: requirements.txt requirements-dev.txt
	test -x $(VENV_NEXT)/bin/python || $(PYTHON_NEXT) -m venv $(VENV_NEXT)
	$(VENV_NEXT)/bin/pip install --quiet --upgrade pip
	grep -viE '^(django==|-r )' requirements-dev.txt requirements.txt | cut -d: -f2- > $(VENV_NEXT)/requirements.txt
	$(VENV_NEXT)/bin/pip install --quiet 'Django>=6,<7' -r $(VENV_NEXT)/requirements.txt
	touch $@

# NEXT_TESTS narrows the run (pytest arguments: paths, --ignore-glob=...); CI splits it in two.
NEXT_TESTS ?=
test-next-django: $(VENV_NEXT)/.installed
	$(VENV_NEXT)/bin/python -m django --version
	$(VENV_NEXT)/bin/python -m pytest -p no:cacheprovider $(NEXT_TESTS)

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(VENV)/.dev-installed
	bash bench/install_deps.sh
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
