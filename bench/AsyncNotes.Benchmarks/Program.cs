using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/AsyncNotes.Benchmarks -- --filter '*EventLoop*'
// The exit code is 1 when a benchmark could not be built or run, so that bench/compare.sh stops there.
IEnumerable<Summary> summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
