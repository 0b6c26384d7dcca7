#!/usr/bin/env bash
# Sets up everything and runs the platform: dependencies, PostgreSQL and Redis checks (local ones
# are started where installed), database, migrations, production build, demo data, then the API
# server (which also serves the web app) and a build worker. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

: "${HOST:=127.0.0.1}"
: "${PORT:=4000}"
export HOST PORT

require_node
install_dependencies
npx tsx scripts/services.ts --create-database
# The build worker runs builds in containers; it makes its builder image on first start.
ensure_docker
ensure_emulation || echo "warning: this worker cannot build arm64 images until then" >&2
npm run --silent db:migrate
# The build generates the Prisma client (codegen) that the seed imports.
npx turbo run build --output-logs=errors-only
npm run --silent db:seed

export WEB_DIST="$PWD/apps/web/dist"
# Without a GitHub OAuth app the server offers the development login, labelled as such in the
# app. The server refuses that login in production, so such a trial installation runs without
# NODE_ENV=production (and with introspection off, as production has it).
if [ -z "${AUTH_MODE:-}" ] && [ -z "${GITHUB_CLIENT_ID:-}" ]; then
  export AUTH_MODE=dev
fi
if [ "${AUTH_MODE:-}" = dev ]; then
  export NODE_ENV=development GRAPHQL_INTROSPECTION="${GRAPHQL_INTROSPECTION:-false}"
else
  export NODE_ENV=production
fi
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
node apps/server/dist/main.js & pids+=($!)
node workers/builder/dist/main.js & pids+=($!)

url="http://$HOST:$PORT"
ready=false
for _ in $(seq 1 120); do
  if curl -fsS "$url/readyz" >/dev/null 2>&1; then
    ready=true
    break
  fi
  kill -0 "${pids[@]}" 2>/dev/null || break
  sleep 0.5
done
$ready || die "the platform did not become ready at $url/readyz (see the log above)"
echo
echo "BBOS is running at $url (GraphQL: $url/graphql). Press Ctrl-C to stop."
if [ "${AUTH_MODE:-}" = dev ]; then
  echo "Sign in with the development login (any name; 'demo' owns the demo project)."
fi
wait -n "${pids[@]}"
