#!/usr/bin/env bash
# Replaces the "## Expected output" block of a sample's README with what the sample prints now, and each trap's block
# (the text block after "`dotnet run --project samples/NN-Name -- --try NAME` prints:") with what that trap prints now.
# A line that still matches the old one, with each <measured> standing for a number, is kept as it was, so real-time
# figures stay <measured>. Review the diff: tests check that the README and the output agree, so this is how an intended
# change of output is recorded.
# Usage: eng/update-sample-output.sh samples/03-WaitAndTimeouts
set -euo pipefail
sample=${1:?usage: eng/update-sample-output.sh <sample folder>}
sample=${sample%/}
dotnet build "$sample" >/dev/null
python3 - "$sample" <<'PY'
import re, subprocess, sys
sample = sys.argv[1]
readme = f"{sample}/README.md"
text = open(readme).read()

def run(*args):
    out = subprocess.run(["dotnet", "run", "--no-build", "--project", sample, "--", *args],
                         check=True, capture_output=True, text=True).stdout
    return out.rstrip("\n")

def merge(old, new):
    # Keep an old line where it still describes the new one (its <measured> figures standing for any number).
    old_lines, new_lines = old.split("\n"), new.split("\n")
    if len(old_lines) != len(new_lines):
        return new
    merged = []
    for o, n in zip(old_lines, new_lines):
        pattern = "^" + re.escape(o).replace(re.escape("<measured>"), r"[0-9]+(\.[0-9]+)?") + "$"
        merged.append(o if "<measured>" in o and re.match(pattern, n) else n)
    return "\n".join(merged)

new, count = re.subn(r"(## Expected output\s+```text\n)(.*?)(\n```)",
                     lambda m: m.group(1) + merge(m.group(2), run()) + m.group(3), text, flags=re.S)
if count != 1:
    sys.exit(f"{readme}: no single '## Expected output' text block")

# The block's lines are those up to the first line that starts with ``` (an empty block has none).
trap = r"(`dotnet run --project " + re.escape(sample) + r" -- --try ([a-z-]+)` prints:\s+```text\n)((?:(?!```)[^\n]*\n)*)(```)"
new = re.sub(trap, lambda m: m.group(1) + merge(m.group(3).rstrip("\n"), run("--try", m.group(2))) + "\n" + m.group(4), new)
open(readme, "w").write(new)
PY
echo "updated $sample/README.md"
