#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what it needs, builds, lints, tests.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
[ -x /usr/bin/aws ] || need_apt+=(awscli)
/usr/bin/python3 -c "import boto3" >/dev/null 2>&1 || need_apt+=(python3-boto3)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing ${need_apt[*]} (Debian packages) for the cross-client tests"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund
fi

echo "== build, and type-check tests and bench"
npx tsc -p tsconfig.json
npx tsc -p tsconfig.test.json
echo "== lint (biome, dependency-cruiser)"
npx biome check
npx depcruise src --config .dependency-cruiser.cjs

echo "== tests"
# Each test file runs in its own process; two at a time on this 2-core machine.
node --import tsx --test --test-concurrency=2 test/*/*.test.ts
