#!/usr/bin/env bash
# Issue 16's comparison in one command: every BenchmarkDotNet benchmark (JSON reports), the asyncio twins in
# bench/python, then bench/compare.py's table of ratios (AsyncNotes over the BCL, Python over AsyncNotes, allocation per
# item, the targets) with Mermaid charts.
#
#   bench/compare.sh           the full run: BenchmarkDotNet's ShortRun at the issue's sizes, Python's median of 3.
#                              Copies the reports to bench/results (github tables, data/dotnet/*.json, data/python/*.json)
#                              and writes bench/results/comparison.md. Run it on a quiet machine.
#   bench/compare.sh --quick   checks the pipeline: BenchmarkDotNet's Dry job, every size a hundredth
#                              (ASYNCNOTES_BENCH_QUICK=1), one Python run. Writes only under BenchmarkDotNet.Artifacts/.
#
# Needs the .NET SDK of global.json and python3 3.11 or later (standard library only). Talks to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=full
case "${1:-}" in
  --quick) mode=quick ;;
  "") ;;
  *) echo "usage: bench/compare.sh [--quick]" >&2; exit 2 ;;
esac

python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "compare.sh: needs python3 3.11 or later" >&2; exit 1; }

out="BenchmarkDotNet.Artifacts/compare-$mode"
rm -rf "$out"
mkdir -p "$out/python"
if [ "$mode" = quick ]; then
  export ASYNCNOTES_BENCH_QUICK=1
  job=dry python_args=(--quick)
else
  unset ASYNCNOTES_BENCH_QUICK
  job=short python_args=()
fi
started=$SECONDS

echo "==> BenchmarkDotNet, job $job (log: $out/dotnet.log)"
# The build timeout is generous: BenchmarkDotNet builds its own copy of the projects (the analyzers included), which
# takes more than its default 2 minutes on a busy 2-core machine.
dotnet run -c Release --project bench/AsyncNotes.Benchmarks -- \
  --filter '*' --job "$job" --exporters json --buildTimeout 900 --artifacts "$out/dotnet" > "$out/dotnet.log" 2>&1 \
  || { grep -E -A3 'Build Error|failed|Exception' "$out/dotnet.log" | head -n 40
       echo "compare.sh: BenchmarkDotNet failed (log: $out/dotnet.log)" >&2; exit 1; }
grep -E '^Global total time' "$out/dotnet.log" || true

echo "==> asyncio twins"
for script in gather taskgroup queue semaphore executor loop http; do
  python3 "bench/python/${script}_bench.py" "${python_args[@]}" > "$out/python/$script.json"
done

if [ "$mode" = full ]; then
  mkdir -p bench/results/data/dotnet bench/results/data/python
  rm -f bench/results/data/dotnet/*.json bench/results/data/python/*.json
  cp "$out"/dotnet/results/*-report-github.md bench/results/
  for report in "$out"/dotnet/results/*-report-full-compressed.json; do
    name=$(basename "$report" -report-full-compressed.json)
    cp "$report" "bench/results/data/dotnet/${name#AsyncNotes.Benchmarks.}.json"
  done
  cp "$out"/python/*.json bench/results/data/python/
  python3 bench/compare.py
else
  python3 bench/compare.py --dotnet "$out/dotnet/results" --python "$out/python" --out "$out/comparison.md"
fi
echo "==> done in $(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s"
