# Two entry points on a fresh machine:  `make book`  and  `make test`.
# Both create .venv and install what is missing (pip's own cache keeps reinstalls fast).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PROFILE ?= ci
DEVICE  ?= auto
NBVAL_DIR := _build/nbval

.PHONY: setup test test-crit test-notebooks book bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[book,test]'
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	rm -f $(VENV)/.installed-*
	touch $@

test: test-crit test-notebooks

test-crit: $(STAMP)
	MPLBACKEND=Agg $(PY) -m pytest tests

# nbval runs each notebook (converted from its jupytext source) at the CI profile.
test-notebooks: $(STAMP)
	$(PY) -m crit notebooks --to-ipynb $(NBVAL_DIR)
	MPLBACKEND=Agg $(PY) -m pytest --nbval-lax --nbval-current-env -p no:cacheprovider $(NBVAL_DIR)

book: $(STAMP)
	MPLBACKEND=Agg $(PY) -m crit book --profile $(PROFILE) --device $(DEVICE)

bench: $(STAMP)
	$(PY) benchmarks/engine.py
	$(PY) benchmarks/fits.py

clean:
	rm -rf _build book/*.ipynb book/_generated .cache
