using BenchmarkDotNet.Attributes;
using Naqil.Agencies.Regulator;
using Naqil.Agencies.Regulator.Numbering;
using PhoneNumbers;

namespace Naqil.Benchmarks.Regulator;

/// <summary>
/// Number lookup in process (issue 21): a number as a person types it (local form with spaces,
/// +963, 00963, Arabic-Indic digits) read, matched to its block among 10^4, and looked up among
/// 10^6 ported numbers, against libphonenumber's parse of the same strings (the baseline) and its
/// parse with validation. 4,096 typed numbers per invocation, a quarter of each form, half of them
/// ported; single-threaded. Lookups per second on one core = 1 / the mean per operation.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class NumberLookupBenchmarks
{
    private const int Inputs = 4096;
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private NumberLookup _lookup = null!;
    private string[] _typed = [];

    [GlobalSetup]
    public void Setup()
    {
        var since = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var index = new NumberingIndex();
        // 7,900 geographic blocks of 4 digits (1100-8999) and 2,100 mobile blocks of 5 (90000-92099): 10^4 blocks, two prefix lengths.
        var blocks = Enumerable.Range(1100, 7900).Select(p => new NumberBlock(p.ToString(System.Globalization.CultureInfo.InvariantCulture), 9, NumberType.GeographicFixed, "Damascus", BlockState.Allocated, "SYTEL", since))
            .Concat(Enumerable.Range(90000, 2100).Select(p => new NumberBlock(p.ToString(System.Globalization.CultureInfo.InvariantCulture), 9, NumberType.Mobile, null, BlockState.Allocated, p % 2 == 0 ? "MTN" : "SYRIATEL", since)))
            .ToList();
        index.SetBlocks(blocks);
        var random = new Random(21);
        string[] operators = ["SYRIATEL", "MTN", "WAFA"];
        var ported = new List<(long, string)>(1_000_000);
        var portedNumbers = new HashSet<long>();
        while (portedNumbers.Count < 1_000_000)
        {
            var nsn = 900_000_000L + random.NextInt64(0, 21_000_000L);
            if (portedNumbers.Add(963_000_000_000L + nsn))
            {
                ported.Add((963_000_000_000L + nsn, operators[portedNumbers.Count % 3]));
            }
        }

        index.LoadPorted(ported);
        _lookup = new NumberLookup(Regulators.Syria, index);
        var portedList = portedNumbers.Take(Inputs / 2).ToArray();
        _typed = new string[Inputs];
        for (var i = 0; i < Inputs; i++)
        {
            var number = i % 2 == 0 ? portedList[i / 2] : NotPorted(random, portedNumbers);
            var nsn = (number - 963_000_000_000L).ToString(System.Globalization.CultureInfo.InvariantCulture);
            _typed[i] = (i / 2 % 4) switch
            {
                0 => $"0{nsn[..3]} {nsn[3..6]} {nsn[6..]}",
                1 => $"+963 {nsn}",
                2 => $"00963{nsn}",
                _ => new string([.. ("0" + nsn).Select(c => (char)('\u0660' + (c - '0')))]),
            };
        }

        // What is timed must be what is meant: every input found in its block, and half of them ported.
        var results = _typed.Select(_lookup.Lookup).ToList();
        if (results.Any(r => !r.Valid || r.Block is null) || results.Count(r => r.Ported) != Inputs / 2 || index.BlockCount != 10_000 || index.PortedCount != 1_000_000)
        {
            throw new InvalidOperationException($"the lookup set-up is wrong: {results.Count(r => r.Valid)} valid, {results.Count(r => r.Ported)} ported, {index.BlockCount} blocks, {index.PortedCount} ported numbers");
        }
    }

    private static long NotPorted(Random random, HashSet<long> ported)
    {
        while (true)
        {
            var number = 963_900_000_000L + random.NextInt64(0, 21_000_000L);
            if (!ported.Contains(number))
            {
                return number;
            }
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Inputs)]
    public int LibphonenumberParse()
    {
        var sum = 0;
        foreach (var typed in _typed)
        {
            sum += Util.Parse(typed, "SY").CountryCode;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Inputs)]
    public int LibphonenumberParseAndValidate()
    {
        var sum = 0;
        foreach (var typed in _typed)
        {
            sum += Util.IsValidNumber(Util.Parse(typed, "SY")) ? 1 : 0;
        }

        return sum;
    }

    /// <summary>The regulator's lookup: read, block, portability database; the answer's operator.</summary>
    [Benchmark(OperationsPerInvoke = Inputs)]
    public int Lookup()
    {
        var sum = 0;
        foreach (var typed in _typed)
        {
            sum += _lookup.Lookup(typed).ServingOperator?.Length ?? 0;
        }

        return sum;
    }
}
