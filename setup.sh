#!/bin/sh
# setup.sh: installs the Debian packages arbiter needs (only those missing),
# then generates and runs the autotools configuration. Safe to run again.
# Usage: ./setup.sh [configure options, e.g. --enable-sanitizers]
set -eu
cd "$(dirname "$0")"

PACKAGES="gcc make autoconf automake libtool pkg-config libcsv-dev libsqlite3-dev \
libxlsxwriter-dev libminizip-dev nettle-dev libzstd-dev check sqlite3 python3 python3-openpyxl time valgrind gdb"

missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "setup.sh: installing$missing"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
./configure -q "$@"
