using AsyncNotes.Tests.Infrastructure;
using static AsyncNotes.Tests.Infrastructure.TestLoop;

namespace AsyncNotes.Tests.TaskGroups;

// The rules of TaskGroup's doc comment, each with the CASES id (section 6) it pins down. All on the virtual loop, so the
// times are exact; TaskGroupOffLoopTests repeats the essentials on the thread pool.
public sealed class TaskGroupTests
{
    private static async Task<string> SleepThenReturnAsync(string value, double seconds, CancellationToken ct)
    {
        await AsyncIO.SleepAsync(Seconds(seconds), ct);
        return value;
    }

    private static async Task FailAfterAsync(double seconds, Exception failure, CancellationToken ct)
    {
        await AsyncIO.SleepAsync(Seconds(seconds), ct);
        throw failure;
    }

    // TG-01
    [Fact]
    public void RunAsync_ReturnsOnlyWhenEveryChildIsDone_IncludingOnesAddedAfterTheBodyAwaited()
    {
        (string A, string B, TimeSpan End) result = RunVirtual(async () =>
        {
            Task<string>? a = null, b = null;
            await TaskGroup.RunAsync(async tg =>
            {
                a = tg.CreateTask(ct => SleepThenReturnAsync("a", 2, ct));
                await AsyncIO.SleepAsync(Seconds(1), tg.CancellationToken);
                b = tg.CreateTask(ct => SleepThenReturnAsync("b", 3, ct));
            });
            a!.IsCompletedSuccessfully.Should().BeTrue();
            b!.IsCompletedSuccessfully.Should().BeTrue();
            return (await a, await b, Now);
        });

        result.Should().Be(("a", "b", Seconds(4)));
    }

    [Fact]
    public void RunAsync_ValueForm_ReturnsTheBodysValueAfterEveryChild()
    {
        (int Value, TimeSpan End) result = RunVirtual(async () =>
        {
            int value = await TaskGroup.RunAsync(async tg =>
            {
                Task<string> a = tg.CreateTask(ct => SleepThenReturnAsync("abc", 1, ct));
                _ = tg.CreateTask(ct => SleepThenReturnAsync("late", 5, ct));
                return (await a).Length;
            });
            return (value, Now);
        });

        result.Should().Be((3, Seconds(5)));
    }

    // TG-03
    [Fact]
    public void ChildFails_SiblingsAndTheBodysAwaitSeeCancellation_AndOnlyTheRealFailureIsThrown()
    {
        var boom = new InvalidOperationException("boom");
        var log = new EventLog();
        RunVirtual(async () =>
        {
            Task<string>? sibling = null;
            Func<Task> act = () => TaskGroup.RunAsync(async tg =>
            {
                sibling = tg.CreateTask(ct => SleepThenReturnAsync("never", 10, ct));
                _ = tg.CreateTask(ct => FailAfterAsync(1, boom, ct));
                await AsyncIO.SleepAsync(Seconds(5), tg.CancellationToken);
                log.AddAt("body after its await (never)");
            });

            AggregateException thrown = (await act.Should().ThrowAsync<AggregateException>()).Which;
            thrown.InnerExceptions.Should().ContainSingle().Which.Should().BeSameAs(boom);
            sibling!.IsCanceled.Should().BeTrue();
            log.AddAt("group ended");
        });

        log.Entries.Should().Equal("group ended@1");
    }

    // TG-04
    [Fact]
    public void CallerCancels_BodySeesItFirst_ChildrenOnceTheBodyHasEnded_AndRunAsyncThrowsCancellation()
    {
        var log = new EventLog();
        using var caller = new CancellationTokenSource();
        RunVirtual(async () =>
        {
            async Task ChildAsync(string name, CancellationToken ct)
            {
                try
                {
                    await AsyncIO.SleepAsync(Seconds(10), ct);
                }
                catch (OperationCanceledException)
                {
                    log.AddAt($"{name} cancelled");
                    throw;
                }
            }

            _ = AsyncIO.CreateTask(async ct =>
            {
                await AsyncIO.SleepAsync(Seconds(1), ct);
                caller.CancelOnLoop();
            });

            Func<Task> act = () => TaskGroup.RunAsync(
                async tg =>
                {
                    _ = tg.CreateTask(ct => ChildAsync("A", ct));
                    _ = tg.CreateTask(ct => ChildAsync("B", ct));
                    try
                    {
                        await AsyncIO.SleepAsync(Seconds(5), tg.CancellationToken);
                    }
                    catch (OperationCanceledException)
                    {
                        log.AddAt("body cancelled, cleaning up");
                        await AsyncIO.SleepAsync(Seconds(0.5), CancellationToken.None);
                        log.AddAt("body cleanup done");
                        throw;
                    }
                },
                caller.Token);

            OperationCanceledException thrown = (await act.Should().ThrowAsync<OperationCanceledException>()).Which;
            thrown.CancellationToken.Should().Be(caller.Token);
            log.AddAt("group ended");
        });

        log.Entries.Should().Equal(
            "body cancelled, cleaning up@1", "body cleanup done@1.5", "A cancelled@1.5", "B cancelled@1.5", "group ended@1.5");
    }

    [Fact]
    public void CallerCancelsAfterTheBodyHasEnded_ChildrenAreCancelledAtOnce()
    {
        using var caller = new CancellationTokenSource();
        TimeSpan ended = RunVirtual(async () =>
        {
            _ = AsyncIO.CreateTask(async ct =>
            {
                await AsyncIO.SleepAsync(Seconds(2), ct);
                caller.CancelOnLoop();
            });

            Func<Task> act = () => TaskGroup.RunAsync(
                tg =>
                {
                    _ = tg.CreateTask(ct => SleepThenReturnAsync("x", 10, ct));
                    return Task.CompletedTask;
                },
                caller.Token);

            await act.Should().ThrowAsync<OperationCanceledException>();
            return Now;
        });

        ended.Should().Be(Seconds(2));
    }

    // TG-04: "if children fail while being cancelled, their errors win"
    [Fact]
    public void CallerCancels_AndAChildFailsWhileCancelling_TheFailureWinsOverTheCancellation()
    {
        var cleanupFailed = new InvalidOperationException("cleanup failed");
        using var caller = new CancellationTokenSource();
        RunVirtual(async () =>
        {
            _ = AsyncIO.CreateTask(async ct =>
            {
                await AsyncIO.SleepAsync(Seconds(1), ct);
                caller.CancelOnLoop();
            });

            Func<Task> act = () => TaskGroup.RunAsync(
                tg =>
                {
                    _ = tg.CreateTask(async ct =>
                    {
                        try
                        {
                            await AsyncIO.SleepAsync(Seconds(10), ct);
                        }
                        catch (OperationCanceledException)
                        {
                            throw cleanupFailed;
                        }
                    });
                    return Task.CompletedTask;
                },
                caller.Token);

            (await act.Should().ThrowAsync<AggregateException>()).Which.InnerExceptions.Should().Equal(cleanupFailed);
        });
    }

    [Fact]
    public void CallerTokenAlreadyCancelled_TheBodyNeverRuns()
    {
        bool ran = false;
        RunVirtual(async () =>
        {
            Func<Task> act = () => TaskGroup.RunAsync(
                _ =>
                {
                    ran = true;
                    return Task.CompletedTask;
                },
                new CancellationToken(canceled: true));
            await act.Should().ThrowAsync<OperationCanceledException>();
        });

        ran.Should().BeFalse();
    }

    [Fact]
    public void TheGroupNeverCancelsTheCallersToken()
    {
        using var caller = new CancellationTokenSource();
        RunVirtual(async () =>
        {
            Func<Task> act = () => TaskGroup.RunAsync(
                tg =>
                {
                    _ = tg.CreateTask(ct => FailAfterAsync(1, new InvalidOperationException("x"), ct));
                    _ = tg.CreateTask(ct => SleepThenReturnAsync("y", 5, ct));
                    return Task.CompletedTask;
                },
                caller.Token);
            await act.Should().ThrowAsync<AggregateException>();
        });

        caller.IsCancellationRequested.Should().BeFalse();
    }

    // TG-06
    [Fact]
    public void BodyThrowsBeforeItsFirstAwait_ChildrenNeverRun_AndTheBodysErrorIsTheOnlyMember()
    {
        var bodyFailed = new ArgumentException("body failed");
        int started = 0;
        RunVirtual(async () =>
        {
            Func<Task> act = () => TaskGroup.RunAsync(tg =>
            {
                for (int i = 0; i < 3; i++)
                {
                    _ = tg.CreateTask(ct =>
                    {
                        started++;
                        return SleepThenReturnAsync("x", 1, ct);
                    });
                }

                throw bodyFailed; // synchronously, not even a faulted task
            });

            (await act.Should().ThrowAsync<AggregateException>()).Which.InnerExceptions.Should().Equal(bodyFailed);
        });

        started.Should().Be(0);
    }

    // TG-08
    [Fact]
    public void OuterChildFailsWhileTheBodyIsInANestedGroup_OnlyTheOuterFailureIsThrown()
    {
        var outerFailure = new InvalidOperationException("outer child");
        bool innerChildCancelled = false;
        RunVirtual(async () =>
        {
            Func<Task> act = () => TaskGroup.RunAsync(async outer =>
            {
                _ = outer.CreateTask(ct => FailAfterAsync(1, outerFailure, ct));
                await TaskGroup.RunAsync(
                    inner =>
                    {
                        _ = inner.CreateTask(async ct =>
                        {
                            try
                            {
                                await AsyncIO.SleepAsync(Seconds(10), ct);
                            }
                            catch (OperationCanceledException)
                            {
                                innerChildCancelled = true;
                                throw;
                            }
                        });
                        return Task.CompletedTask;
                    },
                    outer.CancellationToken);
            });

            (await act.Should().ThrowAsync<AggregateException>()).Which.InnerExceptions.Should().Equal(outerFailure);
        });

        innerChildCancelled.Should().BeTrue();
    }

    [Fact]
    public void NestedGroupFails_ItsAggregateStaysNestedInTheOuterOne()
    {
        var innerFailure = new InvalidOperationException("inner");
        var outerFailure = new ArgumentException("outer");
        RunVirtual(async () =>
        {
            Func<Task> act = () => TaskGroup.RunAsync(outer =>
            {
                _ = outer.CreateTask(ct => TaskGroup.RunAsync(
                    inner =>
                    {
                        _ = inner.CreateTask(c => FailAfterAsync(1, innerFailure, c));
                        return Task.CompletedTask;
                    },
                    ct));
                _ = outer.CreateTask(async ct =>
                {
                    try
                    {
                        await AsyncIO.SleepAsync(Seconds(10), ct);
                    }
                    catch (OperationCanceledException)
                    {
                        throw outerFailure;
                    }
                });
                return Task.CompletedTask;
            });

            AggregateException thrown = (await act.Should().ThrowAsync<AggregateException>()).Which;
            thrown.InnerExceptions.Should().HaveCount(2);
            thrown.InnerExceptions[0].Should().BeOfType<AggregateException>().Which.InnerExceptions.Should().Equal(innerFailure);
            thrown.InnerExceptions[1].Should().BeSameAs(outerFailure);
        });
    }

    // TG-03: a body that awaits the failing child rethrows that child's exception; asyncio's body would see a cancellation
    // instead, so the failure is collected once, not twice.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BodyAwaitsTheChildThatFails_TheFailureIsCollectedOnce(bool throughWhenAll)
    {
        var boom = new InvalidOperationException("boom");
        RunVirtual(async () =>
        {
            Func<Task> act = () => TaskGroup.RunAsync(async tg =>
            {
                Task failing = tg.CreateTask(ct => FailAfterAsync(1, boom, ct));
                Task<string> other = tg.CreateTask(ct => SleepThenReturnAsync("x", 5, ct));
                await (throughWhenAll ? Task.WhenAll(failing, other) : failing);
            });

            (await act.Should().ThrowAsync<AggregateException>()).Which.InnerExceptions.Should().Equal(boom);
        });
    }

    // TG-09, TG-10
    [Fact]
    public void BodyThrowsSomethingElseWhileBeingCancelled_CollectedAfterTheChildrensFailures()
    {
        var childFailure = new InvalidOperationException("child");
        var bodyFailure = new FormatException("body's finally");
        RunVirtual(async () =>
        {
            Func<Task> act = () => TaskGroup.RunAsync(async tg =>
            {
                _ = tg.CreateTask(ct => FailAfterAsync(1, childFailure, ct));
                try
                {
                    await AsyncIO.SleepAsync(Seconds(5), tg.CancellationToken);
                }
                catch (OperationCanceledException)
                {
                    throw bodyFailure;
                }
            });

            (await act.Should().ThrowAsync<AggregateException>()).Which.InnerExceptions.Should().Equal(childFailure, bodyFailure);
        });
    }

    // TG-10: .NET has no BaseException tier; every exception that is not a cancellation is collected, in the order it happened.
    [Fact]
    public void EveryKindOfFailureIsCollected_InTheOrderTheChildrenFailed()
    {
        Exception[] failures = [new KeyNotFoundException("k"), new TimeoutException("t"), new NotSupportedException("n")];
        RunVirtual(async () =>
        {
            Func<Task> act = () => TaskGroup.RunAsync(
                tg =>
                {
                    // Supervisor, so the later ones are not cancelled by the first.
                    _ = tg.CreateTask(ct => FailAfterAsync(3, failures[2], ct));
                    _ = tg.CreateTask(ct => FailAfterAsync(1, failures[0], ct));
                    _ = tg.CreateTask(ct => FailAfterAsync(2, failures[1], ct));
                    return Task.CompletedTask;
                },
                new TaskGroupOptions { Supervisor = true });

            (await act.Should().ThrowAsync<AggregateException>()).Which.InnerExceptions.Should().Equal(failures);
        });
    }

    // TG-11
    [Fact]
    public void EndlesslySpawningChildrenPlusOneFailure_TheGroupTerminatesWithThatFailure()
    {
        var failure = new InvalidOperationException("stop");
        int spawned = 0;
        RunVirtual(async () =>
        {
            Task SpawnForeverAsync(TaskGroup tg, CancellationToken ct) => AsyncIO.SleepAsync(Seconds(0.1), ct).ContinueWith(
                _ =>
                {
                    Interlocked.Increment(ref spawned);
                    _ = tg.CreateTask(c => SpawnForeverAsync(tg, c));
                },
                ct,
                TaskContinuationOptions.OnlyOnRanToCompletion,
                TaskScheduler.FromCurrentSynchronizationContext());

            Func<Task> act = () => TaskGroup.RunAsync(tg =>
            {
                _ = tg.CreateTask(c => SpawnForeverAsync(tg, c));
                _ = tg.CreateTask(c => FailAfterAsync(1, failure, c));
                return Task.CompletedTask;
            });

            (await act.Should().ThrowAsync<AggregateException>()).Which.InnerExceptions.Should().Equal(failure);
            Now.Should().Be(Seconds(1));
        });

        spawned.Should().BeInRange(5, 10);
    }

    // TG-12
    private static readonly AsyncLocal<string?> s_flowing = new();

    [Fact]
    public void ChildSeesItsName_AndACopyOfTheCreatorsAsyncLocals_WhoseWritesDoNotFlowBack()
    {
        var seen = new List<string?>();
        string? afterGroup = null;
        RunVirtual(async () =>
        {
            s_flowing.Value = "creator";
            await TaskGroup.RunAsync(tg =>
            {
                _ = tg.CreateTask(
                    ct =>
                    {
                        seen.Add(AsyncIO.CurrentTaskName);
                        seen.Add(s_flowing.Value);
                        s_flowing.Value = "child wrote";
                        return Task.CompletedTask;
                    },
                    name: "fetch-1");
                _ = tg.CreateTask(ct =>
                {
                    seen.Add(AsyncIO.CurrentTaskName);
                    return Task.CompletedTask;
                });
                return Task.CompletedTask;
            });
            afterGroup = s_flowing.Value;
        });

        seen.Should().HaveCount(3);
        seen[0].Should().Be("fetch-1");
        seen[1].Should().Be("creator");
        seen[2].Should().MatchRegex("^Task-[0-9]+$");
        afterGroup.Should().Be("creator");
    }

    // TG-13
    [Fact]
    public void CreateTaskWhileTheGroupIsFailing_IsRefused_AndTheDelegateNeverRuns()
    {
        bool ran = false;
        InvalidOperationException? refused = null;
        RunVirtual(async () =>
        {
            Func<Task> act = () => TaskGroup.RunAsync(async tg =>
            {
                _ = tg.CreateTask(ct => FailAfterAsync(1, new ArgumentException("x"), ct));
                try
                {
                    await AsyncIO.SleepAsync(Seconds(5), tg.CancellationToken);
                }
                catch (OperationCanceledException)
                {
                    Action create = () => _ = tg.CreateTask(_ =>
                    {
                        ran = true;
                        return Task.CompletedTask;
                    });
                    refused = create.Should().Throw<InvalidOperationException>().Which;
                    throw;
                }
            });
            await act.Should().ThrowAsync<AggregateException>();
        });

        ran.Should().BeFalse();
        refused!.Message.Should().Contain("shutting down");
    }

    [Fact]
    public void CreateTaskOnAFinishedGroup_IsRefused_AndTheDelegateNeverRuns()
    {
        bool ran = false;
        RunVirtual(async () =>
        {
            TaskGroup? escaped = null;
            await TaskGroup.RunAsync(tg =>
            {
                escaped = tg;
                _ = tg.CreateTask(ct => SleepThenReturnAsync("x", 1, ct));
                return Task.CompletedTask;
            });

            Action create = () => _ = escaped!.CreateTask(_ =>
            {
                ran = true;
                return Task.CompletedTask;
            });
            create.Should().Throw<InvalidOperationException>().WithMessage("*finished*");
        });

        ran.Should().BeFalse();
    }

    [Fact]
    public void CreateTaskFromTheLastChildAsItEnds_IsStillAccepted()
    {
        // asyncio's rule is "exiting and no tasks left": a child that is still running may add one, even after the body left.
        bool grandchildRan = false;
        RunVirtual(() => TaskGroup.RunAsync(tg =>
        {
            _ = tg.CreateTask(async ct =>
            {
                await AsyncIO.SleepAsync(Seconds(1), ct);
                _ = tg.CreateTask(
                    _ =>
                    {
                        grandchildRan = true;
                        return Task.CompletedTask;
                    },
                    cancellationToken: CancellationToken.None);
            });
            return Task.CompletedTask;
        }));

        grandchildRan.Should().BeTrue();
    }

    [Fact]
    public void BadArguments_AreRefusedWithClearExceptions()
    {
        Action noBody = () => _ = TaskGroup.RunAsync(null!);
        noBody.Should().Throw<ArgumentNullException>().WithParameterName("body");
        Action noOptions = () => _ = TaskGroup.RunAsync(_ => Task.CompletedTask, null!);
        noOptions.Should().Throw<ArgumentNullException>().WithParameterName("options");
        FluentActions.Invoking(() => new TaskGroupOptions { MaxConcurrency = 0 }).Should().Throw<ArgumentOutOfRangeException>();
        RunVirtual(() => TaskGroup.RunAsync(tg =>
        {
            Action noWork = () => _ = tg.CreateTask((Func<CancellationToken, Task<int>>)null!);
            noWork.Should().Throw<ArgumentNullException>().WithParameterName("work");
            return Task.CompletedTask;
        }));
    }

    [Fact]
    public void ChildDelegateThatThrowsSynchronouslyOrReturnsNull_IsAChildFailure()
    {
        var thrown = new FormatException("sync");
        RunVirtual(async () =>
        {
            Func<Task> act = () => TaskGroup.RunAsync(
                tg =>
                {
                    _ = tg.CreateTask(_ => throw thrown);
#pragma warning disable VSTHRD114 // the point of the test: a delegate that returns null
                    _ = tg.CreateTask(_ => (Task)null!);
#pragma warning restore VSTHRD114
                    return Task.CompletedTask;
                },
                new TaskGroupOptions { Supervisor = true });

            AggregateException errors = (await act.Should().ThrowAsync<AggregateException>()).Which;
            errors.InnerExceptions.Should().HaveCount(2);
            errors.InnerExceptions[0].Should().BeSameAs(thrown);
            errors.InnerExceptions[1].Should().BeOfType<InvalidOperationException>().Which.Message.Should().Contain("null");
        });
    }

    // TG-17
    [Fact]
    public void AnAwaitUsingInTheBodyThrowsWhileUnwinding_ItsErrorIsCollectedNextToTheChilds()
    {
        var childFailure = new InvalidOperationException("child");
        var disposeFailure = new IOException("dispose");
        RunVirtual(async () =>
        {
            Func<Task> act = () => TaskGroup.RunAsync(async tg =>
            {
                _ = tg.CreateTask(ct => FailAfterAsync(1, childFailure, ct));
                await using (new ThrowingDisposable(disposeFailure))
                {
                    await AsyncIO.SleepAsync(Seconds(5), tg.CancellationToken);
                }
            });

            (await act.Should().ThrowAsync<AggregateException>()).Which.InnerExceptions.Should().Equal(childFailure, disposeFailure);
        });
    }

    private sealed class ThrowingDisposable(Exception failure) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await AsyncIO.SleepAsync(Seconds(0.25));
            throw failure;
        }
    }

    // TG-19: children always start lazily (asyncio's default task factory); the body runs eagerly, inside RunAsync.
    [Fact]
    public void TheBodyRunsInsideRunAsync_ButNoChildRunsInsideCreateTask()
    {
        var log = new EventLog();
        RunVirtual(async () =>
        {
            Task group = TaskGroup.RunAsync(tg =>
            {
                log.Add("body");
                _ = tg.CreateTask(_ =>
                {
                    log.Add("child");
                    return Task.CompletedTask;
                });
                log.Add("body after CreateTask");
                return Task.CompletedTask;
            });
            log.Add("RunAsync returned");
            await group;
        });

        log.Entries.Should().Equal("body", "body after CreateTask", "RunAsync returned", "child");
    }

    // TG-20
    [Fact]
    public void FinishedChildrenLeaveTheSnapshot_RunningOnesAreNamedInCreationOrder()
    {
        var snapshots = new List<IReadOnlyList<string>>();
        RunVirtual(() => TaskGroup.RunAsync(async tg =>
        {
            _ = tg.CreateTask(ct => SleepThenReturnAsync("x", 1, ct), name: "short");
            _ = tg.CreateTask(ct => SleepThenReturnAsync("x", 3, ct), name: "long");
            _ = tg.CreateTask(ct => SleepThenReturnAsync("x", 2, ct), name: "middle");
            snapshots.Add(tg.RunningChildren);
            await AsyncIO.SleepAsync(Seconds(1.5), tg.CancellationToken);
            snapshots.Add(tg.RunningChildren);
            await AsyncIO.SleepAsync(Seconds(2), tg.CancellationToken);
            snapshots.Add(tg.RunningChildren);
        }));

        snapshots[0].Should().Equal("short", "long", "middle");
        snapshots[1].Should().Equal("long", "middle");
        snapshots[2].Should().BeEmpty();
    }

    [Fact]
    public void Deadlock_ReportNamesTheGroupsWaitingChildren()
    {
        var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Action act = () => RunVirtual(() => TaskGroup.RunAsync(tg =>
        {
            _ = tg.CreateTask(_ => never.Task, name: "stuck-consumer");
            _ = tg.CreateTask(ct => SleepThenReturnAsync("x", 1, ct), name: "finishes");
            return Task.CompletedTask;
        }));

        act.Should().Throw<EventLoopDeadlockException>().Which.WaitingTasks.Should().Contain("stuck-consumer").And.NotContain("finishes");
    }

    // TG-21
    [Fact]
    public void Cancel_CancelsChildrenThenTheBody_AndTheGroupEndsWithoutAnError()
    {
        var log = new EventLog();
        RunVirtual(async () =>
        {
            async Task ChildAsync(string name, CancellationToken ct)
            {
                try
                {
                    await AsyncIO.SleepAsync(Seconds(10), ct);
                }
                catch (OperationCanceledException)
                {
                    log.AddAt($"{name} cancelled");
                    throw;
                }
            }

            await TaskGroup.RunAsync(async tg =>
            {
                _ = tg.CreateTask(ct => ChildAsync("A", ct));
                _ = tg.CreateTask(async ct =>
                {
                    await AsyncIO.SleepAsync(Seconds(1), ct);
                    tg.Cancel();
                    tg.Cancel(); // idempotent
                });
                try
                {
                    await AsyncIO.SleepAsync(Seconds(5), tg.CancellationToken);
                }
                catch (OperationCanceledException)
                {
                    log.AddAt("body cancelled");
                    Action create = () => _ = tg.CreateTask(_ => Task.CompletedTask);
                    create.Should().Throw<InvalidOperationException>().WithMessage("*Cancel*");
                    throw;
                }
            });
            log.AddAt("group ended normally");
        });

        log.Entries.Should().Equal("A cancelled@1", "body cancelled@1", "group ended normally@1");
    }

    [Fact]
    public void Cancel_ValueForm_ThrowsWhenTheBodyWasCutShort_ReturnsTheValueWhenTheBodyHadFinished()
    {
        RunVirtual(async () =>
        {
            Func<Task> cutShort = () => TaskGroup.RunAsync(async tg =>
            {
                tg.Cancel();
                await AsyncIO.SleepAsync(Seconds(1), tg.CancellationToken);
                return 1;
            });
            await cutShort.Should().ThrowAsync<OperationCanceledException>();

            int value = await TaskGroup.RunAsync(tg =>
            {
                _ = tg.CreateTask(async ct =>
                {
                    await AsyncIO.SleepAsync(Seconds(1), ct);
                    tg.Cancel();
                });
                _ = tg.CreateTask(ct => SleepThenReturnAsync("x", 10, ct));
                return Task.FromResult(42);
            });
            value.Should().Be(42);
            Now.Should().Be(Seconds(1));
        });
    }

    [Fact]
    public void Cancel_AfterTheGroupHasFinished_IsANoOp()
    {
        RunVirtual(async () =>
        {
            TaskGroup? escaped = null;
            await TaskGroup.RunAsync(tg =>
            {
                escaped = tg;
                return Task.CompletedTask;
            });
            FluentActions.Invoking(escaped!.Cancel).Should().NotThrow();
            escaped!.CancellationToken.IsCancellationRequested.Should().BeFalse();
        });
    }

    [Fact]
    public void Cancel_AChildsCleanupThatFails_IsStillThrown()
    {
        var cleanupFailed = new InvalidOperationException("cleanup");
        RunVirtual(async () =>
        {
            Func<Task> act = () => TaskGroup.RunAsync(async tg =>
            {
                _ = tg.CreateTask(async ct =>
                {
                    try
                    {
                        await AsyncIO.SleepAsync(Seconds(10), ct);
                    }
                    catch (OperationCanceledException)
                    {
                        throw cleanupFailed;
                    }
                });
                await AsyncIO.SleepAsync(Seconds(1), tg.CancellationToken);
                tg.Cancel();
            });

            (await act.Should().ThrowAsync<AggregateException>()).Which.InnerExceptions.Should().Equal(cleanupFailed);
        });
    }

    [Fact]
    public void ChildrenThatFailAreObservedByTheGroup_NoUnobservedTaskException()
    {
        IReadOnlyList<Exception> unobserved = UnobservedTaskExceptions.During(() =>
        {
            RunVirtual(async () =>
            {
                Func<Task> act = () => TaskGroup.RunAsync(
                    tg =>
                    {
                        for (int i = 0; i < 10; i++)
                        {
                            _ = tg.CreateTask(ct => FailAfterAsync(1, new InvalidOperationException("TG observed"), ct));
                        }

                        return Task.CompletedTask;
                    },
                    new TaskGroupOptions { Supervisor = true });
                (await act.Should().ThrowAsync<AggregateException>()).Which.InnerExceptions.Should().HaveCount(10);
            });
        });

        unobserved.Where(x => x.Message == "TG observed").Should().BeEmpty();
    }
}
