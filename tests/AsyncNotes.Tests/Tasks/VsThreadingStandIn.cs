namespace AsyncNotes.Tests.Tasks.VsThreadingStandIn;

/// <summary>A stand-in with the signature and the body of Microsoft.VisualStudio.Threading's <c>TplExtensions.Forget</c>
/// ("Consumes a task and doesn't do anything with it"), counting its calls.</summary>
internal static class TplExtensions
{
    public static int Calls { get; set; }

    public static void Forget(this Task? task) => Calls++;
}
