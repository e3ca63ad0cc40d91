# mmvb developer commands (see README "Quick start").
#   make demo   create .venv if needed, generate a synthetic video set, train
#               and evaluate a model on it, print the metric
#   make test   lint and the test suite on all cores (what CI runs)
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
VPY := $(VENV)/bin/python
DEMO_CFG := configs/synthetic/tsm_r18_1xb16-1x1x8-15e_synthetic-motion-rgb.py
DEMO_DATA := data/synthetic/motion
DEMO_WORK := work_dirs/demo
PYTEST_ARGS ?=
# pytest-xdist: one worker per core; loadgroup hands out one test (or one
# xdist_group) at a time in collection order, which tests/conftest.py
# starts with the slow tests, so the longest runs overlap from the start.
PYTEST_XDIST ?= -n auto --dist loadgroup --no-loadscope-reorder

.PHONY: install demo test lint

install:
	@PYTHON=$(PYTHON) VENV=$(VENV) bash tools/misc/setup_env.sh

demo: install
	@test -f $(DEMO_DATA)/meta.json || \
		$(VPY) tools/data/synthetic/generate.py motion $(DEMO_DATA) --no-progress
	$(VPY) tools/train.py $(DEMO_CFG) --work-dir $(DEMO_WORK) --seed 0
	$(VPY) tools/test.py $(DEMO_CFG) "$$(cat $(DEMO_WORK)/last_checkpoint)" \
		--work-dir $(DEMO_WORK)/test

lint: install
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(VPY) -m pre_commit run --all-files \
		--show-diff-on-failure

test: lint
	PYTHONPATH=$(CURDIR) $(VPY) -m pytest tests $(PYTEST_XDIST) \
		--durations=20 $(PYTEST_ARGS)
