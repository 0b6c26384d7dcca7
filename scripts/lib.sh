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

# The browser tests drive Debian's Chromium (never a browser a tool downloads itself).
ensure_chromium() {
  [ -x /usr/bin/chromium ] && return
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "installing chromium for the browser tests…"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null ||
      die "could not install chromium (apt-get install chromium)"
  else
    die "the browser tests need /usr/bin/chromium: install Debian's chromium package (sudo apt-get install chromium)"
  fi
}

# Builds run in containers: make sure a Docker engine answers, and that the host has debootstrap
# (the builder's base image is made locally; no registry is assumed reachable) and minisign (to
# verify signatures). With DOCKER_HOST set, that engine
# is used as it is. Otherwise missing packages are installed (as root, with apt-get) and a
# stopped local dockerd is started; anywhere else this says exactly what is missing.
ensure_docker() {
  local missing=() package
  command -v dockerd >/dev/null || missing+=(docker.io)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v minisign >/dev/null || missing+=(minisign)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
      echo "installing ${missing[*]} (the Docker engine and tools image builds need)…"
      apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null ||
        die "could not install ${missing[*]} (apt-get install ${missing[*]})"
    else
      die "image builds need ${missing[*]}: install them (Debian/Ubuntu: sudo apt-get install ${missing[*]})"
    fi
  fi
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
