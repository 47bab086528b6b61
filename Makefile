# Transformer Foundations — the two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# nbgrader calls `alembic` from PATH; the venv's tools come first.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
SYSTEM_PACKAGES := acl bubblewrap chromium fonts-noto-cjk postgresql redis-server
# The adversarial tests also grade as this ordinary user (the sandbox without cgroups).
GRADER_USER := tf-grader

# The class on `make hub` (Unix users made by `make hub-setup` as root; see hub/settings.py).
HUB_INSTRUCTOR ?= tf-teacher
HUB_STUDENTS ?= tf-ada tf-ben
HUB_EXCHANGE ?= /srv/nbgrader/exchange
HUB_PORT ?= 8000

.PHONY: setup system-packages grader-user hub-proxy hub-setup hub release demo test lab clean

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

# Debian packages for the sandbox, the browser tests (with a Chinese font), the PostgreSQL gradebook test and
# the Redis broker of grading on several machines (tests/test_distributed.py).
# Installed only where missing; without root the tests that need them say why they skip.
system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "missing Debian packages / 缺少Debian软件包: $$missing (sudo apt-get install $$missing)"; fi; \
	fi

# As root: the ordinary user, allowed to pass through the folders above Python and the course
# (an ACL for that user alone; e.g. /root, where pyenv installs Python, is closed to others).
grader-user: system-packages
	@if [ "$$(id -u)" = 0 ]; then \
	  id $(GRADER_USER) >/dev/null 2>&1 || useradd --system --user-group --no-create-home --shell /usr/sbin/nologin $(GRADER_USER); \
	  for path in "$$(readlink -f $(PY))" "$(CURDIR)"; do \
	    dir=$$(dirname "$$path"); while [ "$$dir" != / ]; do setfacl -m u:$(GRADER_USER):x "$$dir"; dir=$$(dirname "$$dir"); done; \
	  done; \
	fi

# configurable-http-proxy for JupyterHub, from the npm registry, as locked in hub/package-lock.json.
hub/node_modules/.installed: hub/package.json hub/package-lock.json
	cd hub && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# npm: Debian's nodejs and npm where there is none (as root); without npm the hub tests say why they skip.
hub-proxy:
	@if ! command -v npm >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; fi; \
	if command -v npm >/dev/null; then $(MAKE) --no-print-directory hub/node_modules/.installed; \
	else echo "npm not found: no JupyterHub proxy (apt-get install npm) / 未找到npm，无法安装JupyterHub代理"; fi

# Any JupyterLab of the venv, a plain `jupyter lab` too, loads formgrader only through course/formgrader_escaping.py:
# the nbgrader package enables its own formgrader in the venv's jupyter_server_config.d; a file sorted after its
# nbgrader.json overrides that there.
SERVER_EXTENSIONS := $(VENV)/etc/jupyter/jupyter_server_config.d/zz-course.json
$(SERVER_EXTENSIONS): jupyter_server_extensions.json $(VENV)/.installed
	cp $< $@

setup: $(VENV)/.installed $(SERVER_EXTENSIONS) system-packages grader-user hub-proxy

release: setup
	$(PY) -m course build

# The demo replaces submitted/, autograded/, feedback/, reports/ and gradebook.db with the sample class.
demo: clean release
	$(PY) -m course demo

# The ten slowest tests are listed at the end (--durations=10).
test: setup
	$(PY) -m pytest -n 2 --dist loadgroup -q -rs --durations=10; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests / 没有收集到测试"; exit 1; fi; exit $$status

# JupyterLab on the course (jupyter_lab_config.py: project root, nbgrader extensions, opens index.ipynb).
# Run from the project root: formgrader and Validate read ./nbgrader_config.py.
lab: setup
	cd $(CURDIR) && $(VENV)/bin/jupyter lab --config=$(CURDIR)/jupyter_lab_config.py $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

# As root: the class's Unix users (random passwords in hub/state/passwords), the instructor's
# course directory and nbgrader's exchange (hub/setup.py; idempotent).
hub-setup: setup
	@if [ "$$(id -u)" = 0 ]; then \
	  $(PY) hub/setup.py --instructor $(HUB_INSTRUCTOR) --students $(HUB_STUDENTS) --exchange $(HUB_EXCHANGE); \
	else echo "run as root: it creates Unix users / 请以root运行：需要创建Unix用户"; exit 1; fi

# JupyterHub for the class on http://127.0.0.1:$(HUB_PORT) (hub/jupyterhub_config.py); Ctrl+C stops it and every user's server.
hub: hub-setup
	cd hub && TF_HUB_INSTRUCTOR=$(HUB_INSTRUCTOR) TF_HUB_STUDENTS="$(HUB_STUDENTS)" TF_HUB_EXCHANGE=$(HUB_EXCHANGE) \
	  TF_HUB_PORT=$(HUB_PORT) $(CURDIR)/$(VENV)/bin/jupyterhub -f jupyterhub_config.py

clean:
	rm -rf submitted autograded/*/ feedback reports gradebook.db
