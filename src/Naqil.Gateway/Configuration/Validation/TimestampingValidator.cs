namespace Naqil.Gateway.Configuration.Validation;

/// <summary>The message log's tree heads and their timestamps (<c>Gateway:MessageLog</c>).</summary>
internal sealed class TimestampingValidator : IGatewayOptionsValidator
{
    public void Validate(GatewayOptions options, List<string> failures)
    {
        var log = options.MessageLog;
        if (log.TreeHeadInterval <= TimeSpan.Zero || log.TreeHeadInterval > TimeSpan.FromMinutes(10))
        {
            failures.Add($"Gateway:MessageLog:TreeHeadInterval is {log.TreeHeadInterval}; use a value between 00:00:00.1 and 00:10:00");
        }

        if (log.TimestampInterval < log.TreeHeadInterval || log.TimestampInterval > TimeSpan.FromDays(1))
        {
            failures.Add($"Gateway:MessageLog:TimestampInterval is {log.TimestampInterval}; use at least the TreeHeadInterval and at most a day");
        }

        if (log.TimestampGracePeriod < TimeSpan.Zero)
        {
            failures.Add($"Gateway:MessageLog:TimestampGracePeriod is {log.TimestampGracePeriod}; use a duration such as 01:00:00");
        }

        if (log.TsaUrl.Length > 0)
        {
            Urls.RequireAbsolute(failures, "Gateway:MessageLog:TsaUrl", log.TsaUrl, "https://tsa.example/tsa");
            if (string.IsNullOrWhiteSpace(log.TsaCertificateFile) || !File.Exists(log.TsaCertificateFile))
            {
                failures.Add($"Gateway:MessageLog:TsaCertificateFile is '{log.TsaCertificateFile}', which is not an existing file; a TsaUrl needs the TSA's PEM certificate");
            }
        }
    }
}
