#!/usr/bin/env bash
# Installs Debian's packaged arm64 kernels that tools/gen-linux-versions-golden.ts boots (the
# buffered-write observations of test/golden/linux-versions), each into
# DIR/KERNEL/{vmlinuz,config,provenance} (DIR defaults to .cache/linux-versions/kernels, gitignored):
#
#   debian-5.10.223   bullseye            linux-image-arm64 5.10.223-1 (the bullseye 11.11 point release)
#   debian-6.1        bookworm(-security) linux-image-arm64 (the kernel of the existing oracle)
#   debian-6.12       bookworm-backports  linux-image-arm64
#   debian-newest     trixie-backports    linux-image-arm64 (the newest Debian kernel deb.debian.org
#                                          has outside experimental; 7.3.4 when this was written)
#
#   tools/install-linux-versions.sh [DIR] [KERNEL...]    (all of them when no KERNEL is named)
#
# bullseye's linux-image-arm64 is now 5.10.262-1 (bullseye-security), but its .deb
# (debian-security/pool/updates/main/l/linux-signed-arm64/linux-image-5.10.0-46-arm64_5.10.262-1_arm64.deb)
# answers 404 on the deb.debian.org reachable here, so the bullseye kernel is the point release's
# 5.10.223-1 (which carries 295cf156231c: 5.10.y has had it since 5.10.77). A KERNEL that cannot
# be fetched is reported and skipped; the exit status is then 1.
#
# The upstream 5.10.46 kernels (with and without 295cf156231c) are built by
# tools/build-linux-5.10.sh into the same DIR.
#
# Like tools/install-linux-oracle.sh, apt runs with a private state per suite (sources list,
# package lists, cache, empty dpkg status, `APT::Architecture=arm64`, downloads as root) so the
# system's apt configuration is untouched; `apt-get download` fetches the linux-image .deb the
# metapackage linux-image-arm64 depends on (at the pinned metapackage version where one is
# given), `dpkg -x` unpacks it, and only boot/vmlinuz-* and boot/config-* are kept. provenance
# records the suite, the package, its version and the .deb's SHA256 (as the Packages index has
# it). Idempotent: a KERNEL whose vmlinuz is present is left alone.
set -euo pipefail

dir="${1:-.cache/linux-versions/kernels}"
shift || true
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
mirror="http://deb.debian.org/debian"
security="http://deb.debian.org/debian-security"

# KERNEL | apt sources (one "suite" per word; SUITE@security for the security archive) | metapackage version ("" = candidate)
table=(
  "debian-5.10.223|bullseye|5.10.223-1"
  "debian-6.1|bookworm bookworm-updates bookworm-security@security|"
  "debian-6.12|bookworm-backports|"
  "debian-newest|trixie-backports|"
)

wanted=("$@")
selected() {
  [ ${#wanted[@]} -eq 0 ] && return 0
  local w
  for w in "${wanted[@]}"; do [ "$w" = "$1" ] && return 0; done
  return 1
}

install_one() {
  local id="$1" suites="$2" metaver="$3"
  local out="$dir/$id"
  if [ -f "$out/vmlinuz" ] && [ -f "$out/provenance" ]; then
    echo "$out/vmlinuz"
    return 0
  fi
  local state="$dir/.apt-$id"
  rm -rf "$state"
  mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/debs" "$state/status"
  : > "$state/status/dpkg-status"
  : > "$state/sources.list"
  local s
  for s in $suites; do
    case "$s" in
      *@security) echo "deb $security ${s%@security} main" >> "$state/sources.list" ;;
      *) echo "deb $mirror $s main" >> "$state/sources.list" ;;
    esac
  done
  local apt_opts=(
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
  apt-get "${apt_opts[@]}" update >&2
  local meta="linux-image-arm64"
  [ -n "$metaver" ] && meta="linux-image-arm64=$metaver"
  local pkg
  pkg="$(apt-cache "${apt_opts[@]}" depends "$meta" | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')"
  if [ -z "$pkg" ]; then
    echo "install-linux-versions: $id: cannot resolve the package behind $meta in $suites" >&2
    apt-cache "${apt_opts[@]}" policy linux-image-arm64 >&2 || true
    return 1
  fi
  # The version of that package the metapackage's version goes with: the candidate, or with a
  # pinned metapackage the same version string.
  local ver
  if [ -n "$metaver" ]; then
    ver="$metaver"
  else
    ver="$(apt-cache "${apt_opts[@]}" policy "$pkg" | awk '/Candidate:/ { print $2; exit }')"
  fi
  # Newer packages (7.x) split the image: linux-image-V is empty and depends on linux-binary-V
  # (usr/lib/modules/V/vmlinuz) and linux-base-V (usr/lib/modules/V/config) at the same version.
  local pkgs=("$pkg")
  local dep
  for dep in $(apt-cache "${apt_opts[@]}" show "$pkg=$ver" | awk '/^Depends:/ { print; exit }' | tr ',' '\n' | sed -n 's/^ *\(linux-\(binary\|base\)-[^ ]*\) (= .*/\1/p'); do
    pkgs+=("$dep")
  done
  local p
  for p in "${pkgs[@]}"; do
    (cd "$state/debs" && apt-get "${apt_opts[@]}" download "$p=$ver" >&2) || return 1
  done
  local unpack="$state/unpack"
  mkdir -p "$unpack"
  local shas=""
  for p in "${pkgs[@]}"; do
    local deb sha want
    deb="$(ls "$state/debs/${p}_"*.deb 2>/dev/null | head -n 1)"
    [ -n "$deb" ] || { echo "install-linux-versions: $id: $p was not downloaded" >&2; return 1; }
    sha="$(sha256sum "$deb" | cut -d' ' -f1)"
    want="$(apt-cache "${apt_opts[@]}" show "$p=$ver" | awk '/^SHA256:/ { print $2; exit }')"
    if [ "$sha" != "$want" ]; then
      echo "install-linux-versions: $id: $deb has SHA256 $sha, the index says $want" >&2
      return 1
    fi
    shas+="${deb##*/}:$sha "
    dpkg -x "$deb" "$unpack" || return 1
  done
  local img cfg
  img="$(ls "$unpack"/boot/vmlinuz-* "$unpack"/usr/lib/modules/*/vmlinuz 2>/dev/null | head -n 1)"
  cfg="$(ls "$unpack"/boot/config-* "$unpack"/usr/lib/modules/*/config 2>/dev/null | head -n 1)"
  if [ -z "$img" ] || [ -z "$cfg" ]; then
    echo "install-linux-versions: $id: no vmlinuz or config in ${pkgs[*]}" >&2
    return 1
  fi
  mkdir -p "$out"
  cp "$img" "$out/vmlinuz" || return 1
  cp "$cfg" "$out/config" || return 1
  if ! grep -q '^CONFIG_ARM64_MTE=y' "$out/config"; then
    echo "install-linux-versions: $id: $pkg lacks CONFIG_ARM64_MTE=y" >&2
    return 1
  fi
  {
    echo "kind=debian-package"
    echo "suites=$suites"
    echo "package=$pkg"
    echo "version=$ver"
    echo "debs=${shas% }"
    echo "image=${img#"$unpack"/}"
    echo "vmlinuz-sha256=$(sha256sum "$out/vmlinuz" | cut -d' ' -f1)"
  } > "$out/provenance"
  rm -rf "$state"
  echo "$out/vmlinuz"
}

failed=()
for row in "${table[@]}"; do
  IFS='|' read -r id suites metaver <<< "$row"
  selected "$id" || continue
  if ! (install_one "$id" "$suites" "$metaver"); then
    echo "install-linux-versions: $id: not installed" >&2
    failed+=("$id")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "install-linux-versions: failed: ${failed[*]}" >&2
  exit 1
fi
