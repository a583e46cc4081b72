#!/usr/bin/env bash
# Lays the kiosk out on a Debian 12 machine: system users, /opt/kiosk (virtualenv), /etc/kiosk
# (config.yaml, central.env), /var/lib/kiosk (data), systemd units, enabled at boot.
#
# Idempotent: run it again after an update. It never overwrites /etc/kiosk/config.yaml or
# central.env once they exist; it re-renders the device drop-in from config.yaml each time.
#
#   sudo scripts/install.sh [--central] [--start] [--no-apt] [--no-pip]
#   DESTDIR=/tmp/stage scripts/install.sh      # staging root: no users, no apt, no pip, no
#                                              # daemon-reload; units enabled with --root
#
# Layout (paths are fixed: the units name them):
#   /opt/kiosk/venv            root:root 0755   the application (pip install of this tree)
#   /etc/kiosk/config.yaml     root:kiosk 0640  tokens inside: not world-readable
#   /etc/kiosk/central.env     root:kiosk-central 0640   reference central: ops token, database
#   /var/lib/kiosk             kiosk:kiosk 0750 journal, outbox, logs/ (the only writable place)
#   /var/lib/kiosk-central     kiosk-central:kiosk-central 0750
#   /etc/systemd/system/{kiosk,kiosk-display,central}.service, kiosk.service.d/10-devices.conf
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
DESTDIR=${DESTDIR:-}
DESTDIR=${DESTDIR%/}
PREFIX=/opt/kiosk
ETC=/etc/kiosk
DATA=/var/lib/kiosk
CENTRAL_DATA=/var/lib/kiosk-central
UNITDIR=/etc/systemd/system
# Debian's interpreter, never one from a root's pyenv: ProtectHome= hides /root from the service.
PYTHON=${PYTHON:-/usr/bin/python3.11}

# Debian packages the kiosk needs at run time (the build tools of scripts/bootstrap.sh are not).
RUNTIME_PACKAGES=(
  python3.11 python3.11-venv
  cage                                  # kiosk-display.service
  pcscd libpcsclite1 libusb-1.0-0       # SIM reader (PC/SC), USB receipt printers
  fonts-wqy-microhei fonts-hanazono fontconfig   # CJK; rare name characters on receipts
  fonts-noto-cjk                                 # the UI's CJK font with real bold weights
  libegl1 libgl1 libopengl0 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0
  libwayland-client0 libwayland-cursor0 libwayland-egl1
)

with_apt=1 with_pip=1 with_central=0 start_now=0
for arg in "$@"; do
  case "$arg" in
    --no-apt) with_apt=0 ;;
    --no-pip) with_pip=0 ;;
    --central) with_central=1 ;;
    --start) start_now=1 ;;
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "install: unknown option $arg (try --help)" >&2; exit 2 ;;
  esac
done

staging=0
if [ -n "$DESTDIR" ]; then
  staging=1 with_apt=0 with_pip=0 start_now=0
elif [ "$(id -u)" -ne 0 ]; then
  echo "install: run as root (or set DESTDIR= to stage into a folder)" >&2
  exit 2
fi

say() { echo "install: $*"; }

# Ownership only on the real system: a staging root has no such users.
own() { # own USER:GROUP PATH
  [ "$staging" -eq 1 ] || chown "$1" "$DESTDIR$2"
}

dir() { # dir MODE USER:GROUP PATH
  install -d -m "$1" "$DESTDIR$3"
  chmod "$1" "$DESTDIR$3" # install -d leaves an existing folder's mode alone
  own "$2" "$3"
}

# Copy only when the content differs: a re-run does not touch mtimes of unchanged files.
put() { # put MODE USER:GROUP SOURCE DEST
  local target=$DESTDIR$4
  if ! cmp -s "$3" "$target"; then
    install -m "$1" "$3" "$target"
    say "wrote $4"
  fi
  chmod "$1" "$target"
  own "$2" "$4"
}

system_user() { # system_user NAME HOME
  getent group "$1" >/dev/null || groupadd --system "$1"
  if ! getent passwd "$1" >/dev/null; then
    useradd --system --gid "$1" --home-dir "$2" --no-create-home \
      --shell /usr/sbin/nologin --comment "kiosk service account" "$1"
    say "created user $1"
  fi
}

# --- packages and users (real system only) ---------------------------------------------------
if [ "$with_apt" -eq 1 ]; then
  missing=()
  for pkg in "${RUNTIME_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    say "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi
if [ "$staging" -eq 0 ]; then
  system_user kiosk "$DATA"
  system_user kiosk-display /nonexistent
  system_user kiosk-central "$CENTRAL_DATA"
fi

# --- folders ---------------------------------------------------------------------------------
dir 0755 root:root "$PREFIX"
dir 0750 root:kiosk "$ETC"
dir 0750 kiosk:kiosk "$DATA"
dir 0750 kiosk:kiosk "$DATA/logs"
dir 0750 kiosk:kiosk "$DATA/cache"
dir 0750 kiosk-central:kiosk-central "$CENTRAL_DATA"
dir 0755 root:root "$UNITDIR"
dir 0755 root:root "$UNITDIR/kiosk.service.d"

# --- the application -------------------------------------------------------------------------
put 0644 root:root "$REPO/README.md" "$PREFIX/README.md"
if [ ! -x "$DESTDIR$PREFIX/venv/bin/python" ]; then
  if [ "$with_pip" -eq 1 ]; then
    "$PYTHON" -m venv "$DESTDIR$PREFIX/venv"
  else
    # No pip, no packages: enough for a staging root (the units' ExecStart exists).
    "$PYTHON" -m venv --without-pip "$DESTDIR$PREFIX/venv"
  fi
  say "created $PREFIX/venv"
fi
if [ "$with_pip" -eq 1 ]; then
  # Not editable: the service runs what was installed, whatever happens to this checkout.
  "$DESTDIR$PREFIX/venv/bin/python" -m pip install -q --upgrade pip
  "$DESTDIR$PREFIX/venv/bin/python" -m pip install -q --upgrade "$REPO"
  say "installed the kiosk package into $PREFIX/venv"
fi

# --- configuration (written once, then the operator's) ---------------------------------------
if [ ! -e "$DESTDIR$ETC/config.yaml" ]; then
  tmp=$(mktemp)
  # The data folder becomes /var/lib/kiosk (relative paths would land in /etc/kiosk).
  sed -E "s#^(  data_dir:[[:space:]]*)data([[:space:]]|$)#\1$DATA\2#" "$REPO/config.yaml" >"$tmp"
  grep -q "^  data_dir: $DATA" "$tmp" || { echo "install: cannot set data_dir" >&2; exit 1; }
  put 0640 root:kiosk "$tmp" "$ETC/config.yaml"
  rm -f "$tmp"
else
  chmod 0640 "$DESTDIR$ETC/config.yaml"
  own root:kiosk "$ETC/config.yaml"
  say "kept $ETC/config.yaml"
fi
if [ ! -e "$DESTDIR$ETC/central.env" ]; then
  tmp=$(mktemp)
  token=$(head -c 32 /dev/urandom | base64 | tr -d '/+=\n')
  cat >"$tmp" <<EOF
# Reference central backend (central.service). Secret: mode 0640 root:kiosk-central.
# central reads these itself: never put the token or a database password on a command line.
CENTRAL_OPS_TOKEN=$token
CENTRAL_HOST=127.0.0.1
CENTRAL_PORT=8765
CENTRAL_DB=sqlite:///$CENTRAL_DATA/central.db
# Worker processes sharing the port (more than 1 pays only on PostgreSQL).
CENTRAL_WORKERS=1
# Kiosks are registered in the database, each token read from stdin or a file, e.g.
#   sudo -u kiosk-central sh -c 'set -a; . $ETC/central.env; exec $PREFIX/venv/bin/python -m central kiosk add KIOSK-0001 --token-stdin' <token-file
# and replaced with "kiosk rotate" the same way (a restart never undoes a rotation).
EOF
  put 0640 root:kiosk-central "$tmp" "$ETC/central.env"
  rm -f "$tmp"
fi

if grep -q '^CENTRAL_KIOSK_ARGS=.' "$DESTDIR$ETC/central.env" 2>/dev/null; then
  # central refuses tokens on its command line now; the kiosks it registered before are kept.
  echo "install: $ETC/central.env: CENTRAL_KIOSK_ARGS is no longer read; register new kiosks" \
    "with 'python -m central kiosk add ID --token-stdin' and delete that line" >&2
fi

# --- units -----------------------------------------------------------------------------------
for unit in kiosk.service kiosk-display.service central.service; do
  put 0644 root:root "$REPO/systemd/$unit" "$UNITDIR/$unit"
done

# Devices the kiosk may open: the /dev paths in the `url:` of each device that is not
# simulated, from the installed config.yaml (block-style YAML as shipped). KIOSK_DEVICES
# ("/dev/ttyS1 /dev/ttyUSB0") overrides the detection.
devices_from_config() {
  awk '
    function flush() { if (dev != "" && !sim && url != "") print url; if (dev != "" && !sim && usb) print "usb" }
    /^[^ #]/ { flush(); dev = ""; in_devices = ($0 ~ /^devices:/); next }
    !in_devices { next }
    /^  [a-z_]+:[[:space:]]*(#.*)?$/ { flush(); dev = $1; sim = 0; url = ""; usb = 0; next }
    /^    simulate:[[:space:]]*true/ { sim = 1 }
    /^    driver:[[:space:]]*escpos\.usb/ { usb = 1 }
    /^      url:/ { if (match($0, /\/dev\/[^ "#]+/)) url = substr($0, RSTART, RLENGTH) }
    END { flush() }
  ' "$1"
}
tmp=$(mktemp)
{
  echo "# Rendered by scripts/install.sh from $ETC/config.yaml: re-run it after changing devices."
  echo "[Service]"
  for device in ${KIOSK_DEVICES:-$(devices_from_config "$DESTDIR$ETC/config.yaml")}; do
    if [ "$device" = usb ]; then
      # escpos.usb: libusb opens /dev/bus/usb/* and watches hotplug over netlink.
      echo "DeviceAllow=char-usb_device rw"
      echo "RestrictAddressFamilies=AF_NETLINK"
    else
      echo "DeviceAllow=$device rw"
    fi
  done
} >"$tmp"
put 0644 root:root "$tmp" "$UNITDIR/kiosk.service.d/10-devices.conf"
rm -f "$tmp"

# pcscd asks polkit whether a client may use the reader: the kiosk user may.
dir 0755 root:root /etc/polkit-1/rules.d
tmp=$(mktemp)
cat >"$tmp" <<'EOF'
// Installed by the kiosk's scripts/install.sh: the kiosk service account may use PC/SC readers.
polkit.addRule(function (action, subject) {
  if ((action.id == "org.debian.pcsc-lite.access_pcsc" ||
       action.id == "org.debian.pcsc-lite.access_card") && subject.user == "kiosk") {
    return polkit.Result.YES;
  }
});
EOF
put 0644 root:root "$tmp" /etc/polkit-1/rules.d/60-kiosk-pcscd.rules
rm -f "$tmp"

# --- enable ----------------------------------------------------------------------------------
units=(kiosk-display.service kiosk.service)
[ "$with_central" -eq 0 ] || units+=(central.service)
if [ "$staging" -eq 1 ]; then
  systemctl --root="$DESTDIR" --quiet enable "${units[@]}"
  # set-default needs graphical.target inside the root; the link is what it would write.
  [ "$(readlink "$DESTDIR$UNITDIR/default.target")" = /lib/systemd/system/graphical.target ] ||
    ln -sfn /lib/systemd/system/graphical.target "$DESTDIR$UNITDIR/default.target"
else
  systemctl daemon-reload
  systemctl --quiet enable "${units[@]}"
  # The kiosk is a graphical appliance: boot into graphical.target (a server install boots
  # to multi-user.target and would never start the display).
  [ "$(systemctl get-default)" = graphical.target ] || systemctl set-default graphical.target
  if [ "$start_now" -eq 1 ]; then
    systemctl restart "${units[@]}"
  fi
fi
say "done: ${units[*]} enabled${DESTDIR:+ in $DESTDIR}"
