#!/usr/bin/env bash
# Starts pcscd in the foreground for the SIM tests / demo unless one already runs.
# vpcd (vsmartcard-vpcd, /etc/reader.conf.d/vpcd) then waits for a card emulator on TCP 35963
# (reader "Virtual PCD 00 00"): python -m drivers.simcard.emulator --profile usim
set -euo pipefail
cd "$(dirname "$0")/.."
if .venv/bin/python -c 'from smartcard import scard as s; import sys; rv, c = s.SCardEstablishContext(s.SCARD_SCOPE_USER); sys.exit(rv != 0)' 2>/dev/null; then
  echo "pcscd already running"; exit 0
fi
exec pcscd --foreground "$@"
