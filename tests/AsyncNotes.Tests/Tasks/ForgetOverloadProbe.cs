using AsyncNotes;
using AsyncNotes.Tests.Tasks.VsThreadingStandIn;

// A user's file: a namespace of its own (not inside AsyncNotes, whose own extensions an enclosing namespace would find
// first) that imports both AsyncNotes and the vs-threading stand-in, at the same level, as a user's file would.
namespace ForgetOverloadProbe;

internal static class UserCode
{
    public static void ForgetWithoutAName(Task task) => task.Forget();

    public static void ForgetWithAName(Task task, string name) => task.Forget(name);
}
