using AsyncNotes.Samples.CommonMistakes;
using AsyncNotes.Samples.ContextManagers;
using AsyncNotes.Samples.CoreConcepts;
using AsyncNotes.Samples.EventLoops;
using AsyncNotes.Samples.Gather;
using AsyncNotes.Samples.Production;
using AsyncNotes.Samples.Queues;
using AsyncNotes.Samples.RunningSyncCode;
using AsyncNotes.Samples.Semaphores;
using AsyncNotes.Samples.TaskGroups;
using AsyncNotes.Samples.Tasks;
using AsyncNotes.Samples.WaitAndTimeouts;

// The tour: every section's sample, in the order of the notes. Each also runs alone:
// dotnet run --project samples/<NN-Name>
(string Title, Action<TextWriter> Run)[] sections =
[
    ("00 Core concepts: async def, await, asyncio.run, asyncio.sleep", CoreConceptsSample.Run),
    ("01 Concurrent I/O with gather: asyncio.gather", GatherSample.Run),
    ("02 Tasks, fire and forget: asyncio.create_task", TasksSample.Run),
    ("03 gather vs wait: asyncio.wait, as_completed, wait_for, timeout, shield, staggered_race", WaitAndTimeoutsSample.Run),
    ("03b TaskGroup: async with asyncio.TaskGroup(), structured concurrency", TaskGroupSample.Run),
    ("04 Semaphore, limit concurrency: asyncio.Semaphore, Lock, Event, Condition, Barrier", SemaphoreSample.Run),
    ("05 Async context managers and iterators: async with, async for, contextlib.AsyncExitStack", ContextManagersSample.Run),
    ("06 asyncio.Queue, producer/consumer: Queue(maxsize), task_done/join, shutdown, LifoQueue, PriorityQueue", QueueSample.Run),
    ("07 The event loop: one thread, many tasks, current_task/all_tasks/print_call_graph, slow callbacks", EventLoopSample.Run),
    ("08 Running sync code: to_thread, run_in_executor, ThreadPoolExecutor, CPU work without a GIL", RunningSyncCodeSample.Run),
    ("09 Common mistakes: each one measured, its fix, and the analyzer that catches it", CommonMistakesSample.Run),
    ("10 Production: a FastAPI-style route on EF Core, and LangChain's ainvoke fan-out with a limit, retries and timeouts", ProductionSample.Run),
];

foreach ((string title, Action<TextWriter> run) in sections)
{
    Console.WriteLine($"== {title} ==");
    run(Console.Out);
    Console.WriteLine();
}

Console.WriteLine($"Tour complete: {sections.Length} section(s).");
