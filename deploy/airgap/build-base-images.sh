#!/usr/bin/env bash
# Builds local stand-ins for every base image that the Dockerfile and docker-compose.yml name
# (node:20-bookworm-slim, redis:…, nginx:…), for hosts that cannot pull from a container registry
# (air-gapped networks, regulated sites) but reach a Debian mirror.
#
#   deploy/airgap/build-base-images.sh [--force] [--list]
#
#   --force   rebuild every stand-in, even when its tag exists (default: skip existing tags)
#   --list    print the images the project needs, one a line, and whether each exists; build nothing
#
# Environment:
#   MIRROR    Debian mirror for debootstrap and apt (default: the host's apt sources)
#   NODE_BIN  the Node binary to copy into the node image (default: `node` on PATH); its major
#             version must be the one the Dockerfile names (Debian's own Node is 18: too old)
#   NPM_DIR   the npm package to copy beside it (default: found next to NODE_BIN)
#
# How: one `debootstrap --variant=minbase` root of the Debian release the node image names,
# imported once with `docker import` as tandem-airgap/debian:<codename>; each stand-in is a
# one-step `docker build` on it (deploy/airgap/*.Dockerfile). Needs root (debootstrap, docker).
# The stand-ins carry the label tandem.airgap=1 and the versions they really hold.
set -euo pipefail
# debootstrap and the tools it calls (chroot, mknod) live in sbin, which a non-login PATH may lack.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
force=0
list=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    --list) list=1 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "build-base-images: unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done

say() { printf '[airgap] %s\n' "$*"; }
die() { printf '[airgap] error: %s\n' "$*" >&2; exit 1; }
exists() { docker image inspect "$1" >/dev/null 2>&1; }

# --- which images ----------------------------------------------------------------------------
# FROM lines of the Dockerfile (stage names excluded) and `image:` lines of the compose file
# (the project's own image, written with a variable, excluded).
needed_images() {
  awk 'toupper($1) == "FROM" {
         i = 2; while ($i ~ /^--/) i++
         if (!($i in stage)) print $i
         if (toupper($(i+1)) == "AS") stage[$(i+2)] = 1
       }' "$repo/Dockerfile"
  sed -n 's/^[[:space:]]*image:[[:space:]]*["'\'']\{0,1\}\([^"'\'' #]*\).*/\1/p' "$repo/docker-compose.yml" | grep -v '\$' || true
}
mapfile -t images < <(needed_images | sort -u)
[ "${#images[@]}" -gt 0 ] || die "no base image found in Dockerfile and docker-compose.yml"

if [ "$list" = 1 ]; then
  for image in "${images[@]}"; do
    if exists "$image"; then echo "$image present"; else echo "$image missing"; fi
  done
  exit 0
fi

missing=()
for image in "${images[@]}"; do
  if [ "$force" = 1 ] || ! exists "$image"; then missing+=("$image"); fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  say "all present: ${images[*]} (--force rebuilds)"
  exit 0
fi
[ "$(id -u)" = 0 ] || die "run as root: debootstrap and docker need it"
docker info >/dev/null 2>&1 || die "no Docker engine answers (start dockerd first)"

# --- the Debian release and mirror -------------------------------------------------------------
codename=""
for image in "${images[@]}"; do
  case "$image" in
    node:*) codename="$(printf '%s' "${image#node:}" | tr '-' '\n' | grep -E '^(bullseye|bookworm|trixie)$' || true)" ;;
  esac
done
if [ -z "$codename" ]; then
  codename="$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")"
fi
[ -n "$codename" ] || die "cannot tell the Debian release: name it in the node image tag (node:20-bookworm-slim)"

# The first Debian source of the host for $1 (a suite): deb822 .sources files and one-line .list
# files. A Debian source is one whose URI ends in /debian (not -security, not a third party).
host_mirror() {
  local suite="$1" f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v suite="$suite" '
      BEGIN { RS = ""; FS = "\n" }
      { uris = ""; suites = ""; deb = 0
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^Types:/ && $i ~ /[[:space:]]deb([[:space:]]|$)/) deb = 1
          if ($i ~ /^URIs:/) { uris = $i; sub(/^URIs:[[:space:]]*/, "", uris) }
          if ($i ~ /^Suites:/) { suites = " " $i " "; sub(/^ Suites:/, "", suites) }
        }
        if (deb && index(suites, " " suite " ") > 0) { split(uris, u, /[[:space:]]+/); print u[1]; exit }
      }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk -v suite="$suite" '$1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i+1) == suite) { print $i; exit } }' "$f"
  done
}
mirror="${MIRROR:-}"
if [ -z "$mirror" ]; then
  mirror="$(host_mirror "$codename" | grep -E '/debian/?$' | head -n1 || true)"
fi
[ -n "$mirror" ] || die "no Debian mirror for $codename in /etc/apt/sources.list*: set MIRROR=http://your-mirror/debian"
security="$(host_mirror "$codename-security" | head -n1 || true)"
updates="$(host_mirror "$codename-updates" | head -n1 || true)"
say "Debian $codename from $mirror${security:+ (security: $security)}"

work="$(mktemp -d "${TMPDIR:-/tmp}/tandem-airgap.XXXXXX")"
trap 'rm -rf "$work"' EXIT
base="tandem-airgap/debian:$codename"

# --- the shared root ---------------------------------------------------------------------------
if [ "$force" = 1 ] || ! exists "$base"; then
  if ! command -v debootstrap >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || die "debootstrap is missing: install it"
    say "installing debootstrap with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null; }
  fi
  say "debootstrap --variant=minbase $codename (about a minute)"
  started=$SECONDS
  debootstrap --variant=minbase --include=ca-certificates "$codename" "$work/root" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -n 30 "$work/debootstrap.log" >&2; die "debootstrap failed (log above)"; }
  {
    echo "deb $mirror $codename main"
    [ -z "$updates" ] || echo "deb $updates $codename-updates main"
    [ -z "$security" ] || echo "deb $security $codename-security main"
  } >"$work/root/etc/apt/sources.list"
  # As in Debian's official container images: services are never started by package scripts, and
  # apt keeps no downloaded packages.
  printf '#!/bin/sh\nexit 101\n' >"$work/root/usr/sbin/policy-rc.d"
  chmod 755 "$work/root/usr/sbin/policy-rc.d"
  echo 'APT::Install-Recommends "false";' >"$work/root/etc/apt/apt.conf.d/90tandem-airgap"
  rm -rf "$work/root/var/cache/apt/archives/"*.deb "$work/root/var/lib/apt/lists/"* "$work/root/tmp/"* "$work/root/var/log/"*.log
  tar -C "$work/root" --numeric-owner -c . \
    | docker import --change 'CMD ["bash"]' --change 'LABEL tandem.airgap=1' - "$base" >/dev/null
  rm -rf "$work/root"
  say "$base imported ($((SECONDS - started)) s)"
fi

# --- the stand-ins -----------------------------------------------------------------------------
build() { # tag, Dockerfile, context, build args…
  local tag="$1" file="$2" context="$3"
  shift 3
  local started=$SECONDS
  docker build -q --label tandem.airgap=1 --build-arg "BASE=$base" "$@" -f "$file" -t "$tag" "$context" >"$work/build.log" 2>&1 \
    || { tail -n 30 "$work/build.log" >&2; die "docker build of $tag failed (log above)"; }
  say "$tag built ($((SECONDS - started)) s)"
}

for image in "${missing[@]}"; do
  case "$image" in
    node:*)
      want="${image#node:}"
      want="${want%%[-.]*}"
      node_bin="${NODE_BIN:-$(command -v node || true)}"
      [ -n "$node_bin" ] || die "$image needs Node $want on this host (NODE_BIN=/path/to/node)"
      node_bin="$(readlink -f "$node_bin")"
      version="$("$node_bin" --version)"
      [ "${version#v}" != "${version#v"$want".}" ] \
        || die "$image needs Node $want, the host has $version (install Node $want, or point NODE_BIN at one)"
      npm_dir="${NPM_DIR:-}"
      for candidate in "$(dirname "$node_bin")/../lib/node_modules/npm" /usr/lib/node_modules/npm /usr/local/lib/node_modules/npm; do
        [ -n "$npm_dir" ] || { [ -f "$candidate/bin/npm-cli.js" ] && npm_dir="$candidate"; } || true
      done
      [ -n "$npm_dir" ] || die "npm not found next to $node_bin (NPM_DIR=/path/to/node_modules/npm)"
      mkdir -p "$work/node"
      cp "$node_bin" "$work/node/node"
      cp -a "$(readlink -f "$npm_dir")" "$work/node/npm"
      build "$image" "$here/node.Dockerfile" "$work/node" --build-arg "NODE_VERSION=${version#v}" \
        --label "tandem.airgap.node=${version#v}"
      rm -rf "$work/node"
      ;;
    redis:*)
      build "$image" "$here/redis.Dockerfile" "$here"
      ;;
    nginx:*)
      build "$image" "$here/nginx.Dockerfile" "$here"
      ;;
    *)
      die "no recipe for $image: add one to deploy/airgap/"
      ;;
  esac
done
say "done: ${images[*]}"
