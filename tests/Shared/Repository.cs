namespace AsyncNotes.Tests;

/// <summary>Where the repository's files are, for tests that read them (a README's expected output, a docs page). Compiled
/// into each test project by link.</summary>
internal static class Repository
{
    /// <summary>The folder that holds AsyncNotes.sln, found upwards from the test's output folder.</summary>
    public static string Root()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AsyncNotes.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("AsyncNotes.sln not found above " + AppContext.BaseDirectory);
    }
}
