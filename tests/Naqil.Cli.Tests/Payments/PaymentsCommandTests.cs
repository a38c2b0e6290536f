using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Naqil.Cli.Commands;
using Naqil.Cli.Tests.Events;

namespace Naqil.Cli.Tests.Payments;

/// <summary><c>naqil payments --config</c> with <c>Payments:Events</c>: a capture's receipt is published on its gateway's consumer face.</summary>
public sealed class PaymentsCommandTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("naqil-pay-cli-");

    [Fact]
    public async Task Payments_WithEvents_PublishesTheCapturesReceiptOnItsTopic()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var gateway = await StubGateway.StartAsync(cancellationToken);
        var url = $"http://127.0.0.1:{FreePort()}";
        var config = Path.Combine(_work.FullName, "payments.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            Payments = new
            {
                Url = url,
                DatabaseFile = Path.Combine(_work.FullName, "payments.db"),
                SyntheticCitizens = true,
                Payees = new[] { new { Id = "SY/GOV/CIVREG/fees", Name = "fees" } },
                Events = new { GatewayUrl = gateway.Url, Publisher = "SY/GOV/CBS/payments", Topic = "SY/GOV/CBS/payments/captures" },
            },
        }), cancellationToken);
        var output = new StringWriter();
        using var stop = new CancellationTokenSource();
        var run = PaymentsCommand.Runner(output, output).RunAsync(new FileInfo(config), stop.Token);
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        try
        {
            await WaitListeningAsync(output, run);
            var created = await PostAsync(http, "/intents", """{"amount":"1500.00","payeeAccount":"SY/GOV/CIVREG/fees","payerNationalId":"01010000001","reference":"r-1","description":{"ar":"رسم","en":"Fee"}}""");
            var id = JsonDocument.Parse(created).RootElement.GetProperty("id").GetString()!;
            await PostAsync(http, $"/intents/{id}/authorise", null);
            await PostAsync(http, $"/intents/{id}/capture", null);

            var deadline = DateTime.UtcNow.AddSeconds(20);
            RecordedRequest? published;
            while ((published = gateway.Requests.FirstOrDefault(r => r.Method == "POST" && r.PathAndQuery == "/e1/SY/GOV/CBS/payments/captures")) is null && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, cancellationToken);
            }

            Assert.NotNull(published);
            using var body = JsonDocument.Parse(published.Body);
            Assert.Equal("payment-captured", body.RootElement.GetProperty("event").GetString());
            Assert.Equal(id, body.RootElement.GetProperty("receipt").GetProperty("paymentId").GetString());
        }
        finally
        {
            await stop.CancelAsync();
            Assert.Equal(0, await run);
        }
    }

    private static async Task WaitListeningAsync(StringWriter output, Task<int> run)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!output.ToString().Contains("listening on", StringComparison.Ordinal))
        {
            Assert.False(run.IsCompleted, output.ToString());
            Assert.True(DateTime.UtcNow < deadline, output.ToString());
            await Task.Delay(50);
        }
    }

    private static async Task<string> PostAsync(HttpClient http, string path, string? body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("D"));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return text;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
