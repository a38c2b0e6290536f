using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Naqil.EndToEnd.Tests.Federation;

/// <summary>
/// The steps of docs/operations.md, run with the real <c>naqil</c> command against a running
/// federated sandbox: a cross-border call, ending the federation, and federating again.
/// </summary>
public sealed class FederationOperationsTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("naqil-federation-");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task EndAndRestartFederation_WithAnchorCommands_TrafficFollows()
    {
        var portBase = Ports.FreeBase(100);
        await using var sandbox = NaqilProcess.Start(_work.FullName, "sandbox", "--port-base", portBase.ToString(CultureInfo.InvariantCulture));
        Assert.True(await sandbox.WaitForAsync(() => sandbox.Output.Contains("Press Ctrl+C", StringComparison.Ordinal), TimeSpan.FromSeconds(60)), sandbox.Output);
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_work.FullName, ".naqil", "sandbox.json"), TestContext.Current.CancellationToken));
        var sy = manifest.RootElement.GetProperty("instances").GetProperty("SY");
        var iq = manifest.RootElement.GetProperty("instances").GetProperty("IQ");
        var crossBorder = manifest.RootElement.GetProperty("examples")[1].GetProperty("command").GetString()!;
        Assert.Contains("IQ/GOV/POST/ems/items", crossBorder, StringComparison.Ordinal);

        // Federated by the sandbox: the cross-border call is answered by Iraq's post.
        var (status, _, body) = await CallAsync(crossBorder);
        Assert.Equal(200, status);
        Assert.Contains("\"destination\":\"IQ\"", body, StringComparison.Ordinal);

        // Ending it: SY's operator removes IQ's anchor; within one poll the SY gateway refuses.
        Assert.Equal(0, await RunNaqilAsync("anchor", "remove", "IQ", "--registry", sy.GetProperty("registry").GetString()!, "--token-file", sy.GetProperty("adminTokenFile").GetString()!));
        Assert.True(await EventuallyAsync(async () => (await CallAsync(crossBorder)).Headers.Contains("federation-not-allowed", StringComparison.Ordinal)), "cross-border calls were not refused after the partner was removed");

        // Federating again: export IQ's anchor, import it at SY's registry; traffic resumes within one poll.
        var anchorFile = Path.Combine(_work.FullName, "iq-anchor.json");
        Assert.Equal(0, await RunNaqilAsync("anchor", "export", "--registry", iq.GetProperty("registry").GetString()!, "--out", anchorFile));
        using (var anchor = JsonDocument.Parse(await File.ReadAllTextAsync(anchorFile, TestContext.Current.CancellationToken)))
        {
            Assert.Equal("IQ", anchor.RootElement.GetProperty("instance").GetString());
            Assert.Matches("^[0-9a-f]{64}$", anchor.RootElement.GetProperty("thumbprint").GetString());
        }

        Assert.Equal(0, await RunNaqilAsync("anchor", "import", anchorFile, "--registry", sy.GetProperty("registry").GetString()!, "--token-file", sy.GetProperty("adminTokenFile").GetString()!));
        Assert.True(await EventuallyAsync(async () => (await CallAsync(crossBorder)).Status == 200), "cross-border calls did not resume after the anchor was imported again");
    }

    [Fact]
    public async Task AnchorImport_AlteredFile_Refused()
    {
        var anchorFile = Path.Combine(_work.FullName, "altered.json");
        await File.WriteAllTextAsync(anchorFile, """{"instance":"IQ","certificate":"-----BEGIN CERTIFICATE-----\nMIIBfzCCASWgAwIBAgIUJ0\n-----END CERTIFICATE-----","configUrl":"http://127.0.0.1:1/trust/v1/config","thumbprint":"00"}""", TestContext.Current.CancellationToken);
        var tokenFile = Path.Combine(_work.FullName, "token");
        await File.WriteAllTextAsync(tokenFile, "0123456789abcdef0123", TestContext.Current.CancellationToken);

        await using var import = NaqilProcess.Start(_work.FullName, "anchor", "import", anchorFile, "--registry", "http://127.0.0.1:1", "--token-file", tokenFile);

        Assert.Equal(1, await import.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("naqil anchor import:", import.Output, StringComparison.Ordinal);
    }

    private async Task<int> RunNaqilAsync(params string[] arguments)
    {
        await using var process = NaqilProcess.Start(_work.FullName, arguments);
        var code = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(code == 0, $"naqil {string.Join(' ', arguments)} exited {code}: {process.Output}");
        return code;
    }

    /// <summary>Runs a printed curl example's request with HttpClient: same method, headers and URL.</summary>
    private async Task<(int Status, string Headers, string Body)> CallAsync(string curl)
    {
        var parts = curl.Split('\'');
        var url = curl[(curl.LastIndexOf(' ') + 1)..];
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        for (var i = 1; i < parts.Length; i += 2)
        {
            var header = parts[i].Split(": ", 2);
            request.Headers.TryAddWithoutValidation(header[0], header[1]);
        }

        using var response = await _http.SendAsync(request);
        var headers = string.Join('\n', response.Headers.Select(h => $"{h.Key}: {string.Join(", ", h.Value)}"));
        return ((int)response.StatusCode, headers, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Polls a condition for up to 30 s (the sandbox polls its registries every 5 s).</summary>
    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(250);
        }

        return false;
    }

    public void Dispose()
    {
        _http.Dispose();
        try
        {
            _work.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
