"""The comparison table of issue 16: AsyncNotes beside the BCL and beside asyncio, with the issue's targets.

Reads BenchmarkDotNet's JSON reports (--exporters json) and the JSON the asyncio twins in bench/python print, prints a
Markdown table (workload, AsyncNotes time, BCL time, their ratio, allocation per item, Python time, Python over
AsyncNotes, Python's peak memory per item, target, met?) and writes it, with Mermaid bar charts of the ratios, to --out.
bench/compare.sh runs both sides and then this; run it alone to render committed data again:

    python3 bench/compare.py            # bench/results/data/{dotnet,python} -> bench/results/comparison.md

Standard library only.
"""
import argparse
import datetime
import json
import math
import pathlib
import re
import sys
from dataclasses import dataclass, field

from compare_rows import ROWS, SIZE_PARAMETERS, Row

BENCH = pathlib.Path(__file__).resolve().parent


@dataclass
class Measured:
    """One row's numbers: times in seconds, bytes per operation (one operation is the whole workload of n items)."""
    n: int | None = None
    an_s: float | None = None
    an_bytes: float | None = None
    bcl_s: float | None = None
    bcl_bytes: float | None = None
    py_s: float | None = None
    py_peak_per_item: float | None = None
    missing: list[str] = field(default_factory=list)

    @property
    def ratio(self):
        return self.an_s / self.bcl_s if self.an_s and self.bcl_s else None

    @property
    def bytes_ratio(self):
        return self.an_bytes / self.bcl_bytes if self.an_bytes is not None and self.bcl_bytes else None

    @property
    def python_ratio(self):
        return self.py_s / self.an_s if self.py_s and self.an_s else None


def load_dotnet(directory):
    """{(type, method): [(parameters, median seconds, bytes per operation)]}, and the host and job of the run."""
    benchmarks, host, jobs = {}, None, set()
    for path in sorted(pathlib.Path(directory).glob("*.json")):
        report = json.loads(path.read_text(encoding="utf-8"))
        host = host or report.get("HostEnvironmentInfo")
        for b in report.get("Benchmarks", []):
            parameters = dict(p.split("=", 1) for p in re.split(r"[&,]\s*", b["Parameters"]) if "=" in p)
            stats = b.get("Statistics") or {}
            memory = b.get("Memory") or {}
            median = stats.get("Median")
            benchmarks.setdefault((b["Type"], b["Method"]), []).append(
                (parameters, median / 1e9 if median is not None else None, memory.get("BytesAllocatedPerOperation")))
            # "Type.'Title': Job(...) [Parameters]": the title may hold ": " too.
            jobs.add(b["DisplayInfo"].removeprefix(f"{b['Type']}.{b['MethodTitle']}: ").rsplit(" [", 1)[0])
    return benchmarks, host, sorted(jobs)


def load_python(directory):
    """{workload id: result}, and the documents (for the machine and the mode)."""
    results, documents = {}, []
    for path in sorted(pathlib.Path(directory).glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        documents.append(document)
        for result in document["results"]:
            results[result["id"]] = result
    return results, documents


def measure(row: Row, dotnet, python) -> Measured:
    m = Measured()

    def find(method):
        for parameters, median, allocated in dotnet.get((row.type, method), []):
            if all(parameters.get(k) == v for k, v in row.parameters.items()):
                size = next((int(parameters[p]) for p in SIZE_PARAMETERS if p in parameters), None)
                return median, allocated, size
        m.missing.append(f"{row.type}.{method}")
        return None, None, None

    m.an_s, m.an_bytes, m.n = find(row.asyncnotes)
    if row.bcl:
        m.bcl_s, m.bcl_bytes, _ = find(row.bcl)
    if row.python:
        result = python.get(row.python)
        if result is None:
            m.missing.append(f"python {row.python}")
        else:
            m.py_s, m.py_peak_per_item = result["median_s"], result["peak_bytes_per_item"]
    return m


def duration(seconds):
    if seconds is None:
        return "–"
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def times(value):
    return "–" if value is None else f"{value:.2f}×"


def per_item(total, n):
    if total is None or not n:
        return "–"
    value = total / n
    return f"{value:,.0f} B" if value >= 10 else f"{value:.2g} B"


def allocation(m: Measured):
    if m.an_bytes is None:
        return "–"
    text = per_item(m.an_bytes, m.n)
    if m.bcl_bytes is not None:
        text += f" · {per_item(m.bcl_bytes, m.n)}"
        if m.bytes_ratio is not None:
            text += f" ({times(m.bytes_ratio)})"
    return text


def verdict(row: Row, m: Measured):
    """The targets as text, and yes/no/– (– when there is no target or a number is missing)."""
    if not row.targets:
        return "–", "–"
    checks = [target.check(m) for target in row.targets]
    text = "; ".join(target.text for target in row.targets)
    if any(ok is None for ok in checks):
        return text, "–"
    return text, "yes" if all(checks) else "**no**"


def table(rows_and_numbers):
    lines = [
        "| Workload | AsyncNotes | BCL | AsyncNotes / BCL | Allocated per item: AsyncNotes · BCL | Python (asyncio) "
        "| Python / AsyncNotes | Python peak per item | Target | Met? |",
        "|---|--:|--:|--:|--:|--:|--:|--:|---|---|",
    ]
    for row, m in rows_and_numbers:
        target, met = verdict(row, m)
        bcl = f"{duration(m.bcl_s)}<br>{row.bcl_title}" if row.bcl else "–"
        lines.append(
            f"| {row.title.format(n=f'{m.n:,}' if m.n else 'N')} | {duration(m.an_s)} | {bcl} | {times(m.ratio)} "
            f"| {allocation(m)} | {duration(m.py_s)} | {times(m.python_ratio)} "
            f"| {per_item(m.py_peak_per_item, 1) if m.py_peak_per_item is not None else '–'} | {target} | {met} |")
    return "\n".join(lines)


def chart(title, axis, bars):
    """A horizontal Mermaid xychart-beta bar chart of (label, value) pairs; empty if there are none."""
    bars = [(label, value) for label, value in bars if value is not None]
    if not bars:
        return ""
    top = max(1.0, max(v for _, v in bars)) * 1.1
    top = math.ceil(top * 10) / 10 if top < 10 else math.ceil(top)
    labels = ", ".join(f'"{label}"' for label, _ in bars)
    values = ", ".join(f"{value:.2f}" for _, value in bars)
    return "\n".join([
        "```mermaid",
        "xychart-beta horizontal",
        f'    title "{title}"',
        f"    x-axis [{labels}]",
        f'    y-axis "{axis}" 0 --> {top:g}',
        f"    bar [{values}]",
        "```",
    ])


def machine_lines(host, jobs, documents):
    lines = []
    if host:
        lines.append(f"- .NET: BenchmarkDotNet {host.get('BenchmarkDotNetVersion')}, job {', '.join(jobs) or '?'}; "
                     f"{host.get('RuntimeVersion')}, SDK {host.get('DotNetCliVersion')}; {host.get('OsVersion')}; "
                     f"{host.get('ProcessorName')}, {host.get('PhysicalCoreCount')} physical and "
                     f"{host.get('LogicalCoreCount')} logical cores.")
    if documents:
        machine = documents[0]["machine"]
        d = documents[0]
        warmup = f"after {d.get('warmup', 1)} warm-up run" if d.get("warmup", 1) else "no warm-up"
        lines.append(f"- Python: {machine['implementation']} {machine['python']}, median of {d['repeats']} run(s), "
                     f"{warmup}; {machine['platform']}; {machine['cpu']}, {machine['cores']} cores.")
    return lines


def render(rows_and_numbers, host, jobs, documents, quick):
    today = datetime.date.today().isoformat()
    parts = ["# AsyncNotes beside the BCL and asyncio", ""]
    if quick:
        parts += ["> **Quick run** (`bench/compare.sh --quick`: BenchmarkDotNet's Dry job, every size a hundredth, one",
                  "> Python run): it checks the pipeline. Its numbers mean nothing; do not quote them.", ""]
    parts += [f"Generated {today} by `bench/compare.sh` (`bench/compare.py`). The machine:", ""]
    parts += machine_lines(host, jobs, documents)
    parts += [
        "",
        "Times are medians of one whole workload (N items). A ratio below 1 means the numerator is faster. Allocated:",
        "BenchmarkDotNet's managed bytes per operation, divided by N (the ratio in brackets is AsyncNotes over the BCL).",
        "Python peak: tracemalloc's peak of memory held at once during the run, divided by N; CPython counts no total",
        "allocation, so it does not compare with the .NET column. The targets are issue 16's (ToThreadAsync's is the",
        "one ExecutorBenchmark states). The Python side is standard-library asyncio (`bench/python`); the HTTP row's",
        "client and server there are minimal ones of its own, so that ratio compares two stacks.",
        "",
        table(rows_and_numbers),
        "",
        chart("AsyncNotes time / BCL time (1 = as fast as the BCL)", "AsyncNotes / BCL",
              [(row.short, m.ratio) for row, m in rows_and_numbers if row.bcl]),
        "",
        chart("asyncio time / AsyncNotes time (how many times faster AsyncNotes is)", "Python / AsyncNotes",
              [(row.short, m.python_ratio) for row, m in rows_and_numbers if row.python]),
    ]
    missing = sorted({name for _, m in rows_and_numbers for name in m.missing})
    if missing:
        parts += ["", "Not measured in this run: " + ", ".join(f"`{name}`" for name in missing) + "."]
    return "\n".join(parts).rstrip() + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--dotnet", default=BENCH / "results/data/dotnet", help="BenchmarkDotNet's *.json reports")
    parser.add_argument("--python", default=BENCH / "results/data/python", help="the asyncio twins' *.json output")
    parser.add_argument("--out", default=BENCH / "results/comparison.md", help="the page to write")
    args = parser.parse_args()

    dotnet, host, jobs = load_dotnet(args.dotnet)
    python, documents = load_python(args.python)
    if not dotnet and not python:
        sys.exit(f"compare.py: no results in {args.dotnet} or {args.python}")
    quick = any(d.get("quick") for d in documents) or any(job.startswith("Dry") for job in jobs)
    rows_and_numbers = [(row, measure(row, dotnet, python)) for row in ROWS]
    page = render(rows_and_numbers, host, jobs, documents, quick)
    pathlib.Path(args.out).write_text(page, encoding="utf-8")
    print(page)
    print(f"(written to {args.out})")


if __name__ == "__main__":
    main()
