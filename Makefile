# Two entry points on a fresh machine:  `make book`  and  `make test`.
# Both create .venv and install what is missing (pip's own cache keeps reinstalls fast).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PROFILE ?= published
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

# make test: the package's tests and the two nbval runs below, all three side by side
# (tests/nbval_runs.sh); test-crit and test-notebooks run one part alone.
test: $(STAMP)
	rm -rf $(NBVAL_DIR)
	bash tests/nbval_runs.sh $(PY) $(NBVAL_DIR) --with-package-tests

test-crit: $(STAMP)
	MPLBACKEND=Agg $(PY) -m pytest --doctest-modules tests crit

# nbval runs every notebook (converted from its jupytext source) at the CI profile twice, each in an
# empty folder under $(NBVAL_DIR): at SEED 0 with the machine's own kernels, and at SEED 1 with ATen's
# portable kernels: other weights and other rounding, as another CPU gives (tests/nbval.sh).
# The two run side by side, one thread each (tests/nbval_runs.sh).
# A cell that raises fails; outputs are compared only in cells marked nbval-check-output.
test-notebooks: $(STAMP)
	rm -rf $(NBVAL_DIR)
	bash tests/nbval_runs.sh $(PY) $(NBVAL_DIR)

# make book: each chapter from its published paper-scale results (results/paper/) where it has
# any, the rest computed at the CI profile; PROFILE=ci recomputes every chapter small;
# PROFILE=paper recomputes every chapter at the paper's sizes (a GPU) and publishes them.
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
	$(PY) benchmarks/support_search.py
	$(PY) benchmarks/sweeps.py

clean:
	rm -rf _build book/*.ipynb book/_generated .cache
