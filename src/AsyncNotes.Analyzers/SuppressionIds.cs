namespace AsyncNotes.Analyzers;

/// <summary>The stable IDs of AsyncNotes' suppressions: ANS, then a number. Each names the rule it silences, and where;
/// they are documented on the page of the rule they stand beside (docs/analyzers/AN0007.md).</summary>
internal static class SuppressionIds
{
    /// <summary>CA1849 on <c>CancellationTokenSource.Cancel()</c> on an event loop, where <c>CancelAsync</c> is wrong.</summary>
    public const string CancelOnLoopCA1849 = "ANS0001";

    /// <summary>VSTHRD103 on <c>CancellationTokenSource.Cancel()</c> on an event loop, where <c>CancelAsync</c> is wrong.</summary>
    public const string CancelOnLoopVSTHRD103 = "ANS0002";
}
