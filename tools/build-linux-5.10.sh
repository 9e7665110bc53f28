#!/usr/bin/env bash
# Builds upstream Linux 5.10.46 for arm64 twice, from the tarball in Debian bullseye's `linux`
# source package (linux_5.10.46.orig.tar.xz, the upstream release as Debian repacked it; the
# bullseye Sources index still lists 5.10.46-4, and its orig tarball is still in the pool):
#
#   DIR/upstream-5.10.46                  without 295cf156231c ("arm64: Avoid premature usercopy
#                                         failure"; 5.10.y got it only in 5.10.77)
#   DIR/upstream-5.10.46+295cf156231c     with it: test/linux-versions/295cf156231c-5.10.y.patch,
#                                         the 5.10.y backport as Debian's 5.10.223 tarball has it
#
# Both trees also get test/linux-versions/5.10.46-tgran4-boot.patch (QEMU 10's max CPU reports
# TGran4 = 1, which 5.10.46's boot code rejects) and the same small configuration
# (`make allnoconfig` + test/linux-versions/kernel-5.10.config + `make olddefconfig`). Each
# DIR/KERNEL gets vmlinuz (arch/arm64/boot/Image), config and provenance, the input of
# tools/gen-linux-versions-golden.ts.
#
#   tools/build-linux-5.10.sh [DIR]        DIR defaults to .cache/linux-versions/kernels
#
# Needs an arm64 cross compiler and the kernel's build tools (as root:
# apt-get install gcc-aarch64-linux-gnu make bc flex bison libssl-dev libelf-dev). The sources
# are fetched with a private apt state (deb-src for bullseye; `APT::Sandbox::User=root`) into
# .cache/linux-versions/src, and built in .cache/linux-versions/build (about 2 minutes each
# with -j2 on a 2-core machine with this configuration; the trees are removed afterwards unless
# KEEP_BUILD=1). Idempotent: a KERNEL whose vmlinuz exists is not rebuilt. The build is made
# reproducible in what uname shows (KBUILD_BUILD_TIMESTAMP/USER/HOST/VERSION are fixed), so the
# golden headers do not change when the kernels are rebuilt.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-$root/.cache/linux-versions/kernels}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
work="$root/.cache/linux-versions"
src="$work/src"
build="$work/build"
version=5.10.46
debver=5.10.46-4
tarball="linux_${version}.orig.tar.xz"
patches="$root/test/linux-versions"
fragment="$patches/kernel-5.10.config"
jobs="${JOBS:-2}"

for tool in aarch64-linux-gnu-gcc make bc flex bison; do
  if ! command -v "$tool" > /dev/null; then
    echo "build-linux-5.10: $tool is missing (apt-get install gcc-aarch64-linux-gnu make bc flex bison libssl-dev libelf-dev)" >&2
    exit 1
  fi
done

# ---- The source tarball ------------------------------------------------------------------------
state="$work/apt-bullseye-src"
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
mkdir -p "$src"
if [ ! -f "$state/sha256" ] || [ ! -f "$src/$tarball" ]; then
  mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/status"
  : > "$state/status/dpkg-status"
  echo "deb-src http://deb.debian.org/debian bullseye main" > "$state/sources.list"
  apt-get "${apt_opts[@]}" update >&2
  # The expected checksum, from the (signed) Sources index.
  want="$(apt-cache "${apt_opts[@]}" showsrc linux | awk -v v="$debver" -v t="$tarball" '
    /^Version: / { on = ($2 == v) }
    on && /^Checksums-Sha256:/ { sums = 1; next }
    on && sums && /^ / { if ($3 == t && !found) found = $1; next }
    /^[A-Z]/ { sums = 0 }
    END { print found }')"
  if [ -z "$want" ]; then
    echo "build-linux-5.10: bullseye's Sources index has no $tarball for linux $debver" >&2
    exit 1
  fi
  echo "$want" > "$state/sha256"
  if [ ! -f "$src/$tarball" ]; then
    # --tar-only: just the orig tarball. (The .dsc and .debian.tar.xz of 5.10.46-4 answer 404
    # on deb.debian.org; the orig tarball is still in the pool.)
    (cd "$src" && apt-get "${apt_opts[@]}" source --download-only --tar-only "linux=$debver" >&2) || true
  fi
fi
want="$(cat "$state/sha256")"
if [ ! -f "$src/$tarball" ]; then
  echo "build-linux-5.10: could not download $tarball (apt-get source --download-only --tar-only linux=$debver)" >&2
  exit 1
fi
have="$(sha256sum "$src/$tarball" | cut -d' ' -f1)"
if [ "$have" != "$want" ]; then
  echo "build-linux-5.10: $src/$tarball has SHA256 $have, the Sources index says $want" >&2
  exit 1
fi

# ---- The two builds ----------------------------------------------------------------------------
export KBUILD_BUILD_TIMESTAMP="Wed Jun 23 12:42:55 UTC 2021"
export KBUILD_BUILD_USER=granule
export KBUILD_BUILD_HOST=linux-versions
export KBUILD_BUILD_VERSION=1
make_opts=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)

build_one() {
  local id="$1" localversion="$2"
  shift 2
  local out="$dir/$id"
  if [ -f "$out/vmlinuz" ] && [ -f "$out/provenance" ]; then
    echo "$out/vmlinuz"
    return 0
  fi
  local tree="$build/$id"
  rm -rf "$tree"
  mkdir -p "$tree"
  echo "build-linux-5.10: $id: unpacking" >&2
  tar -xf "$src/$tarball" -C "$tree"
  local ksrc="$tree/linux-$version"
  local p
  local applied=()
  for p in "$@"; do
    echo "build-linux-5.10: $id: applying ${p##*/}" >&2
    patch -d "$ksrc" -p1 --no-backup-if-mismatch < "$p" >&2
    applied+=("${p##*/}:$(sha256sum "$p" | cut -d' ' -f1)")
  done
  local obj="$tree/out"
  mkdir -p "$obj"
  make -C "$ksrc" "${make_opts[@]}" O="$obj" allnoconfig > /dev/null
  "$ksrc/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$fragment" > /dev/null
  make -C "$ksrc" "${make_opts[@]}" O="$obj" olddefconfig > /dev/null
  # Every option the fragment asks for must have survived olddefconfig.
  local line
  while IFS= read -r line; do
    case "$line" in
      CONFIG_*=*)
        if ! grep -qx "$line" "$obj/.config"; then
          echo "build-linux-5.10: $id: $line did not stick (a dependency is missing)" >&2
          return 1
        fi
        ;;
    esac
  done < "$fragment"
  echo "build-linux-5.10: $id: building (make -j$jobs Image; log in $tree/build.log)" >&2
  local t0=$SECONDS
  if ! make -C "$ksrc" "${make_opts[@]}" O="$obj" LOCALVERSION="$localversion" -j"$jobs" Image > "$tree/build.log" 2>&1; then
    tail -n 30 "$tree/build.log" >&2
    return 1
  fi
  echo "build-linux-5.10: $id: built in $((SECONDS - t0)) s" >&2
  mkdir -p "$out"
  cp "$obj/arch/arm64/boot/Image" "$out/vmlinuz"
  cp "$obj/.config" "$out/config"
  {
    echo "kind=upstream-build"
    echo "source=$tarball:$have (Debian bullseye, linux $debver)"
    echo "patches=${applied[*]}"
    echo "config=allnoconfig + kernel-5.10.config:$(sha256sum "$fragment" | cut -d' ' -f1) + olddefconfig"
    echo "release=$(cat "$obj/include/config/kernel.release")"
    echo "compiler=$(aarch64-linux-gnu-gcc --version | head -n 1)"
    echo "vmlinuz-sha256=$(sha256sum "$out/vmlinuz" | cut -d' ' -f1)"
  } > "$out/provenance"
  [ "${KEEP_BUILD:-0}" = 1 ] || rm -rf "$tree"
  echo "$out/vmlinuz"
}

build_one "upstream-5.10.46" "-without-295cf156231c" "$patches/5.10.46-tgran4-boot.patch"
build_one "upstream-5.10.46+295cf156231c" "-with-295cf156231c" "$patches/5.10.46-tgran4-boot.patch" "$patches/295cf156231c-5.10.y.patch"
