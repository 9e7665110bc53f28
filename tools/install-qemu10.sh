#!/usr/bin/env bash
# Installs qemu-system-aarch64 10 from Debian bookworm-backports into DIR (default
# .cache/qemu10, gitignored) without touching the system's apt configuration: apt gets a private
# sources list, package lists and cache under DIR, `apt-get download` fetches the .deb and
# `dpkg -x` unpacks it. The binary's runtime libraries come from Debian 12's own
# qemu-system-arm package, installed with apt-get first (as root) if it is missing.
#
#   tools/install-qemu10.sh [DIR]      prints the path of qemu-system-aarch64 on success
#
# Idempotent: a second run with the binary already in place only checks it. QEMU is needed only
# to regenerate test/golden/virt (npm run gen:virt-golden); the tests read the committed files.
# Run QEMU with QEMU_MODULE_DIR set to an empty directory and `-audio none`: the UI/audio modules
# of Debian 12's 7.2 package do not load into 10 and would each print a warning.
set -euo pipefail

dir="${1:-.cache/qemu10}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
bin="$dir/usr/bin/qemu-system-aarch64"
moddir="$dir/empty-modules"
mkdir -p "$moddir"

works() {
  [ -x "$bin" ] && QEMU_MODULE_DIR="$moddir" "$bin" --version 2>/dev/null | grep -q '^QEMU emulator version 10\.'
}

# Runtime libraries (libpixman, libfdt, libslirp, ...): Debian's own package depends on them.
if ! dpkg-query -W -f='${Status}' qemu-system-arm 2>/dev/null | grep -q 'install ok installed'; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends qemu-system-arm
fi

if works; then
  echo "$bin"
  exit 0
fi

# The mirror the system already uses for bookworm/main.
mirror="$(apt-cache policy | awk '$3 == "bookworm/main" { print $2; exit }')"
if [ -z "$mirror" ]; then
  echo "install-qemu10: no bookworm/main mirror in 'apt-cache policy'" >&2
  exit 1
fi

state="$dir/apt"
mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/debs"
echo "deb $mirror bookworm-backports main" > "$state/sources.list"
# Root downloads itself: the sandbox user (_apt) cannot write /dev/null on some machines.
apt_opts=(
  -o "Dir::Etc::sourcelist=$state/sources.list"
  -o "Dir::Etc::sourceparts=-"
  -o "Dir::State::Lists=$state/lists"
  -o "Dir::Cache=$state/cache"
  -o "APT::Get::List-Cleanup=0"
  -o "APT::Sandbox::User=root"
)
apt-get "${apt_opts[@]}" update
(cd "$state/debs" && apt-get "${apt_opts[@]}" download qemu-system-arm/bookworm-backports)
for deb in "$state/debs"/qemu-system-arm_*.deb; do
  dpkg -x "$deb" "$dir"
done
# The unpacked tree is what is kept; the downloaded archive and lists can go.
rm -rf "$state/debs" "$state/cache"

if ! works; then
  echo "install-qemu10: $bin does not run (missing libraries?)" >&2
  "$bin" --version >&2 || true
  exit 1
fi
echo "$bin"
