# Two entry points on a fresh machine:  `make book`  and  `make test`.
# Both create .venv and install what is missing (pip's own cache keeps reinstalls fast).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PROFILE ?= ci
DEVICE  ?= auto
NBVAL_DIR := _build/nbval

.PHONY: setup test test-crit test-notebooks book lab bench clean

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
	MPLBACKEND=Agg $(PY) -m pytest --doctest-modules tests crit

# nbval runs each notebook (converted from its jupytext source) at the CI profile. Its kernel runs
# in $(NBVAL_DIR), which starts empty, so crit.book.cache computes everything afresh (.cache/ there).
# A cell that raises fails; outputs are compared only in cells marked nbval-check-output.
# pytest's exit code 5 ("no tests collected": no notebooks, or no code cells) is not a failure.
test-notebooks: $(STAMP)
	rm -rf $(NBVAL_DIR)
	$(PY) -m crit notebooks --to-ipynb $(NBVAL_DIR)
	MPLBACKEND=Agg $(PY) -m pytest --nbval-lax --nbval-current-env -p no:cacheprovider \
	    --nbval-sanitize-with tests/nbval_sanitize.cfg $(NBVAL_DIR); \
	rc=$$?; if [ $$rc -eq 5 ]; then echo "nbval: no notebook cells to run"; rc=0; fi; exit $$rc

book: $(STAMP)
	MPLBACKEND=Agg $(PY) -m crit book --profile $(PROFILE) --device $(DEVICE)

# JupyterLab on notebooks/: jupytext opens each .py source as a notebook and saves edits back to it.
# Its settings live in .venv/jupyter-config, so your own ~/.jupyter is left as it is.
LAB_CONFIG := $(abspath $(VENV))/jupyter-config
lab: $(STAMP)
	$(PY) -m pip install --quiet -e '.[book,test,lab]'
	JUPYTER_CONFIG_DIR=$(LAB_CONFIG) $(VENV)/bin/jupytext-config set-default-viewer python >/dev/null
	JUPYTER_CONFIG_DIR=$(LAB_CONFIG) $(VENV)/bin/jupyter lab notebooks/

bench: $(STAMP)
	$(PY) benchmarks/engine.py
	$(PY) benchmarks/fits.py

clean:
	rm -rf _build book/*.ipynb book/_generated .cache
