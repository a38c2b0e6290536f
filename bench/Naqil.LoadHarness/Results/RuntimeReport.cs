using System.Globalization;
namespace Naqil.LoadHarness.Results;

/// <summary>The tables of what the gateways' runtime shows: allocations per exchange.</summary>
internal static class RuntimeReport
{
    private static readonly string[] PhaseOrder = ["closed", "open"];

    public static IEnumerable<Report.Section> AllocationSections(RunResult r)
    {
        if (r.Allocations.Count == 0)
        {
            yield break;
        }

        yield return new Report.Section("Allocations and collections per exchange in each gateway",
            "Each Naqil gateway's `GET /admin/v1/runtime` read before and after every closed-loop cell and open-loop run: managed bytes allocated (`GC.GetTotalAllocatedBytes(precise: false)`) and collections of each generation (a gen 2 collection counts in gen 1 and gen 0 too), divided by the exchanges completed; GC pause is the time the process stood still for collections. Medians over the runs.",
            ["target", "phase", "load", "process", "runs", "exchanges", "KiB allocated / exchange", "gen0 / 1,000", "gen1 / 1,000", "gen2 / 1,000", "GC pause µs / exchange"],
            [.. r.Allocations.OrderBy(a => a.Target, StringComparer.Ordinal).ThenBy(a => Array.IndexOf(PhaseOrder, a.Phase)).ThenBy(a => a.Load, StringComparer.Ordinal).ThenBy(a => a.Role, StringComparer.Ordinal)
                .Select(a => (IReadOnlyList<string>)[a.Target, a.Phase, a.Load, a.Role, a.Run.ToString(CultureInfo.InvariantCulture), a.Exchanges.ToString("N0", CultureInfo.InvariantCulture),
                    Report.F(a.AllocatedKbPerExchange), Report.F(a.Gen0Per1000), Report.F(a.Gen1Per1000), Report.F(a.Gen2Per1000), Report.F(a.GcPauseMicrosPerExchange)])]);
    }
}
