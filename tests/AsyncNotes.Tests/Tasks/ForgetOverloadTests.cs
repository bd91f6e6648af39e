using AsyncNotes.Tests.Tasks.VsThreadingStandIn;
using ForgetOverloadProbe;

namespace AsyncNotes.Tests.Tasks;

/// <summary>Sample 02's README and <see cref="TaskForgetExtensions.Forget(Task, string?)"/>'s doc warn about files that import
/// both AsyncNotes and Microsoft.VisualStudio.Threading, whose <c>TplExtensions.Forget(this Task?)</c> has an empty body.
/// The test project does not reference that package; <see cref="TplExtensions"/> has its exact signature, and C#'s overload
/// resolution depends on nothing else. The calls are in <see cref="UserCode"/>, a user's file that imports both.</summary>
public sealed class ForgetOverloadTests
{
    [Fact]
    public void BothImported_ForgetWithoutAName_BindsToTheEmptyOne_WithANameToAsyncNotes()
    {
        var reports = new List<string>();
        var options = EventLoopOptions.Virtual with { ExceptionHandler = c => reports.Add(c.TaskName ?? "(unnamed)") };
        TplExtensions.Calls = 0;

        AsyncIO.Run(
            async () =>
            {
                UserCode.ForgetWithoutAName(FailLaterAsync());        // task.Forget(): vs-threading's, no default argument needed
                UserCode.ForgetWithAName(FailLaterAsync(), "named");  // task.Forget("named"): AsyncNotes', the only one with a name
                await AsyncIO.SleepAsync(TimeSpan.FromSeconds(5));
            },
            options);

        TplExtensions.Calls.Should().Be(1);
        reports.Should().Equal("named");

        static async Task FailLaterAsync()
        {
            await AsyncIO.SleepAsync(TimeSpan.FromSeconds(1));
            throw new InvalidOperationException("only a named Forget reports this");
        }
    }
}
