# casekit — every target installs what it needs first, so a fresh machine needs only `make demo` / `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help setup sysdeps test test-fast demo bench regen clean

help:
	@echo "make demo   — 安装依赖并把示例案件生成 PDF 材料 / set up, then build the example case into PDF packets"
	@echo "make test   — 安装依赖并运行全部测试 / set up, then run the whole test suite"
	@echo "make bench  — 运行基准测试 / run the benchmarks (see bench/README.md)"

sysdeps:
	@bash .ci/sysdeps.sh

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(STAMP)

setup: sysdeps $(STAMP)

test: setup
	OMP_THREAD_LIMIT=1 $(BIN)/python -m pytest -q -p no:cacheprovider

test-fast: setup
	OMP_THREAD_LIMIT=1 $(BIN)/python -m pytest -q -m "not slow and not torture"

demo: setup
	$(BIN)/casekit demo examples/demo-case

bench: setup
	@bash .ci/sysdeps.sh bench
	$(BIN)/python bench/run_all.py

regen: setup
	$(BIN)/python tests/regen_bill_goldens.py

clean:
	rm -rf $(VENV) build dist *.egg-info examples/demo-case
