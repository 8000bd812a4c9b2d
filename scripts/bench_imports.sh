#!/bin/bash
# Whole-process CPU, wall time and peak memory of the imports at province size (issue 15;
# docs/PERFORMANCE.md, "Imports at province size"), 3 runs each, on a fresh copy each run.
#
#   scripts/bench_imports.sh DIR
#
# DIR holds: empty.sqlite (`pledgetrack --db DIR/empty.sqlite db upgrade`), prov.sqlite (a
# copy of the province), planonly.sqlite (the province without readings), plan.csv and
# plan.xlsx (`export plan`), progress.csv (`export progress`) and progress_ok.csv (it without
# the rows the check refuses). Appends `label|user s|sys s|wall s|peak KB` lines to
# DIR/figures.txt. Never give it the shared province files: it copies, but run it on copies.
set -u
dir=${1:?usage: bench_imports.sh DIR}
P=${PLEDGETRACK:-$(dirname "$0")/../.venv/bin/pledgetrack}
cd "$dir" || exit 2
run() { # label database args...
  label=$1; src=$2; shift 2
  for _ in 1 2 3; do
    cp "$src" run.sqlite; rm -f run.sqlite-wal run.sqlite-shm
    /usr/bin/time -f "$label|%U|%S|%e|%M" -a -o figures.txt "$P" --db run.sqlite "$@" > /dev/null 2>&1
  done
}
run "plan.csv --dry-run" empty.sqlite import plan plan.csv --dry-run
run "plan.csv" empty.sqlite import plan plan.csv
run "plan.xlsx --dry-run" empty.sqlite import plan plan.xlsx --dry-run
run "plan.xlsx" empty.sqlite import plan plan.xlsx
run "plan.csv --dry-run onto the province" prov.sqlite import plan plan.csv --dry-run
run "progress_ok.csv --confirm --dry-run" planonly.sqlite import progress progress_ok.csv --confirm --dry-run
run "progress_ok.csv --confirm" planonly.sqlite import progress progress_ok.csv --confirm
run "progress.csv --dry-run (refused)" planonly.sqlite import progress progress.csv --dry-run
rm -f run.sqlite run.sqlite-wal run.sqlite-shm
