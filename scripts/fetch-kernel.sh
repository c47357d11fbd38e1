#!/usr/bin/env bash
# Fetch the pristine Linux 7.3.4 source from Debian (linux-source-7.3) into
# the cache as linux-7.3.4.tar.xz. Refuses any other upstream version.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tarball=$CACHE/linux-$KVER.tar.xz
[ -s "$tarball" ] && exit 0

mkdir -p "$CACHE/dl"
cd "$CACHE/dl"
rm -f linux-source-7.3_*.deb
apt-get download linux-source-7.3 >/dev/null
deb=$(ls linux-source-7.3_*.deb)
ver=$(dpkg-deb -f "$deb" Version)
case "$ver" in
$KVER-*) ;;
*) die "Debian serves linux-source-7.3 $ver; this project is pinned to $KVER" ;;
esac
rm -rf x && mkdir x
dpkg-deb --fsys-tarfile "$deb" | tar -x -C x ./usr/src/linux-source-7.3.tar.xz
mv x/usr/src/linux-source-7.3.tar.xz "$tarball.tmp"
rm -rf x "$deb"
mv "$tarball.tmp" "$tarball"
log "fetched $tarball ($ver)"
