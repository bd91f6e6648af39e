"""The rows of bench/compare.py's table: which BenchmarkDotNet method is AsyncNotes' form, which is the BCL form it is
set beside, which bench/python workload is its asyncio twin, and issue 16's target for it.
"""
from dataclasses import dataclass, field

# The size parameter of each benchmark class: the table's N, and what allocation is divided by.
SIZE_PARAMETERS = ("Children", "Tasks", "Items", "Calls", "Requests")


@dataclass(frozen=True)
class AtMost:
    """AsyncNotes' time at most `limit` times the BCL's (and its allocation too, with `bytes`)."""
    limit: float
    bytes: bool = False

    @property
    def text(self):
        return f"≤ {self.limit:g}× the BCL" + (" in time and bytes" if self.bytes else "")

    def check(self, m):
        if m.ratio is None or (self.bytes and m.bytes_ratio is None):
            return None
        return m.ratio <= self.limit and (not self.bytes or m.bytes_ratio <= self.limit)


@dataclass(frozen=True)
class ThroughputAtLeast:
    """AsyncNotes' throughput at least `fraction` of the BCL's: the BCL's time over AsyncNotes' at least that."""
    fraction: float

    @property
    def text(self):
        return f"≥ {self.fraction:g}× the BCL's throughput"

    def check(self, m):
        return None if m.ratio is None else 1 / m.ratio >= self.fraction


@dataclass(frozen=True)
class WallTimeAtMost:
    """AsyncNotes' median at most `ms` milliseconds of wall time (at the issue's size)."""
    ms: float

    @property
    def text(self):
        return f"≤ {self.ms:g} ms"

    def check(self, m):
        return None if m.an_s is None else m.an_s * 1000 <= self.ms


@dataclass(frozen=True)
class FasterThanPython:
    """AsyncNotes at least `factor` times faster than asyncio on the same work."""
    factor: float

    @property
    def text(self):
        return f"≥ {self.factor:g}× faster than asyncio"

    def check(self, m):
        return None if m.python_ratio is None else m.python_ratio >= self.factor


@dataclass(frozen=True)
class Row:
    title: str          # {n} is replaced by the size measured
    short: str          # the chart's label
    type: str           # the BenchmarkDotNet class
    asyncnotes: str     # its method for AsyncNotes' form
    bcl: str | None     # its method for the BCL form, if there is one
    bcl_title: str = ""
    python: str | None = None  # the bench/python workload id
    targets: tuple = ()
    parameters: dict = field(default_factory=dict)  # other parameters the two methods must have


def _queue_rows():
    rows = []
    for where, method, python in (("thread pool", "QueueOnThePool", None), ("event loop", "QueueOnTheLoop", "queue")):
        for max_size, bound in (("100", "bounded 100"), ("0", "unbounded")):
            for producers in ("1", "4"):
                rows.append(Row(
                    f"AsyncQueue, {bound}, {producers}/{producers}, {{n}} items, {where}",
                    f"queue {'100' if max_size == '100' else 'unb.'} {producers}/{producers} {where.split()[-1]}",
                    "QueueBenchmark", method, "Channel", "Channel, thread pool",
                    f"{python}/{max_size}/{producers}" if python else None,
                    # The target is the bounded queue against the channel, both on the pool; on the loop the
                    # comparison that matters is asyncio's.
                    (ThroughputAtLeast(0.7),) if max_size == "100" and python is None else (),
                    {"MaxSize": max_size, "Producers": producers}))
    return rows


ROWS = [
    Row("GatherAsync, {n} ready tasks", "gather ready", "GatherBenchmark", "GatherReady", "WhenAllReady",
        "Task.WhenAll", "gather/ready", (AtMost(1.2, bytes=True),)),
    Row("GatherAsync, {n} tasks that yield once", "gather tasks", "GatherBenchmark", "Gather", "WhenAll",
        "Task.WhenAll"),
    Row("GatherAsync, {n} delegates", "gather delegates", "GatherBenchmark", "GatherDelegates", "WhenAllDelegates",
        "WhenAll + linked CTS", "gather/delegates", (AtMost(1.5),)),
    Row("GatherAsync, {n} delegates, limit 100", "gather limit 100", "GatherBenchmark", "GatherDelegatesLimited",
        "WhenAllDelegatesLimited", "WhenAll + linked CTS + SemaphoreSlim", "gather/limited", (AtMost(1.5),)),
    Row("GatherAsync over {n} loop tasks, event loop", "gather on loop", "EventLoopBenchmark", "LoopGather",
        "LoopWhenAll", "Task.WhenAll, event loop", "gather/tasks"),
    Row("TaskGroup, {n} children, thread pool", "TaskGroup pool", "TaskGroupBenchmark", "GroupOnThePool",
        "ByHandOnThePool", "WhenAll + linked CTS", None, (AtMost(1.5),)),
    Row("TaskGroup, {n} children, event loop", "TaskGroup loop", "TaskGroupBenchmark", "GroupOnTheLoop",
        "ByHandCreateTaskOnTheLoop", "WhenAll + linked CTS, CreateTask children", "taskgroup", (AtMost(1.5),)),
    *_queue_rows(),
    Row("AsyncSemaphore(100), {n} tasks", "AsyncSemaphore", "SemaphoreBenchmark", "AsyncSemaphoreByHand",
        "SemaphoreSlimByHand", "SemaphoreSlim", "semaphore", (AtMost(1.5),)),
    Row("SemaphoreSlim.AcquireAsync, {n} tasks, limit 100", "AcquireAsync", "SemaphoreBenchmark",
        "SemaphoreSlimAcquire", "SemaphoreSlimByHand", "SemaphoreSlim, WaitAsync/Release", "semaphore"),
    Row("MapAsync, {n} items, limit 100, input order", "MapAsync ordered", "SemaphoreBenchmark", "MapOrdered",
        "SemaphoreSlimByHand", "SemaphoreSlim + WhenAll", "semaphore", (AtMost(1.3),)),
    Row("MapAsync, {n} items, limit 100, completion order", "MapAsync unordered", "SemaphoreBenchmark",
        "MapUnordered", "SemaphoreSlimByHand", "SemaphoreSlim + WhenAll", "map/as_completed", (AtMost(1.3),)),
    Row("MapAsync, {n} items, limit 100, input order, beside Parallel.ForEachAsync", "MapAsync vs Parallel", "SemaphoreBenchmark", "MapOrdered",
        "ParallelForEach", "Parallel.ForEachAsync"),
    Row("ToThreadAsync x {n}, event loop", "ToThreadAsync", "ExecutorBenchmark", "ToThread", "TaskRun",
        "Task.Run", "to_thread", (AtMost(2),)),
    Row("AsyncIO.Run, {n} tasks yield once", "loop yields", "EventLoopBenchmark", "LoopYields", "ThreadPoolYields",
        "thread pool", "loop/yield", (AtMost(2), FasterThanPython(30))),
    Row("{n} one-hour sleeps, virtual clock", "virtual sleeps", "EventLoopBenchmark", "VirtualSleeps", None,
        python="loop/sleeps", targets=(WallTimeAtMost(100),)),
    Row("GetAllStringsAsync, {n} GETs, limit 10, plain client", "http fan-out", "HttpBenchmark", "GetAllStrings",
        "RawClient", "HttpClient + SemaphoreSlim", "http"),
    Row("FetchAllAsync (outcomes), {n} GETs, limit 10, plain client", "http outcomes", "HttpBenchmark",
        "FetchAllOutcomes", "RawClient", "HttpClient + SemaphoreSlim"),
    Row("GetAllStringsAsync, {n} GETs, limit 10, AddAsyncNotesHttpClient", "http resilient", "HttpBenchmark",
        "GetAllStringsResilient", "RawClient", "HttpClient + SemaphoreSlim"),
]
