namespace Naqil.EndToEnd.Tests.Payments;

/// <summary><c>naqil payments --config</c> with a configuration that will not do: exit 2, one line per problem, each naming its key and the fix.</summary>
public sealed class PaymentsCommandTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("naqil-pay-config-");

    [Fact]
    public async Task Payments_BadConfiguration_ExitsTwoNamingEachKey()
    {
        var config = Path.Combine(_work.FullName, "payments.json");
        await File.WriteAllTextAsync(config, """{"Payments": {"Storage": "mysql", "IdempotencyRetention": "01:00:00", "FeeBasisPoints": 20000}}""", TestContext.Current.CancellationToken);

        await using var process = NaqilProcess.Start(_work.FullName, "payments", "--config", config);

        Assert.Equal(2, await process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("has 3 problems", process.Output, StringComparison.Ordinal);
        Assert.Contains("Payments:Storage 'mysql' is unknown; use sqlite or postgresql", process.Output, StringComparison.Ordinal);
        Assert.Contains("Payments:IdempotencyRetention must be at least 24:00:00", process.Output, StringComparison.Ordinal);
        Assert.Contains("Payments:FeeBasisPoints must be from 0 to 10000", process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", process.Output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            _work.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
