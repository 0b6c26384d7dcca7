# Shared by scripts/start.sh and scripts/test.sh. Defaults can be overridden from the environment.
: "${DATABASE_URL:=postgresql://$(id -un)@127.0.0.1:5432/bbos}"
: "${REDIS_URL:=redis://127.0.0.1:6379}"
export DATABASE_URL REDIS_URL
export CHECKPOINT_DISABLE=1 TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

die() {
  echo "error: $*" >&2
  exit 1
}

require_node() {
  command -v node >/dev/null || die "Node.js 20.19+ is required (https://nodejs.org or your package manager)"
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' ||
    die "Node.js 20.19+ is required; this is $(node --version)"
  command -v npm >/dev/null || die "npm is required"
}

# Installs exactly what package-lock.json pins (`npm ci`), unless node_modules already matches it.
# The lockfile is complete for every platform (written from an empty npm cache; CONTRIBUTING.md),
# so `npm ci` never needs to change it. Outside CI, a package.json edited by hand without
# updating the lockfile gets one `npm install`, which records the change.
install_dependencies() {
  local stamp=node_modules/.cache/bbos-installed-lock
  if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp"; then
    return
  fi
  echo "installing dependencies…"
  if ! npm ci --no-audit --no-fund --loglevel=error; then
    [ -z "${CI:-}" ] || die "npm ci failed; if package.json changed, run npm install and commit package-lock.json"
    echo "npm ci refused the lockfile; running npm install to bring it up to date with package.json"
    npm install --no-audit --no-fund --loglevel=error
  fi
  mkdir -p node_modules/.cache && cp package-lock.json "$stamp"
}

# Installs the Debian packages of whatever is missing, given as `probe=package` pairs, where a
# probe is a command name or an absolute path. As root with apt-get; anywhere else it says exactly
# what to install.
ensure_packages() {
  local missing=() pair probe
  for pair in "$@"; do
    probe=${pair%%=*}
    if [[ $probe == /* ]]; then
      [ -e "$probe" ] || missing+=("${pair#*=}")
    else
      command -v "$probe" >/dev/null || missing+=("${pair#*=}")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "installing ${missing[*]}…"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null ||
      die "could not install ${missing[*]} (apt-get install ${missing[*]})"
  else
    die "this needs ${missing[*]}: install them (Debian/Ubuntu: sudo apt-get install ${missing[*]})"
  fi
}

# The browser tests drive Debian's Chromium (never a browser a tool downloads itself).
ensure_chromium() {
  ensure_packages /usr/bin/chromium=chromium
}

# Images for other architectures (arm64 boards on an amd64 host) run their package scripts under
# qemu-user through the kernel's binfmt_misc; its handlers have the F flag, so they also work
# inside build containers. Returns 1, saying why, when that cannot be set up here.
ensure_emulation() {
  local handler=/proc/sys/fs/binfmt_misc/qemu-aarch64
  [ "$(uname -m)" = aarch64 ] && return
  if [ ! -e "$handler" ]; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "arm64 images need the qemu-aarch64 binfmt handler: sudo apt-get install qemu-user-static binfmt-support" >&2
      return 1
    fi
    ensure_packages /usr/bin/qemu-aarch64-static=qemu-user-static update-binfmts=binfmt-support
    [ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc ||
      { echo "could not mount binfmt_misc at /proc/sys/fs/binfmt_misc" >&2; return 1; }
    update-binfmts --enable >/dev/null 2>&1 || true
  fi
  grep -q '^flags: .*F' "$handler" 2>/dev/null && return
  echo "the qemu-aarch64 binfmt handler is missing or lacks the F flag ($handler); reinstall qemu-user-static" >&2
  return 1
}

# Builds run in containers: make sure a Docker engine answers, and that the host has debootstrap
# (the builder's base image is made locally; no registry is assumed reachable) and minisign (to
# verify signatures). With DOCKER_HOST set, that engine is used as it is. Otherwise a stopped local
# dockerd is started (as root); anywhere else this says exactly what is missing.
ensure_docker() {
  ensure_packages dockerd=docker.io debootstrap=debootstrap minisign=minisign
  docker_answers && return
  [ -z "${DOCKER_HOST:-}" ] || die "no Docker engine answers at DOCKER_HOST=$DOCKER_HOST"
  [ "$(id -u)" -eq 0 ] || die "no Docker engine answers at /var/run/docker.sock: start it (sudo systemctl start docker) or set DOCKER_HOST"
  echo "starting the Docker engine (dockerd; its log is /var/log/bbos-dockerd.log)…"
  # No bridge network or iptables: builds use host networking for downloads and none otherwise.
  nohup dockerd --iptables=false --bridge=none >/var/log/bbos-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    docker_answers && return
    sleep 0.5
  done
  die "dockerd did not answer within 30 s; see /var/log/bbos-dockerd.log"
}

# True when the engine behind DOCKER_HOST (or the default socket) answers its ping.
docker_answers() {
  local socket="${DOCKER_HOST:-unix:///var/run/docker.sock}"
  case "$socket" in
    unix://*) curl -fsS --max-time 2 --unix-socket "${socket#unix://}" http://docker/_ping >/dev/null 2>&1 ;;
    tcp://*) curl -fsS --max-time 2 "http://${socket#tcp://}/_ping" >/dev/null 2>&1 ;;
    *) return 1 ;;
  esac
}
