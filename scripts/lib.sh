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

# Installs what package-lock.json pins, unless node_modules already matches it. `npm install`
# rather than `npm ci`: npm 11 leaves other platforms' optional packages (turbo's binaries) out
# of the lockfile and `npm ci` then refuses it. In CI a lockfile that install had to change fails.
install_dependencies() {
  local stamp=node_modules/.cache/bbos-installed-lock
  if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp"; then
    return
  fi
  echo "installing dependencies…"
  local before
  before=$(sha256sum package-lock.json)
  npm install --no-audit --no-fund --loglevel=error
  if [ -n "${CI:-}" ] && [ "$before" != "$(sha256sum package-lock.json)" ]; then
    die "package-lock.json is out of date with package.json: run npm install and commit it"
  fi
  mkdir -p node_modules/.cache && cp package-lock.json "$stamp"
}
