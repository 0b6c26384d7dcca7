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
