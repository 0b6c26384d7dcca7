#!/usr/bin/env bash
# Proves that both README commands work on a machine that has never seen the project: clones the
# current commit into a temporary folder and, with an empty npm cache, a database name and a
# Redis prefix nobody used before, runs
#   1. the test command (`npm test`, as CI runs it), then
#   2. `npm start` on a free port, waits for /readyz and the "BBOS is running" line, and stops it.
# Uncommitted changes are not part of the check. Takes several minutes; not part of `npm test`.
#   bash scripts/fresh-clone-check.sh [--keep]     (--keep leaves the clone for inspection)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

keep=false
[ "${1:-}" = "--keep" ] && keep=true

work=$(mktemp -d -t bbos-fresh-XXXXXX)
run_id=$(basename "$work" | tr -dc 'a-z0-9' | tail -c 8)
database="bbos_fresh_$run_id"
admin_url=$(node -e 'const u=new URL(process.argv[1]); u.pathname="/postgres"; console.log(u.href)' "$DATABASE_URL")
start_pid=""

cleanup() {
  local status=$?
  if [ -n "$start_pid" ]; then kill -- -"$start_pid" 2>/dev/null || true; fi
  psql "$admin_url" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 || true
  if $keep; then echo "clone kept at $work/bbos"; else rm -rf "$work"; fi
  exit $status
}
trap cleanup EXIT INT TERM

commit=$(git rev-parse HEAD)
echo "fresh-clone check of $commit in $work"
[ -z "$(git status --porcelain)" ] || echo "note: uncommitted changes are not part of the check"
origin=$PWD
git clone --quiet --no-hardlinks "$origin" "$work/bbos"
cd "$work/bbos"

export npm_config_cache="$work/npm-cache"
export CI=true
# The machine's defaults stay in place (where PostgreSQL and Redis run); only names are fresh.
export DATABASE_URL
DATABASE_URL=$(node -e 'const u=new URL(process.argv[1]); u.pathname="/"+process.argv[2]; console.log(u.href)' "$DATABASE_URL" "$database")
export REDIS_PREFIX="bbos-fresh-$run_id"

echo
echo "== 1/2 test command (bash .ci/run) =="
started=$SECONDS
bash .ci/run 2>&1 | tee "$work/test.log" | tail -n 25
test_status=${PIPESTATUS[0]}
echo "test command: exit $test_status after $((SECONDS - started)) s"
[ "$test_status" -eq 0 ] || die "the test command failed on a fresh clone (log: $work/test.log)"

echo
echo "== 2/2 npm start =="
# A new clone again: the first one has node_modules and generated code now.
git clone --quiet --no-hardlinks "$origin" "$work/bbos2" && cd "$work/bbos2"
rm -rf "$npm_config_cache"
unset CI
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
started=$SECONDS
PORT=$port setsid npm start >"$work/start.log" 2>&1 &
start_pid=$!
until grep -q "BBOS is running at" "$work/start.log"; do
  if ! kill -0 "$start_pid" 2>/dev/null; then
    tail -n 30 "$work/start.log"
    die "npm start exited before the platform was running"
  fi
  [ $((SECONDS - started)) -lt 600 ] || die "npm start did not get ready within 600 s"
  sleep 1
done
grep "BBOS is running at" "$work/start.log"
curl -fsS "http://127.0.0.1:$port/readyz"
echo
# npm start offers the development login: sign in as the seed's user, then read its project.
curl -fsS -c "$work/cookies" "http://127.0.0.1:$port/auth/dev/login" \
  -H 'content-type: application/json' -d '{"login":"demo"}' >/dev/null
curl -fsS -b "$work/cookies" "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' \
  -d '{"query":"{ projects { totalCount edges { node { name } } } }"}' | tee "$work/projects.json"
echo
grep -q '"Demo boards"' "$work/projects.json" || die "the signed-in demo user does not see the seeded project"
curl -fsS "http://127.0.0.1:$port/" | grep -q 'id="root"' || die "the web app is not served at /"
echo "npm start: running after $((SECONDS - started)) s; web app, /readyz and GraphQL answer"
kill -- -"$start_pid"
wait "$start_pid" 2>/dev/null || true
start_pid=""
echo
echo "fresh-clone check passed for $commit"
