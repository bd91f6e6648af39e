using AsyncNotes.Tests.Infrastructure;

namespace AsyncNotes.Tests.Conformance;

/// <summary>What every trace twin needs to print CPython's log lines: the time stamp and Python's spelling of values.</summary>
internal static class TraceLog
{
    /// <summary>Adds "t=&lt;seconds on the loop's clock&gt; &lt;entry&gt;", as the traces' <c>log()</c> prints it.</summary>
    public static void Log(EventLog log, string entry) =>
        log.Add(FormattableString.Invariant($"t={TestLoop.Current.Elapsed.TotalSeconds:0.000} {entry}"));

    /// <summary>Python's <c>True</c> and <c>False</c>.</summary>
    public static string Py(bool value) => value ? "True" : "False";
}
