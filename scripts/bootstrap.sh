#!/usr/bin/env bash
# Installs everything kiosk needs on Debian 12 (as root) and a virtualenv in .venv.
# Idempotent: each step is skipped when its stamp is newer than its inputs.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # PC/SC stack: pyscard builds against libpcsclite (no Linux wheel) with swig;
  # pcscd + vsmartcard-vpcd give the virtual reader the SIM simulator plugs into.
  pcscd libpcsclite-dev swig vsmartcard-vpcd
  # tests/simcard/test_tools.py: third-party PC/SC tools (opensc-tool, pcsc_scan) read the
  # emulated cards through pcscd.
  opensc pcsc-tools
  # USB receipt printers through pyusb.
  libusb-1.0-0
  # CJK font so Chinese renders in screenshots and on the kiosk; Hanazono covers the rare
  # characters (CJK Extensions A-F: 䶮, 𠮷) a receipt prints as a picture (drivers/escpos).
  fonts-wqy-microhei fonts-hanazono fontconfig
  # Noto Sans CJK: real bold weights for the UI (WenQuanYi's bold is faked: 量 became a blob).
  fonts-noto-cjk
  # Libraries Qt 6 (PySide6 wheels) loads for the xcb and offscreen platforms.
  libegl1 libgl1 libopengl0 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
  libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxrender1 libxi6
  # central's tests: its ops fleet page in headless Chromium, its storage on a real PostgreSQL
  # (the tests run initdb + pg_ctl on a spare port themselves).
  chromium postgresql
  # tests/reliability: power loss and disk faults on a FUSE file system (libfuse3, fusermount3).
  fuse3
  # tests/deploy: systemd-analyze verify/security on the units in systemd/; the distribution's
  # units (sysinit.target, pcscd.socket, ...) they are checked against.
  systemd
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "bootstrap: installing system packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# vpcd (the SIM emulator's virtual reader) listens on TCP 35963-35964: handed out as a client's
# ephemeral port (a TIME_WAIT on 35964), it kept pcscd from starting the reader and every
# pcscd test skipped.
if [ "$(id -u)" -eq 0 ]; then
  sysctl -qw net.ipv4.ip_local_reserved_ports=35963-35964 2>/dev/null || true
fi

PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  echo "bootstrap: creating .venv with $PYTHON"
  "$PYTHON" -m venv .venv
fi
if [ ! -f .venv/.installed ] || [ pyproject.toml -nt .venv/.installed ]; then
  echo "bootstrap: installing Python packages into .venv"
  # pip's warnings are noise on success; on failure the whole output is shown.
  quiet() {
    local log; log=$(mktemp)
    if ! "$@" >"$log" 2>&1; then cat "$log"; rm -f "$log"; return 1; fi
    rm -f "$log"
  }
  quiet .venv/bin/python -m pip install -q --upgrade pip
  quiet .venv/bin/python -m pip install -q -e '.[dev]'
  touch .venv/.installed
fi
