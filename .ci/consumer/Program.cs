using System.IO.Compression;
using System.Xml.Linq;
using AsyncNotes;

// 1. The package has what a NuGet user needs: the library and its XML docs for net10.0, its analyzers, the readme, the
//    licence and the repository in its metadata.
if (args.Length > 0)
{
    using ZipArchive package = ZipFile.OpenRead(args[0]);
    string[] entries = [.. package.Entries.Select(e => e.FullName)];
    string[] required = ["lib/net10.0/AsyncNotes.dll", "lib/net10.0/AsyncNotes.xml", "PACKAGE.md", "AsyncNotes.nuspec",
        "analyzers/dotnet/cs/AsyncNotes.Analyzers.dll", "analyzers/dotnet/cs/AsyncNotes.Analyzers.CodeFixes.dll"];
    string[] missing = [.. required.Where(r => !entries.Contains(r))];
    if (missing.Length > 0)
    {
        Console.Error.WriteLine($"consumer: the package lacks {string.Join(", ", missing)}");
        return 1;
    }

    using Stream nuspecStream = package.GetEntry("AsyncNotes.nuspec")!.Open();
    XElement metadata = XDocument.Load(nuspecStream).Root!.Elements().First(e => e.Name.LocalName == "metadata");
    string? Field(string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
    bool hasRepository = metadata.Elements().Any(e => e.Name.LocalName == "repository");
    if (Field("license") != "MIT" || Field("readme") != "PACKAGE.md" || !hasRepository || metadata.Elements().Any(e => e.Name.LocalName == "dependencies" && e.HasElements && e.Descendants().Any(d => d.Name.LocalName == "dependency")))
    {
        Console.Error.WriteLine("consumer: the nuspec needs licence MIT, readme PACKAGE.md, repository metadata and no dependencies");
        return 1;
    }

    Console.WriteLine($"consumer: package layout ok ({entries.Length} entries)");
}

// 2. A user's first program: asyncio.run(main()) with two concurrent sleeps on the virtual clock.
TimeSpan elapsed = AsyncIO.Run(
    async () =>
    {
        Task one = AsyncIO.SleepAsync(TimeSpan.FromSeconds(1));
        Task two = AsyncIO.SleepAsync(TimeSpan.FromSeconds(2));
        await Task.WhenAll(one, two);
        return EventLoop.Current!.Elapsed;
    },
    EventLoopOptions.Virtual);

Console.WriteLine($"consumer: two concurrent sleeps ended at t={elapsed.TotalSeconds}s");
return elapsed == TimeSpan.FromSeconds(2) ? 0 : 1;
