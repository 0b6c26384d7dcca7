#!/usr/bin/env bash
# The whole test suite: formatting, lint (with layer rules and import cycles), typecheck, dead
# code (knip), then the unit and integration tests of every workspace against the real PostgreSQL
# and Redis. Prints one summary line at the end.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
set -e

require_node
install_dependencies
ensure_chromium
# Build tests run containers on a real engine; the builder image is made by the tests if missing.
ensure_docker
ensure_emulation || die "the image tests build arm64 images"
# The image tests boot what they build under QEMU and read images without mounting them.
ensure_packages qemu-system-aarch64=qemu-system-arm qemu-system-x86_64=qemu-system-x86 \
  /usr/lib/u-boot/qemu_arm64/u-boot.bin=u-boot-qemu /usr/share/OVMF/OVMF_CODE_4M.fd=ovmf \
  debugfs=e2fsprogs zstd=zstd
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgresql://$(id -un)@127.0.0.1:5432/postgres}"
export TEST_REDIS_URL="${TEST_REDIS_URL:-$REDIS_URL}"
# Tests create and drop their own databases and Redis prefixes on these servers (per run, so
# several checkouts can test at once); nothing that `npm start` creates is used.
DATABASE_URL="$TEST_DATABASE_URL" REDIS_URL="$TEST_REDIS_URL" npx tsx scripts/services.ts

set +e
status=0
npx prettier --check . --log-level warn || status=1
npx turbo run lint typecheck --continue --output-logs=errors-only || status=1
# Dead files, exports and dependencies (knip.config.ts); import cycles and layer rules are lint.
npx knip --no-progress --no-config-hints || status=1
find apps packages workers -name '.test-results*.json' -not -path '*/node_modules/*' -delete
npx turbo run test --continue --concurrency=2 -- --reporter=default --reporter=json --outputFile.json=.test-results.json || status=1
# The hostile-input suite alone, so its time bound measures it (scripts/test-summary.ts).
npm run test:adversarial -w @bbos/server -- --reporter=default --reporter=json --outputFile.json=.test-results-adversarial.json || status=1
# Image builds and QEMU boots, alone on the machine: one file at a time, after everything else.
images_started=$SECONDS
npm run test:images -w @bbos/server -- --reporter=default --reporter=json --outputFile.json=.test-results-images.json || status=1
echo "image tests: $((SECONDS - images_started)) s"
npx tsx scripts/test-summary.ts || status=1
exit $status
