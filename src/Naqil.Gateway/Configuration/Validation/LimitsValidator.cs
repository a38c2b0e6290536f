namespace Naqil.Gateway.Configuration.Validation;

/// <summary>Sizes, counts and durations that bound what an exchange may cost.</summary>
internal sealed class LimitsValidator : IGatewayOptionsValidator
{
    public void Validate(GatewayOptions options, List<string> failures)
    {
        if (options.MaxTrustConfigurationBytes is < 64 * 1024 or > 1L << 30)
        {
            failures.Add($"Gateway:MaxTrustConfigurationBytes is {options.MaxTrustConfigurationBytes}; use a value between 65536 and 1073741824 (default 67108864)");
        }

        if (options.MaxBodyBytes is < 1024 or > 1L << 31)
        {
            failures.Add($"Gateway:MaxBodyBytes is {options.MaxBodyBytes}; use a value between 1024 and 2147483648 (default 10485760)");
        }

        if (options.MaxClockSkew <= TimeSpan.Zero || options.MaxClockSkew > TimeSpan.FromMinutes(10))
        {
            failures.Add($"Gateway:MaxClockSkew is {options.MaxClockSkew}; use a value between 00:00:01 and 00:10:00");
        }

        if (options.ReplayCacheCapacity < 1000)
        {
            failures.Add($"Gateway:ReplayCacheCapacity is {options.ReplayCacheCapacity}; use at least 1000");
        }

        if (options.MaxConnectionsPerPeer is < 1 or > 100_000)
        {
            failures.Add($"Gateway:MaxConnectionsPerPeer is {options.MaxConnectionsPerPeer}; use a value between 1 and 100000 (default 128)");
        }

        RequirePositive(failures, "Gateway:ConnectTimeout", options.ConnectTimeout, "00:00:05");
        RequirePositive(failures, "Gateway:ResponseTimeout", options.ResponseTimeout, "00:00:30");
        RequirePositive(failures, "Gateway:TrustPollInterval", options.TrustPollInterval, "00:00:10");
        if (options.NativeHeapTrimInterval < TimeSpan.Zero)
        {
            failures.Add($"Gateway:NativeHeapTrimInterval is {options.NativeHeapTrimInterval}; use a positive duration such as 00:00:30, or 00:00:00 to turn trimming off");
        }
    }

    internal static void RequirePositive(List<string> failures, string key, TimeSpan value, string example)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{key} is {value}; use a positive duration such as {example}");
        }
    }
}
