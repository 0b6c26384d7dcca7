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

# Installs exactly what package-lock.json pins, unless node_modules already matches it.
install_dependencies() {
  local stamp=node_modules/.cache/bbos-installed-lock
  if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp"; then
    return
  fi
  echo "installing dependencies (npm ci)…"
  npm ci --no-audit --no-fund
  mkdir -p node_modules/.cache && cp package-lock.json "$stamp"
}
