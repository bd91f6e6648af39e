using System.IO.Compression;
using System.Xml.Linq;
using AsyncNotes;
using AsyncNotes.Http;
using Microsoft.Extensions.DependencyInjection;

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

// 1b. AsyncNotes.Http: its library, docs and readme, and its dependencies (AsyncNotes at the same version, the resilience
//     package, and Polly.Core pinned directly).
if (args.Length > 1)
{
    using ZipArchive package = ZipFile.OpenRead(args[1]);
    string[] entries = [.. package.Entries.Select(e => e.FullName)];
    string[] missing = [.. new[] { "lib/net10.0/AsyncNotes.Http.dll", "lib/net10.0/AsyncNotes.Http.xml", "PACKAGE.md", "AsyncNotes.Http.nuspec" }
        .Where(r => !entries.Contains(r))];
    using Stream nuspecStream = package.GetEntry("AsyncNotes.Http.nuspec")!.Open();
    string[] dependencies = [.. XDocument.Load(nuspecStream).Descendants().Where(e => e.Name.LocalName == "dependency")
        .Select(e => $"{e.Attribute("id")?.Value} {e.Attribute("version")?.Value}")];
    string[] needed = ["AsyncNotes ", "Microsoft.Extensions.Http ", "Microsoft.Extensions.Http.Resilience ", "Polly.Core 8.9.1"];
    string[] absent = [.. needed.Where(n => !dependencies.Any(d => d.StartsWith(n, StringComparison.Ordinal)))];
    if (missing.Length > 0 || absent.Length > 0)
    {
        Console.Error.WriteLine($"consumer: AsyncNotes.Http lacks {string.Join(", ", missing.Concat(absent))} (dependencies: {string.Join("; ", dependencies)})");
        return 1;
    }

    Console.WriteLine($"consumer: AsyncNotes.Http layout ok ({entries.Length} entries, {dependencies.Length} dependencies)");
}

// 1c. A client registered with AsyncNotes.Http, as a user's program would (no request: nothing leaves the machine).
var services = new ServiceCollection();
services.AddAsyncNotesHttpClient("api", client => client.BaseAddress = new Uri("http://127.0.0.1:9/"));
using (ServiceProvider provider = services.BuildServiceProvider())
{
    HttpClient http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");
    string[] none = AsyncIO.Run(() => http.GetAllStringsAsync([], maxConcurrency: 4));
    Console.WriteLine($"consumer: AsyncNotes.Http client registered; an empty fetch returned {none.Length} results");
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
