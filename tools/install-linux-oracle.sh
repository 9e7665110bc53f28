#!/usr/bin/env bash
# Installs Debian bookworm's arm64 Linux kernel (6.1, CONFIG_ARM64_MTE=y) into DIR (default
# .cache/linux-oracle, gitignored) without touching the system's apt configuration: apt gets a
# private sources list, package lists, cache and `APT::Architecture=arm64` under DIR,
# `apt-get download` fetches the linux-image .deb and `dpkg -x` unpacks it; only
# boot/vmlinuz-* and boot/config-* are kept (the modules are not needed: the oracle boots
# with an initramfs and no devices beyond the virt board's built-in ones).
#
#   tools/install-linux-oracle.sh [DIR]      prints the path of the vmlinuz on success
#
# The package is the one the metapackage linux-image-arm64 depends on in bookworm (with the
# security and point-release updates), or $LINUX_ORACLE_PACKAGE (e.g. linux-image-6.1.0-37-arm64)
# if set. Idempotent: when DIR already holds a vmlinuz it is printed and nothing is downloaded.
# The kernel is the oracle behind test/golden/linux (npm run gen:linux-golden, see
# tools/gen-linux-golden.ts); the tests read the committed files and do not need it.
set -euo pipefail

dir="${1:-.cache/linux-oracle}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

existing() {
  ls "$dir"/boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1
}

if [ -n "$(existing)" ]; then
  existing
  exit 0
fi

# The mirrors the system already uses for bookworm/main and bookworm-security/main.
mirror="$(apt-cache policy | awk '$3 == "bookworm/main" { print $2; exit }')"
security="$(apt-cache policy | awk '$3 == "bookworm-security/main" { print $2; exit }')"
if [ -z "$mirror" ]; then
  echo "install-linux-oracle: no bookworm/main mirror in 'apt-cache policy'" >&2
  exit 1
fi

state="$dir/apt"
mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/debs" "$state/status"
: > "$state/status/dpkg-status"
{
  echo "deb $mirror bookworm main"
  echo "deb $mirror bookworm-updates main"
  [ -n "$security" ] && echo "deb $security bookworm-security main"
} > "$state/sources.list"
# A private apt: its own sources, lists, cache and (empty) dpkg status, and arm64 as the only
# architecture. Root downloads itself: the sandbox user (_apt) cannot write /dev/null on some
# machines.
apt_opts=(
  -o "Dir::Etc::sourcelist=$state/sources.list"
  -o "Dir::Etc::sourceparts=-"
  -o "Dir::State::Lists=$state/lists"
  -o "Dir::State::status=$state/status/dpkg-status"
  -o "Dir::Cache=$state/cache"
  -o "APT::Architecture=arm64"
  -o "APT::Architectures=arm64"
  -o "APT::Get::List-Cleanup=0"
  -o "APT::Sandbox::User=root"
)
apt-get "${apt_opts[@]}" update

pkg="${LINUX_ORACLE_PACKAGE:-}"
if [ -z "$pkg" ]; then
  # linux-image-arm64 (the metapackage) depends on the current linux-image-6.1.0-N-arm64.
  pkg="$(apt-cache "${apt_opts[@]}" depends linux-image-arm64 | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')"
  if [ -z "$pkg" ]; then
    echo "install-linux-oracle: cannot resolve the package behind linux-image-arm64" >&2
    apt-cache "${apt_opts[@]}" depends linux-image-arm64 >&2 || true
    exit 1
  fi
fi

(cd "$state/debs" && apt-get "${apt_opts[@]}" download "$pkg")
unpack="$state/unpack"
rm -rf "$unpack"
mkdir -p "$unpack" "$dir/boot"
for deb in "$state/debs"/linux-image-*.deb; do
  dpkg -x "$deb" "$unpack"
done
cp "$unpack"/boot/vmlinuz-* "$unpack"/boot/config-* "$dir/boot/"
# Only the kernel image and its config are kept; the archive, lists and modules can go.
rm -rf "$unpack" "$state/debs" "$state/cache" "$state/lists"

vmlinuz="$(existing)"
if [ -z "$vmlinuz" ]; then
  echo "install-linux-oracle: no boot/vmlinuz-* in $pkg" >&2
  exit 1
fi
config="$dir/boot/config-${vmlinuz##*/vmlinuz-}"
if ! grep -q '^CONFIG_ARM64_MTE=y' "$config"; then
  echo "install-linux-oracle: $config lacks CONFIG_ARM64_MTE=y" >&2
  exit 1
fi
echo "$vmlinuz"
