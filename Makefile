.PHONY: setup run test lint bench
PY := .venv/bin/python

setup:
	./scripts/setup.sh

run: setup
	./scripts/run.sh

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy .
	DJANGO_SETTINGS_MODULE=referat.settings.test $(PY) manage.py makemigrations --check --dry-run

test: lint
	$(PY) -m pytest

bench: setup
	$(PY) -m bench
