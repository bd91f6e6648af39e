using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/AsyncNotes.Benchmarks -- --filter '*EventLoop*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
