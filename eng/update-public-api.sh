#!/usr/bin/env bash
# Adds every public symbol the PublicApiAnalyzers report as undeclared (RS0016) to the project's
# PublicAPI.Unshipped.txt, then sorts it. Review the diff: it is the change to the package's public surface.
# Usage: eng/update-public-api.sh src/AsyncNotes
set -euo pipefail
project_dir=${1:?usage: eng/update-public-api.sh <project folder>}
unshipped="$project_dir/PublicAPI.Unshipped.txt"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet build "$project_dir" --no-incremental -p:TreatWarningsAsErrors=false >"$log" 2>&1 || true
{
  grep -v '^#nullable enable$' "$unshipped" || true
  grep -o "RS0016: Symbol '.*' is not part of the declared public API" "$log" \
    | sed -e "s/^RS0016: Symbol '//" -e "s/' is not part of the declared public API$//" || true
} | sed '/^$/d' | LC_ALL=C sort -u >"$log.sorted"
{ echo '#nullable enable'; cat "$log.sorted"; } >"$unshipped"
rm -f "$log.sorted"
echo "$(($(wc -l <"$unshipped") - 1)) symbols in $unshipped"
