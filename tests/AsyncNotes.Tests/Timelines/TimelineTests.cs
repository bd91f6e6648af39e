using System.Diagnostics;
using AsyncNotes.Tests.Infrastructure;

namespace AsyncNotes.Tests.Timelines;

public sealed class TimelineTests
{
    private static Task SleepAsync(double seconds, CancellationToken ct = default) => AsyncIO.SleepAsync(TestLoop.Seconds(seconds), ct);

    /// <summary>The synchronous part of a call that returns a task: bad input must throw here, not in the task.</summary>
    private static Action Call(Func<Task> call) => () => _ = call();

    private static Timeline RecordConcurrentSleeps() => TestLoop.RunVirtual(async () =>
    {
        var timeline = new Timeline();
        await Task.WhenAll(
            timeline.RecordAsync("sleep 1", ct => SleepAsync(1, ct)),
            timeline.RecordAsync("sleep 2", ct => SleepAsync(2, ct)),
            timeline.RecordAsync("sleep 3", ct => SleepAsync(3, ct)));
        return timeline;
    });

    private static Timeline RecordSequentialSleeps() => TestLoop.RunVirtual(async () =>
    {
        var timeline = new Timeline();
        await timeline.RecordAsync("sleep 1", ct => SleepAsync(1, ct));
        await timeline.RecordAsync("sleep 2", ct => SleepAsync(2, ct));
        await timeline.RecordAsync("sleep 3", ct => SleepAsync(3, ct));
        return timeline;
    });

    // No conformance case covers timelines (asyncio has none). This draws the notes' gather of 1, 2 and 3 s sleeps, which
    // MAPPING.md pins to end at t = 3 s (GA-01 is the gather itself).
    [Fact]
    public void ToGantt_ConcurrentSleeps_DrawsBarsThatOverlapFromTheOrigin()
    {
        Timeline timeline = RecordConcurrentSleeps();

        timeline.ToGantt(30).Should().Be("""
            sleep 1  ██████████                       1s
            sleep 2  ████████████████████             2s
            sleep 3  ██████████████████████████████   3s
                     ┬─────────┬─────────┬─────────┬
                     0s        1s        2s        3s
            """);
    }

    [Fact]
    public void ToGantt_SequentialSleeps_DrawsBarsEndToEnd()
    {
        Timeline timeline = RecordSequentialSleeps();

        timeline.ToGantt(30).Should().Be("""
            sleep 1  █████                            1s
            sleep 2       ██████████                  2s
            sleep 3                 ███████████████   3s
                     ┬────┬────┬────┬────┬────┬────┬
                     0s   1s   2s   3s   4s   5s   6s
            """);
    }

    [Fact]
    public void ToGantt_DefaultWidth_IsSixtyWithSmallerStepsInSeconds()
    {
        Timeline timeline = RecordConcurrentSleeps();

        timeline.ToGantt().Should().Be("""
            sleep 1  ████████████████████                                           1s
            sleep 2  ████████████████████████████████████████                       2s
            sleep 3  ████████████████████████████████████████████████████████████   3s
                     ┬─────────┬─────────┬─────────┬─────────┬─────────┬─────────┬
                     0s        0.5s      1s        1.5s      2s        2.5s      3s
            """);
    }

    [Fact]
    public void ToMermaid_ConcurrentSleeps_WritesTasksThatStartTogether()
    {
        Timeline timeline = RecordConcurrentSleeps();

        timeline.ToMermaid("gather").Should().Be("""
            gantt
                title gather
                dateFormat x
                axisFormat %s.%L
                todayMarker off
                sleep 1 :s1, 0, 1000
                sleep 2 :s2, 0, 2000
                sleep 3 :s3, 0, 3000
            """);
    }

    [Fact]
    public void ToMermaid_SequentialSleepsWithoutTitle_WritesTasksEndToEnd()
    {
        Timeline timeline = RecordSequentialSleeps();

        timeline.ToMermaid().Should().Be("""
            gantt
                dateFormat x
                axisFormat %s.%L
                todayMarker off
                sleep 1 :s1, 0, 1000
                sleep 2 :s2, 1000, 3000
                sleep 3 :s3, 3000, 6000
            """);
    }

    [Fact]
    public void ToMermaid_NestedSpans_GroupsEachTopLevelSpanAndItsChildrenInASection()
    {
        Timeline timeline = TestLoop.RunVirtual(async () =>
        {
            var recorded = new Timeline();
            await recorded.RecordAsync("sequential", async () =>
            {
                await recorded.RecordAsync("a", ct => SleepAsync(1, ct));
                await recorded.RecordAsync("b", ct => SleepAsync(1, ct));
            });
            await recorded.RecordAsync("lone", ct => SleepAsync(0.5, ct));
            return recorded;
        });

        timeline.ToMermaid().Should().Be("""
            gantt
                dateFormat x
                axisFormat %s.%L
                todayMarker off
                section sequential
                sequential :s1, 0, 2000
                a :s2, 0, 1000
                b :s3, 1000, 2000
                section lone
                lone :s4, 2000, 2500
            """);
    }

    [Fact]
    public void Spans_AfterConcurrentSleeps_HoldExactLoopTimes()
    {
        Timeline timeline = RecordConcurrentSleeps();

        timeline.Spans.Should().Equal(
            new TimelineSpanRecord("sleep 1", TimeSpan.Zero, TestLoop.Seconds(1), 0, null),
            new TimelineSpanRecord("sleep 2", TimeSpan.Zero, TestLoop.Seconds(2), 0, null),
            new TimelineSpanRecord("sleep 3", TimeSpan.Zero, TestLoop.Seconds(3), 0, null));
        timeline.Spans[2].Duration.Should().Be(TestLoop.Seconds(3));
    }

    [Fact]
    public void Spans_AreOrderedByStartThenByStartOrder()
    {
        IReadOnlyList<TimelineSpanRecord> spans = TestLoop.RunVirtual(async () =>
        {
            var timeline = new Timeline();
            Task late = timeline.RecordAsync("late", async () =>
            {
                await SleepAsync(1);
                await timeline.RecordAsync("late child", ct => SleepAsync(1, ct));
            });
            Task early = timeline.RecordAsync("early", ct => SleepAsync(3, ct));
            await Task.WhenAll(late, early);
            return timeline.Spans;
        });

        spans.Select(s => $"{s.Name}@{s.Start.TotalSeconds}").Should().Equal("late@0", "early@0", "late child@1");
    }

    [Fact]
    public void Start_InsideAnOpenSpanOfTheSameFlow_NestsOneLevelDeeper()
    {
        IReadOnlyList<TimelineSpanRecord> spans = TestLoop.RunVirtual(async () =>
        {
            var timeline = new Timeline();
            using (timeline.Start("outer"))
            {
                using (TimelineSpan middle = timeline.Start("middle"))
                {
                    middle.Parent!.Name.Should().Be("outer");
                    using (timeline.Start("inner"))
                    {
                        await SleepAsync(1);
                    }
                }

                using (timeline.Start("after middle"))
                {
                    await SleepAsync(1);
                }
            }

            using (timeline.Start("next top level"))
            {
            }

            return timeline.Spans;
        });

        spans.Select(s => (s.Name, s.Depth, s.ParentName)).Should().Equal(
            ("outer", 0, null),
            ("middle", 1, "outer"),
            ("inner", 2, "middle"),
            ("after middle", 1, "outer"),
            ("next top level", 0, null));
    }

    [Fact]
    public void RecordAsync_ConcurrentCallsInsideASpan_AreSiblingChildrenOfIt()
    {
        IReadOnlyList<TimelineSpanRecord> spans = TestLoop.RunVirtual(async () =>
        {
            var timeline = new Timeline();
            await timeline.RecordAsync("gather", () => Task.WhenAll(
                timeline.RecordAsync("a", ct => SleepAsync(1, ct)),
                timeline.RecordAsync("b", ct => SleepAsync(2, ct))));
            return timeline.Spans;
        });

        spans.Select(s => (s.Name, s.Depth, s.ParentName)).Should().Equal(
            ("gather", 0, null), ("a", 1, "gather"), ("b", 1, "gather"));
        spans[0].End.Should().Be(TestLoop.Seconds(2));
    }

    [Fact]
    public void Start_TwoTimelines_NeverNestIntoEachOther()
    {
        TestLoop.RunVirtual(() =>
        {
            var first = new Timeline();
            var second = new Timeline();
            using (first.Start("first"))
            using (TimelineSpan other = second.Start("second"))
            {
                other.Depth.Should().Be(0);
                other.Parent.Should().BeNull();
            }

            return Task.CompletedTask;
        });
    }

    [Fact]
    public void Start_AfterTheParentEndedInAnotherFlow_NestsUnderTheNearestOpenAncestor()
    {
        TestLoop.RunVirtual(async () =>
        {
            var timeline = new Timeline();
            using TimelineSpan outer = timeline.Start("outer");
            TimelineSpan inner = timeline.Start("inner");
            await AsyncIO.CreateTask(_ =>
            {
                inner.Dispose();
                return Task.CompletedTask;
            });
            using TimelineSpan next = timeline.Start("next");
            next.Parent.Should().BeSameAs(outer);
        });
    }

    [Fact]
    public void ToGantt_NestedSpans_IndentsChildrenUnderTheirParentInTreeOrder()
    {
        Timeline timeline = TestLoop.RunVirtual(async () =>
        {
            var timeline = new Timeline();
            await timeline.RecordAsync("main", async () =>
            {
                await timeline.RecordAsync("connect", ct => SleepAsync(0.25, ct));
                await Task.WhenAll(
                    timeline.RecordAsync("fetch a", async () =>
                    {
                        await SleepAsync(0.5);
                        await timeline.RecordAsync("parse a", ct => SleepAsync(0.1, ct));
                    }),
                    timeline.RecordAsync("fetch b", ct => SleepAsync(0.75, ct)));
            });
            return timeline;
        });

        timeline.ToGantt(40).Should().Be("""
            main         ████████████████████████████████████████   1s
              connect    ██████████                                 250ms
              fetch a              ████████████████████████         600ms
                parse a                                ████         100ms
              fetch b              ██████████████████████████████   750ms
                         ┬───────┬───────┬───────┬───────┬───────┬
                         0s      0.2s    0.4s    0.6s    0.8s    1s
            """);
    }

    [Fact]
    public void ToGantt_ZeroLengthAndOpenSpans_DrawAMarkAndABarUpToNow()
    {
        TestLoop.RunVirtual(async () =>
        {
            var timeline = new Timeline();
            await timeline.RecordAsync("work", ct => SleepAsync(1, ct));
            using (timeline.Start("mark"))
            {
            }

            using TimelineSpan running = timeline.Start("running");
            await SleepAsync(1);

            timeline.ToGantt(20).Should().Be("""
                work     ██████████             1s
                mark               │            0s
                running            ██████████   1s (open)
                         ┬─────────┬─────────┬
                         0s        1s        2s
                """);
            timeline.Spans[^1].End.Should().BeNull();
            timeline.ToMermaid().Should().Be("""
                gantt
                    dateFormat x
                    axisFormat %s.%L
                    todayMarker off
                    work :s1, 0, 1000
                    mark :milestone, s2, 1000, 1000
                    running :active, s3, 1000, 2000
                """);
        });
    }

    [Fact]
    public void ToGantt_SpanShorterThanACell_StillShowsOneCell()
    {
        Timeline timeline = TestLoop.RunVirtual(async () =>
        {
            var timeline = new Timeline();
            await timeline.RecordAsync("blip", ct => SleepAsync(0.001, ct));
            await timeline.RecordAsync("long", ct => SleepAsync(10, ct));
            return timeline;
        });

        timeline.ToGantt(10).Split('\n')[0].Should().Be("blip  █            1ms");
    }

    [Fact]
    public void ToGantt_EmptyTimeline_SaysSo()
    {
        new Timeline(new ManualTimeProvider()).ToGantt().Should().Be("(no spans recorded)");
    }

    [Fact]
    public void ToMermaid_EmptyTimeline_WritesAChartWithoutTasks()
    {
        new Timeline(new ManualTimeProvider()).ToMermaid().Should().Be("gantt\n    dateFormat x\n    axisFormat %s.%L\n    todayMarker off");
    }

    [Fact]
    public void ToMermaid_NameWithSyntaxCharacters_WritesEntityCodes()
    {
        var time = new ManualTimeProvider();
        var timeline = new Timeline(time);
        using (timeline.Start("GET http://x/?a=1;b=2 #3 50%\nnext line"))
        {
            time.Advance(TimeSpan.FromMilliseconds(1500));
        }

        timeline.ToMermaid("a: b; #c").Should().Be("""
            gantt
                title a#58; b#59; #35;c
                dateFormat x
                axisFormat %s.%L
                todayMarker off
                GET http#58;//x/?a=1#59;b=2 #35;3 50#37; next line :s1, 0, 1500
            """);
    }

    [Fact]
    public void RecordAsync_WorkThrows_EndsTheSpanAndRethrowsTheSameException()
    {
        var boom = new InvalidOperationException("boom");
        IReadOnlyList<TimelineSpanRecord> spans = TestLoop.RunVirtual(async () =>
        {
            var timeline = new Timeline();
            Func<Task> act = () => timeline.RecordAsync("failing", async ct =>
            {
                await SleepAsync(2, ct);
                throw boom;
            });
            (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Should().BeSameAs(boom);
            return timeline.Spans;
        });

        spans.Should().Equal(new TimelineSpanRecord("failing", TimeSpan.Zero, TestLoop.Seconds(2), 0, null));
    }

    [Fact]
    public void RecordAsync_WorkCancelled_EndsTheSpanAtTheInstantOfTheCancel()
    {
        IReadOnlyList<TimelineSpanRecord> spans = TestLoop.RunVirtual(async () =>
        {
            var timeline = new Timeline();
            using var cts = new CancellationTokenSource();
            Task recorded = timeline.RecordAsync("sleep", ct => SleepAsync(10, ct), cts.Token);
            await SleepAsync(1);
            cts.CancelOnLoop();
            await FluentActions.Awaiting(() => recorded).Should().ThrowAsync<OperationCanceledException>();
            return timeline.Spans;
        });

        spans.Should().Equal(new TimelineSpanRecord("sleep", TimeSpan.Zero, TestLoop.Seconds(1), 0, null));
    }

    [Fact]
    public void RecordAsync_TokenAlreadyCancelled_ReturnsCancelledWithoutRunningOrRecording()
    {
        var timeline = new Timeline(new ManualTimeProvider());
        bool ran = false;

        Task task = timeline.RecordAsync("never", _ =>
        {
            ran = true;
            return Task.CompletedTask;
        }, new CancellationToken(canceled: true));
        Task<int> typed = timeline.RecordAsync("never", _ => Task.FromResult(1), new CancellationToken(canceled: true));

        task.IsCanceled.Should().BeTrue();
        typed.IsCanceled.Should().BeTrue();
        ran.Should().BeFalse();
        timeline.Spans.Should().BeEmpty();
    }

    [Fact]
    public void RecordAsync_WithResult_ReturnsTheWorksResult()
    {
        (int plain, int withToken, Timeline timeline) = TestLoop.RunVirtual(async () =>
        {
            var timeline = new Timeline();
            int plain = await timeline.RecordAsync("plain", () => AsyncIO.SleepAsync(TestLoop.Seconds(1), 6));
            int withToken = await timeline.RecordAsync("token", ct => AsyncIO.SleepAsync(TestLoop.Seconds(1), 7, ct));
            return (plain, withToken, timeline);
        });

        (plain * withToken).Should().Be(42);
        timeline.Spans.Select(s => s.End).Should().Equal(TestLoop.Seconds(1), TestLoop.Seconds(2));
    }

    [Fact]
    public void Dispose_CalledTwice_KeepsTheFirstEnd()
    {
        var time = new ManualTimeProvider();
        var timeline = new Timeline(time);
        TimelineSpan span = timeline.Start("once");
        time.Advance(TimeSpan.FromSeconds(1));

        span.Dispose();
        time.Advance(TimeSpan.FromSeconds(1));
        span.Dispose();

        span.End.Should().Be(TimeSpan.FromSeconds(1));
        timeline.Spans.Single().End.Should().Be(TimeSpan.FromSeconds(1));
        span.ToString().Should().Be("once [0s, 1s]");
    }

    [Fact]
    public void Constructor_OnTheLoopAfterTimeHasPassed_MeasuresFromItsOwnCreation()
    {
        IReadOnlyList<TimelineSpanRecord> spans = TestLoop.RunVirtual(async () =>
        {
            await SleepAsync(5);
            var timeline = new Timeline();
            await timeline.RecordAsync("a", ct => SleepAsync(1, ct));
            return timeline.Spans;
        });

        spans.Should().Equal(new TimelineSpanRecord("a", TimeSpan.Zero, TestLoop.Seconds(1), 0, null));
    }

    [Fact]
    public void Start_BadName_Throws()
    {
        var timeline = new Timeline(new ManualTimeProvider());

        FluentActions.Invoking(() => timeline.Start(null!)).Should().Throw<ArgumentNullException>().WithParameterName("name");
        FluentActions.Invoking(() => timeline.Start(" ")).Should().Throw<ArgumentException>().WithParameterName("name");
        timeline.Spans.Should().BeEmpty();
    }

    [Fact]
    public void RecordAsync_BadInput_ThrowsAtTheCallBeforeRecording()
    {
        var timeline = new Timeline(new ManualTimeProvider());

        Call(() => timeline.RecordAsync(null!, () => Task.CompletedTask)).Should().Throw<ArgumentNullException>().WithParameterName("name");
        Call(() => timeline.RecordAsync("", () => Task.FromResult(1))).Should().Throw<ArgumentException>().WithParameterName("name");
        Call(() => timeline.RecordAsync("x", (Func<Task>)null!)).Should().Throw<ArgumentNullException>().WithParameterName("work");
        Call(() => timeline.RecordAsync("x", (Func<Task<int>>)null!)).Should().Throw<ArgumentNullException>().WithParameterName("work");
        Call(() => timeline.RecordAsync("x", (Func<CancellationToken, Task>)null!)).Should().Throw<ArgumentNullException>().WithParameterName("work");
        Call(() => timeline.RecordAsync("x", (Func<CancellationToken, Task<int>>)null!)).Should().Throw<ArgumentNullException>().WithParameterName("work");
        timeline.Spans.Should().BeEmpty();
    }

    [Fact]
    public void ToGantt_WidthBelowTen_Throws()
    {
        var timeline = new Timeline(new ManualTimeProvider());

        FluentActions.Invoking(() => timeline.ToGantt(9)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("width");
        timeline.ToGantt(10).Should().Be("(no spans recorded)");
    }

    [Fact]
    public void ToGantt_OnTheVirtualLoop_IsTheSameTextOnEveryRun()
    {
        string first = RecordConcurrentSleeps().ToGantt() + RecordSequentialSleeps().ToMermaid();

        for (int run = 0; run < 20; run++)
        {
            (RecordConcurrentSleeps().ToGantt() + RecordSequentialSleeps().ToMermaid()).Should().Be(first);
        }
    }

    [Fact]
    public void Timeline_OffTheLoopWithAnInjectedClock_DrawsExactly()
    {
        var time = new ManualTimeProvider();
        var timeline = new Timeline(time);

        using (timeline.Start("download"))
        {
            time.Advance(TimeSpan.FromMilliseconds(200));
            using (timeline.Start("decode"))
            {
                time.Advance(TimeSpan.FromMilliseconds(300));
            }
        }

        timeline.ToGantt(10).Should().Be("""
            download  ██████████   500ms
              decode      ██████   300ms
                      ┬─────────┬
                      0ms       500ms
            """);
        timeline.ToMermaid().Should().EndWith("""
                download :s1, 0, 500
                decode :s2, 200, 500
            """);
    }

    [Fact]
    public void Start_FromManyThreadPoolThreadsAtOnce_RecordsEverySpan()
    {
        var timeline = new Timeline(new ManualTimeProvider());
        using var ready = new Barrier(4);

        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, worker =>
        {
            ready.SignalAndWait(TimeSpan.FromSeconds(30));
            for (int i = 0; i < 250; i++)
            {
                using (timeline.Start($"w{worker}-{i}"))
                {
                }
            }
        });

        IReadOnlyList<TimelineSpanRecord> spans = timeline.Spans;
        spans.Should().HaveCount(1000);
        spans.Should().OnlyContain(s => s.End != null && s.Depth == 0);
    }

    [Fact]
    public async Task RecordAsync_OffTheLoopOnTheSystemClock_MeasuresRealTime()
    {
        var timeline = new Timeline();

        await timeline.RecordAsync("sleep", ct => AsyncIO.SleepAsync(TimeSpan.FromMilliseconds(50), ct), TestContext.Current.CancellationToken);

        TimelineSpanRecord span = timeline.Spans.Single();
        span.Duration.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(40)).And.BeLessThan(TimeSpan.FromSeconds(30));
    }

    // The .NET difference: a Stopwatch reads the wall clock, so on a virtual loop it sees an hour-long sleep take no time;
    // a Timeline reads the loop's clock and records exactly one hour.
    [Fact]
    public void Stopwatch_OnTheVirtualLoop_MissesVirtualTime_UnlikeTimeline()
    {
        (TimeSpan wall, TimeSpan? recorded) = TestLoop.RunVirtual(async () =>
        {
            var timeline = new Timeline();
            var stopwatch = Stopwatch.StartNew();
            await timeline.RecordAsync("an hour", ct => AsyncIO.SleepAsync(TimeSpan.FromHours(1), ct));
            return (stopwatch.Elapsed, timeline.Spans.Single().Duration);
        });

        wall.Should().BeLessThan(TimeSpan.FromMinutes(1));
        recorded.Should().Be(TimeSpan.FromHours(1));
    }
}
