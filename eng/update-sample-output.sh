#!/usr/bin/env bash
# Replaces the "## Expected output" block of a sample's README with what the sample prints now.
# Review the diff: a test checks that the two agree, so this is how an intended change of output is recorded.
# Usage: eng/update-sample-output.sh samples/03-WaitAndTimeouts
set -euo pipefail
sample=${1:?usage: eng/update-sample-output.sh <sample folder>}
output=$(mktemp)
trap 'rm -f "$output"' EXIT
dotnet run --project "$sample" >"$output"
python3 - "$sample/README.md" "$output" <<'PY'
import re, sys
readme, output = sys.argv[1], open(sys.argv[2]).read().rstrip("\n")
text = open(readme).read()
new, count = re.subn(r"(## Expected output\s+```text\n).*?(\n```)", lambda m: m.group(1) + output + m.group(2), text, flags=re.S)
if count != 1:
    sys.exit(f"{readme}: no single '## Expected output' text block")
open(readme, "w").write(new)
PY
echo "updated $sample/README.md"
