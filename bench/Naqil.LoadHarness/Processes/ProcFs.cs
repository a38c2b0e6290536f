using System.Globalization;

namespace Naqil.LoadHarness.Processes;

/// <summary>
/// Reads CPU time and memory of processes from <c>/proc</c>: <c>utime + stime</c> of
/// <c>/proc/PID/stat</c> (all threads, in clock ticks) and <c>VmHWM</c> of <c>/proc/PID/status</c>
/// (peak resident set), which <c>clear_refs</c> resets so each phase sees its own peak.
/// </summary>
internal static class ProcFs
{
    /// <summary>Clock ticks per second (USER_HZ); 100 on every Linux the harness meets.</summary>
    public const double TicksPerSecond = 100.0;

    /// <summary>CPU time of <paramref name="pid"/> and its descendants (nginx workers), in seconds; 0 once gone.</summary>
    public static double CpuSeconds(int pid)
    {
        var total = 0L;
        foreach (var p in WithDescendants(pid))
        {
            total += OwnTicks(p);
        }

        return total / TicksPerSecond;
    }

    /// <summary>Peak resident set of <paramref name="pid"/> and its descendants, in bytes.</summary>
    public static long PeakResidentBytes(int pid) => WithDescendants(pid).Sum(p => StatusKilobytes(p, "VmHWM:") * 1024);

    /// <summary>Resident set now, in bytes.</summary>
    public static long ResidentBytes(int pid) => WithDescendants(pid).Sum(p => StatusKilobytes(p, "VmRSS:") * 1024);

    /// <summary>
    /// Resident bytes of the .NET runtime's executable memory (JIT-compiled code and its stubs): with
    /// W^X on (the default) it is double-mapped from a memfd named <c>doublemapper</c>, so its
    /// mappings in <c>/proc/PID/smaps</c> can be told apart. Null when there are none (W^X off: the
    /// code is then anonymous memory) or the process is gone.
    /// </summary>
    public static long? CodeBytes(int pid)
    {
        try
        {
            long kilobytes = 0;
            var code = false;
            var inCode = false;
            foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
            {
                if (IsMappingHeader(line))
                {
                    inCode = line.Contains("doublemapper", StringComparison.Ordinal);
                    code |= inCode;
                }
                else if (inCode && line.StartsWith("Rss:", StringComparison.Ordinal))
                {
                    kilobytes += long.Parse(line.AsSpan(4).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                }
            }

            return code ? kilobytes * 1024 : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // "7f84bc1f0000-7f84bc2ee000 r-xs 00000000 00:01 1234  /memfd:doublemapper (deleted)": an address
    // range, then the permissions; field lines ("Rss:    12 kB") start with a name and a colon.
    private static bool IsMappingHeader(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var range = space > 0 ? line.AsSpan(0, space) : [];
        var dash = range.IndexOf('-');
        return dash > 0 && !range.ContainsAnyExcept("0123456789abcdef-");
    }

    /// <summary>Resets the peak resident set (Linux ≥ 4.0: writing 5 to clear_refs).</summary>
    public static void ResetPeak(int pid)
    {
        foreach (var p in WithDescendants(pid))
        {
            try
            {
                File.WriteAllText($"/proc/{p}/clear_refs", "5");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone, or not ours to reset: the lifetime peak is then what is reported.
            }
        }
    }

    public static IReadOnlyList<int> WithDescendants(int pid)
    {
        var all = new List<int> { pid };
        var children = new Dictionary<int, List<int>>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var candidate))
            {
                continue;
            }

            var fields = StatFields(candidate);
            if (fields is not null && int.TryParse(fields[1], CultureInfo.InvariantCulture, out var parent))
            {
                if (!children.TryGetValue(parent, out var list))
                {
                    children[parent] = list = [];
                }

                list.Add(candidate);
            }
        }

        for (var i = 0; i < all.Count && i < 10_000; i++)
        {
            if (children.TryGetValue(all[i], out var list))
            {
                all.AddRange(list);
            }
        }

        return all;
    }

    /// <summary>
    /// CPU time of this process's children that have exited and been reaped (cutime + cstime), in
    /// seconds: how a short-lived child such as wrk is charged once it is done.
    /// </summary>
    public static double ReapedChildrenCpuSeconds()
    {
        var fields = StatFields(Environment.ProcessId);
        return fields is null ? 0 : (long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>CPU time of this process alone (the in-process load generator), in seconds.</summary>
    public static double OwnCpuSeconds() => OwnTicks(Environment.ProcessId) / TicksPerSecond;

    private static long OwnTicks(int pid)
    {
        var fields = StatFields(pid);
        return fields is null ? 0 : long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    /// <summary>The fields after <c>(comm)</c>: index 0 is state, 1 ppid, 11 utime, 12 stime.</summary>
    private static string[]? StatFields(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var end = text.LastIndexOf(')');
            return end < 0 ? null : text[(end + 2)..].Split(' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long StatusKilobytes(int pid, string key)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return 0;
    }
}
