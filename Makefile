# One target per habit. Every target creates the virtualenv it needs on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test test-slow lint bench suites clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --upgrade pip

# setuptools cautions every editable install that a folder named like the package
# (antq/) sits in the working directory: by design here, so that caution is silenced.
# -qq: pip still prints errors, not a line for every missing folder of a machine's own
# package mirrors (find-links, extra-index-url) it looks in.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install -qq -e '.[dev]'
	touch $@

demo: $(VENV)/.installed            ## generate a national sample month and run it
	$(BIN)/antq demo

# The dashboard's tests open its pages in a real browser: Debian's chromium and its
# driver, installed once (as root) when the machine does not have them.
$(VENV)/.browser: | $(BIN)/python
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends chromium chromium-driver >/dev/null; }
	touch $@

# The print tests render workbooks to PDF as an officer's office suite would: LibreOffice
# Calc, with Carlito (Calibri's metrics, the workbooks' font) and Liberation Serif (Times
# New Roman's, the monthly form's), and poppler to read the PDF.
$(VENV)/.print: | $(BIN)/python
	@{ command -v soffice >/dev/null && command -v pdftotext >/dev/null && \
	   fc-list | grep -qi carlito && fc-list | grep -qi "liberation serif"; } || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends libreoffice-calc-nogui poppler-utils \
	    fonts-crosextra-carlito fonts-liberation2 >/dev/null; }
	touch $@

test: $(VENV)/.installed $(VENV)/.browser  ## the test suite (under 10 minutes on 2 cores)
	$(BIN)/python -m pytest -q

test-slow: $(VENV)/.installed $(VENV)/.browser $(VENV)/.print  ## the slow end-to-end cases (kill anywhere, Dask, S3, 24 months, print)
	$(BIN)/python -m pytest -q -m slow

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(VENV)/.installed           ## time and memory of a national month
	$(BIN)/python benchmarks/bench_month.py

suites: $(VENV)/.installed          ## rewrite expectations/suites/*.json from the catalog
	$(BIN)/antq suites

clean:
	rm -rf $(VENV) antq-demo .pytest_cache
