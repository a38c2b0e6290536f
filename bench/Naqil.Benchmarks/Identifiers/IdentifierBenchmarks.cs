using BenchmarkDotNet.Attributes;
using Naqil.Gateway.Messages;
using Naqil.Identifiers;

namespace Naqil.Benchmarks.Identifiers;

/// <summary>
/// Identifier parsing as every exchange does it (Naqil-Client, the service in the path, the whole
/// exchange target), against a plain <c>string.Split</c> of the same text: the price of checking
/// every segment instead of trusting it.
/// </summary>
[MemoryDiagnoser]
public class IdentifierBenchmarks
{
    private const string Subsystem = "SY/GOV/MOCT/portal";
    private const string Service = "SY/GOV/CIVREG/registry/persons";
    private const string Target = "/r1/SY/GOV/CIVREG/registry/persons/persons/01010000001/record?fields=all";

    [Benchmark(Baseline = true)]
    public string[] SplitOnly() => Service.Split('/');

    [Benchmark]
    public bool MemberIdTryParse() => MemberId.TryParse("SY/GOV/CIVREG", out _, out _);

    [Benchmark]
    public bool SubsystemIdTryParse() => SubsystemId.TryParse(Subsystem, out _, out _);

    [Benchmark]
    public bool ServiceIdTryParse() => ServiceId.TryParse(Service, out _, out _);

    /// <summary>The gateway's parse of a raw request target into service, path and query.</summary>
    [Benchmark]
    public bool ExchangeTargetTryParse() => ExchangeTarget.TryParse(Target, out _, out _);

    /// <summary>A hostile identifier: rejected with a sentence, not an exception.</summary>
    [Benchmark]
    public bool RejectPathTrick() => ServiceId.TryParse("SY/GOV/CIVREG/../persons", out _, out _);
}
