#!/usr/bin/env bash
# Opens the built docs site in headless Chromium, as a reader would, and checks what only a browser shows: the landing
# page and its top bar, the Mermaid charts drawn as SVG (a section's timeline, the benchmark ratios), and the API page
# of AsyncIO.GatherAsync with the Python lines its XML docs give. Before that, without a browser: every section's sample
# has its article, and no page loads a script or a stylesheet from another host.
# The site is served on 127.0.0.1 only, and Chromium can reach no other host (names resolve to nothing, and any other
# address goes to a closed local proxy port).
# Build the site first (see the README's "Developing"); Chromium comes from Debian's package, installed here if missing.
# Usage: eng/check-site.sh [site folder, default docs/_site]
set -euo pipefail
cd "$(dirname "$0")/.."
site=${1:-docs/_site}
[ -f "$site/index.html" ] || { echo "no built site in $site: run 'dotnet docfx docfx.json' first" >&2; exit 1; }

work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Without a browser: an article per section, and nothing loaded from elsewhere.
python3 - "$site" <<'PY'
import glob, json, os, re, sys
site = sys.argv[1]
problems = []
toc = json.dumps(json.load(open(os.path.join(site, "notes", "toc.json"))))
for readme in sorted(glob.glob("samples/[0-9]*/README.md")):
    name = readme.split("/")[1]
    if not os.path.isfile(os.path.join(site, "samples", name, "README.html")):
        problems.append(f"{readme} has no article in the site")
    if f"samples/{name}/README.html" not in toc:
        problems.append(f"{readme} is not in the notes' table of contents (docs/notes/toc.yml)")
external = re.compile(r"""<(?:script[^>]*\ssrc|link[^>]*\shref)\s*=\s*["']?(?:https?:)?//""", re.I)
for page in glob.glob(os.path.join(site, "**", "*.html"), recursive=True):
    for tag in re.findall(r"<(?:script|link)\b[^>]*>", open(page, encoding="utf-8").read(), re.I):
        if external.match(tag) and not re.search(r"""rel\s*=\s*["']?(?:canonical|alternate)""", tag, re.I):
            problems.append(f"{page} loads from another host: {tag}")
for sheet in glob.glob(os.path.join(site, "public", "*.css")):
    if re.search(r"""(?:@import|url\()\s*["']?(?:https?:)?//""", open(sheet, encoding="utf-8").read(), re.I):
        problems.append(f"{sheet} loads from another host")
if problems:
    sys.exit("\n".join(problems))
print("every section's sample has its article; no page loads a script or a stylesheet from another host")
PY

if ! command -v chromium >/dev/null; then
  echo "installing Debian's chromium"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi

python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$site" >"$work/server.log" 2>&1 &
server=$!
port=""
for _ in $(seq 1 100); do
  port=$(grep -oE 'port [0-9]+' "$work/server.log" | grep -oE '[0-9]+' || true)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { cat "$work/server.log"; echo "the site's server did not start" >&2; exit 1; }

# dump PAGE: the page's DOM once its scripts have run (up to 15 s of the page's own time), in $work/PAGE's name.
dump() {
  local out="$work/$(echo "$1" | tr '/' '_')"
  timeout 120 chromium --headless --disable-gpu --no-sandbox --no-first-run --disable-quic \
    --disable-background-networking --disable-component-update --disable-sync --disable-extensions \
    --user-data-dir="$work/profile" \
    --host-resolver-rules="MAP * ~NOTFOUND , EXCLUDE 127.0.0.1" --proxy-server="127.0.0.1:9" \
    --virtual-time-budget=15000 --dump-dom "http://127.0.0.1:$port/$1" >"$out" 2>>"$work/chromium.log" \
    || { tail -n 20 "$work/chromium.log" >&2; echo "chromium could not open $1" >&2; exit 1; }
  echo "$out"
}

landing=$(dump index.html)
gather=$(dump samples/01-Gather/README.html)
bench=$(dump bench/results/README.html)
api=$(dump api/AsyncNotes.AsyncIO.GatherAsync.html)

python3 - "$landing" "$gather" "$bench" "$api" src/AsyncNotes/Gather/AsyncIO.Gather.cs <<'PY'
import html, re, sys
from html.parser import HTMLParser
landing, gather, bench, api, gather_source = (open(p, encoding="utf-8").read() for p in sys.argv[1:])
problems = []

class Text(HTMLParser):
    """The text a reader sees: highlighting splits code into spans, so lines are compared as text."""
    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0
    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip > 0:
            self.skip -= 1
    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)

def text(page):
    parser = Text()
    parser.feed(page)
    return re.sub(r"\s+", " ", "".join(parser.parts))

def charts(page):
    """The diagram type of each Mermaid block that became an SVG, and the number of blocks."""
    blocks = re.findall(r'<pre class="mermaid"(.*?)</pre>', page, re.S)
    kinds = [m.group(1) for b in blocks for m in [re.search(r'<svg[^>]*aria-roledescription="([^"]+)"', b)] if m]
    return kinds, len(blocks)

landing_text = text(landing)
if "AsyncNotes" not in landing_text or "The sections" not in landing_text:
    problems.append("index.html: the README's story is not on the landing page")
top_bar = {text(link).strip() for link in re.findall(r'<a class="nav-link[^>]*>(.*?)</a>', landing, re.S)}
if not {"Notes", "Guides", "API"} <= top_bar:
    problems.append(f"index.html: the top bar shows {sorted(top_bar)}, not Notes, Guides and API (did its scripts run?)")
if 'href="samples/01-Gather/README.html"' not in landing:
    problems.append("index.html: the section table does not link to the section articles")

for name, page, kind in (("samples/01-Gather/README.html", gather, "gantt"), ("bench/results/README.html", bench, "xychart")):
    kinds, blocks = charts(page)
    if blocks == 0:
        source = "its Mermaid source was left as code (did the page's scripts run?)" if "lang-mermaid" in page else "no Mermaid block"
        problems.append(f"{name}: {source}")
    elif kind not in kinds:
        problems.append(f"{name}: no {kind} chart drawn as SVG (drawn: {kinds or 'none'} of {blocks} block(s))")
if "Python (asyncio)" not in text(gather):
    problems.append("samples/01-Gather/README.html: the Python and C# columns are missing")

python_lines = list(dict.fromkeys(html.unescape(line) for line in re.findall(r"///\s*<code>(.*asyncio\.gather.*)</code>", gather_source)))
if not python_lines:
    problems.append("src/AsyncNotes/Gather/AsyncIO.Gather.cs: no one-line <code> with asyncio.gather in GatherAsync's docs")
api_text = text(api)
for line in python_lines:
    if re.sub(r"\s+", " ", line.strip()) not in api_text:
        problems.append(f"api/AsyncNotes.AsyncIO.GatherAsync.html: the Python line '{line}' is not shown")

if problems:
    sys.exit("\n".join(problems))
print(f"landing page and its top bar; 01-Gather's gantt chart and the benchmarks' xychart drawn as SVG; "
      f"GatherAsync's API page shows its {len(python_lines)} Python lines")
PY
echo "site check passed"
