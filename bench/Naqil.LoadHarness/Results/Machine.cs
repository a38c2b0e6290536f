using System.Runtime.InteropServices;

namespace Naqil.LoadHarness.Results;

/// <summary>What the numbers were measured on, from <c>/proc</c>.</summary>
internal static class Machine
{
    public static MachineInfo Describe(DateTimeOffset started, string loadAtStart, double wallSeconds)
    {
        var cpuInfo = Read("/proc/cpuinfo");
        var model = cpuInfo.Split('\n').FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        var cores = cpuInfo.Split('\n').Count(l => l.StartsWith("processor", StringComparison.Ordinal));
        var memory = Read("/proc/meminfo").Split('\n').FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) is { } line
            ? long.Parse(line["MemTotal:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024 : 0;
        return new MachineInfo(model, cores, memory, Read("/proc/sys/kernel/osrelease").Trim(), RuntimeInformation.FrameworkDescription,
            RuntimeInformation.OSDescription, loadAtStart, Read("/proc/loadavg").Trim(), started, wallSeconds);
    }

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
    }
}
