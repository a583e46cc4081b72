# The two commands of the README. Each installs what it needs (scripts/bootstrap.sh:
# Debian packages, .venv) and is quick when run again.
VENV := .venv
BIN := $(VENV)/bin
PY_DIRS := kiosk drivers ui offline_queue central tests benchmarks

.PHONY: demo test setup lint typecheck imports pytest run install soak gallery

setup:
	@bash scripts/bootstrap.sh

demo: setup
	$(BIN)/kiosk demo

run: setup
	$(BIN)/kiosk run --windowed

lint: setup
	$(BIN)/ruff check $(PY_DIRS)
	$(BIN)/ruff format --check $(PY_DIRS)

typecheck: setup
	$(BIN)/mypy --strict kiosk drivers offline_queue central

imports: setup
	$(BIN)/lint-imports

pytest: setup
	QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software $(BIN)/pytest -n 3 -m "not pcscd"
	QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software $(BIN)/pytest -m pcscd

test: lint typecheck imports pytest

# The long fault-injection runs (1,000+ crash injections and the like), not part of `make test`.
soak: setup
	KIOSK_SOAK=1 QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software $(BIN)/pytest -p no:cacheprovider tests/reliability tests/offline_queue/test_kill9.py tests/security tests/central/test_central_concurrency.py

# Contact sheets of every screen, one PNG per language × orientation, in test-artifacts/gallery/
# (the screen tests take the screenshots; tests/ui/gallery.py tiles them).
gallery: setup
	QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software $(BIN)/pytest -p no:xdist -q tests/ui/test_every_screen.py -k normal
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.ui.gallery

# Lay the kiosk out on this Debian machine as systemd services (as root), or into a staging
# root: `make install DESTDIR=/tmp/stage`. Options: INSTALL_FLAGS="--central --start".
install:
	DESTDIR="$(DESTDIR)" bash scripts/install.sh $(INSTALL_FLAGS)
