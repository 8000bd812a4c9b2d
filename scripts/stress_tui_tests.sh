#!/usr/bin/env bash
# The TUI tests under CPU load: two busy loops keep both cores busy while the TUI tests run
# N times (default 20) on SQLite and N times with every database on PostgreSQL. Stops at
# the first failure. Usage: scripts/stress_tui_tests.sh [N] [BACKENDS]
# (BACKENDS: "sqlite postgresql" by default, or one of them).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-20}"
python="${PYTHON:-.venv/bin/python}"
export PLEDGETRACK_TEST_DATABASE_URL="${PLEDGETRACK_TEST_DATABASE_URL:-postgresql://$(id -un)@127.0.0.1:5432/test}"

loads=()
stop_loads() { [ ${#loads[@]} -eq 0 ] || kill "${loads[@]}" 2>/dev/null || true; }
trap stop_loads EXIT
for _ in 1 2; do
  python3 -c 'while True: pass' &
  loads+=("$!")
done

passed=0
backends="${2:-sqlite postgresql}"
total=$((runs * $(wc -w <<<"$backends")))
for backend in $backends; do
  for i in $(seq 1 "$runs"); do
    if PLEDGETRACK_TEST_BACKEND="$backend" "$python" -m pytest tests/test_tui*.py -q \
      -p no:randomly -p no:cacheprovider >"/tmp/stress-tui-$backend-$i.log" 2>&1; then
      passed=$((passed + 1))
      echo "$backend run $i/$runs: passed"
    else
      echo "$backend run $i/$runs: FAILED (see /tmp/stress-tui-$backend-$i.log)"
      echo "$passed of $total runs passed before the failure"
      exit 1
    fi
  done
done
echo "$passed of $total runs passed under load"
