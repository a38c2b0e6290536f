using System.Text;

namespace Naqil.Gateway.Tests.Hostile;

/// <summary>
/// Hostile requests on the consumer face (plain HTTP, as the member's own systems reach it), sent
/// byte for byte. Each is refused clearly, never reaches the backend, and the gateway keeps serving.
/// </summary>
public sealed class ConsumerFaceCorpusTests(SharedGateway gateway) : IClassFixture<SharedGateway>
{
    private const string Client = "\nNaqil-Client: SY/GOV/MOCT/portal";
    private const string Persons = "/r1/SY/GOV/CIVREG/registry/persons";

    [Theory]
    // Path tricks after the service id.
    [InlineData("GET " + Persons + "/../../../admin/v1/acl HTTP/1.1" + Client, 400, "bad-path")]
    [InlineData("GET " + Persons + "/./persons/1 HTTP/1.1" + Client, 400, "bad-path")]
    [InlineData("GET " + Persons + "/%2e%2e/%2E%2E/admin HTTP/1.1" + Client, 400, "bad-path")]
    [InlineData("GET " + Persons + "/.%2e/admin HTTP/1.1" + Client, 400, "bad-path")]
    [InlineData("GET " + Persons + "/persons%2F1 HTTP/1.1" + Client, 400, "bad-path")]
    [InlineData("GET " + Persons + "/persons%5c1 HTTP/1.1" + Client, 400, "bad-path")]
    [InlineData("GET " + Persons + "/persons\\..\\1 HTTP/1.1" + Client, 400, "bad-path")]
    [InlineData("GET " + Persons + "/persons/1%00.json HTTP/1.1" + Client, 400, "kestrel")]
    // Path tricks and look-alikes inside the service id.
    [InlineData("GET /r1/SY/GOV/CIVREG/registry/../persons/1 HTTP/1.1" + Client, 400, "bad-identifier")]
    [InlineData("GET /r1/SY/GOV/CIVREG/registry%2Fpersons/persons/1 HTTP/1.1" + Client, 400, "bad-identifier")]
    [InlineData("GET /r1/SY/GOV/CIVREG/registry/pers%D1%80ons/persons/1 HTTP/1.1" + Client, 400, "bad-identifier")]
    [InlineData("GET /r1/SY/GOV/CIVREG/registry/pers\u00D1\u0080ons/persons/1 HTTP/1.1" + Client, 400, "kestrel")]
    [InlineData("GET /r1/SY/GOV/CIVREG/registry%EF%BC%8Fpersons/persons/1 HTTP/1.1" + Client, 400, "bad-identifier")]
    [InlineData("GET /r1/SY/GOV/CIVREG/registry\u00EF\u00BC\u008Fpersons/persons/1 HTTP/1.1" + Client, 400, "kestrel")]
    [InlineData("GET /r1/SY/GOV/CIVREG//persons/1 HTTP/1.1" + Client, 400, "bad-identifier")]
    [InlineData("GET /r1/sy/gov/civreg/registry/persons/persons/1 HTTP/1.1" + Client, 400, "bad-identifier")]
    [InlineData("GET /r1/SY/GOV/CIVREG/registry/" + "pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp" + "/x HTTP/1.1" + Client, 400, "bad-identifier")]
    // Invalid UTF-8 in the request target: Kestrel refuses some bytes itself, our grammar the rest.
    [InlineData("GET /r1/SY/GOV/CIVREG/registry/pers\u00FFons/x HTTP/1.1" + Client, 400, "kestrel")]
    [InlineData("GET " + Persons + "/persons/\u00C3\u0028 HTTP/1.1" + Client, 400, "kestrel")]
    // An overlong '/' (%C0%AF) is not an encoded '/' to us or to the backend: passed on undecoded, the backend answers.
    [InlineData("GET " + Persons + "/persons/%C0%AF HTTP/1.1" + Client, 200, "")]
    [InlineData("GET /r1/SY/GOV/CIVREG/registry/persons%C0%AF/x HTTP/1.1" + Client, 400, "bad-identifier")]
    // Naqil headers: identifiers with tricks, invalid UTF-8, duplicates, oversize.
    [InlineData("GET " + Persons + "/persons/1 HTTP/1.1\nNaqil-Client: SY/GOV/MOCT/../portal", 400, "bad-identifier")]
    [InlineData("GET " + Persons + "/persons/1 HTTP/1.1\nNaqil-Client: SY/GOV/MOCT/p%2Fortal", 400, "bad-identifier")]
    [InlineData("GET " + Persons + "/persons/1 HTTP/1.1\nNaqil-Client: SY/GOV/MOCT/\u00D1\u0080ortal", 400, "bad-identifier")]
    [InlineData("GET " + Persons + "/persons/1 HTTP/1.1\nNaqil-Client: SY/GOV/MOCT/portal\u00FF", 400, "kestrel")]
    [InlineData("GET " + Persons + "/persons/1 HTTP/1.1\nNaqil-Client: SY/GOV/MOCT/portal\nNaqil-Client: SY/GOV/MOCT/other", 400, "bad-identifier")]
    [InlineData("GET " + Persons + "/persons/1 HTTP/1.1\nNaqil-Client:  SY/GOV/MOCT/portal ,", 400, "bad-identifier")]
    [InlineData("GET " + Persons + "/persons/1 HTTP/1.1" + Client + "\nNaqil-Id: 00000000-0000-0000-0000-00000000000\u00FF", 400, "kestrel")]
    [InlineData("GET " + Persons + "/persons/1 HTTP/1.1" + Client + "\nNaqil-Id: {3f0c2a64-8d1e-4b7a-9c55-2e6f1d0b7a93}", 400, "bad-header")]
    [InlineData("GET " + Persons + "/persons/1 HTTP/1.1" + Client + "\nNaqil-Id: 3f0c2a64-8d1e-4b7a-9c55-2e6f1d0b7a93\nNaqil-Id: 3f0c2a64-8d1e-4b7a-9c55-2e6f1d0b7a94", 400, "bad-header")]
    [InlineData("GET " + Persons + "/persons/1 HTTP/1.1" + Client + "\nNaqil-User: SY-NID:\u00FF\u00FE", 400, "kestrel")]
    [InlineData("GET " + Persons + "/persons/1 HTTP/1.1" + Client + "\nNaqil-Purpose: \u0001\u0002", 400, "bad-header")]
    [InlineData("GET " + Persons + "/persons/1 HTTP/1.1" + Client + "\nNaqil-User: \u00D8\u00A3\u00D8\u00AD\u00D9\u0085\u00D8\u00AF", 400, "bad-header")]
    [InlineData("GET " + Persons + "/persons/1 HTTP/1.1" + Client + "\nNaqil-Subject: a\u0000b", 400, "kestrel")]
    // Malformed framing: Kestrel's own parser answers before our code.
    [InlineData("GET " + Persons + "/persons/1 HTTP/1.1" + Client + "\nContent-Length: 5\nTransfer-Encoding: identity", 400, "kestrel")]
    [InlineData("POST " + Persons + "/persons/search HTTP/1.1" + Client + "\nContent-Length: -1", 400, "kestrel")]
    [InlineData("POST " + Persons + "/persons/search HTTP/1.1" + Client + "\nContent-Length: 1, 2", 400, "kestrel")]
    [InlineData("GET " + Persons + "/persons/1 HTTP/1.1" + Client + "\nBad Header: x", 400, "kestrel")]
    [InlineData("GET " + Persons + "/persons/1 HTTP/1.1" + Client + "\n folded: continuation", 400, "kestrel")]
    [InlineData("GET " + Persons + "/persons/1 HTTP/9.9" + Client, 505, "kestrel")]
    [InlineData("G\u00C9T " + Persons + "/persons/1 HTTP/1.1" + Client, 400, "kestrel")]
    [InlineData("GET http://evil.example" + Persons + "/persons/1 HTTP/1.1" + Client, 400, "kestrel")]
    [InlineData("GET * HTTP/1.1" + Client, 405, "kestrel")]
    // Declared body over the limit: refused before the body is read.
    [InlineData("POST " + Persons + "/persons/search HTTP/1.1" + Client + "\nContent-Type: application/json\nContent-Length: 104857600", 413, "too-large")]
    public async Task ConsumerFace_HostileRequest_RefusedClearly_BackendUntouched_KeepsServing(string head, int status, string code)
    {
        var env = gateway.Env;
        var calls = env.Backend.Calls;

        var answer = await HostileWire.SendAsync(env.Consumer.ConsumerUrl, HostileWire.Request(env.Consumer.ConsumerUrl, head));

        if (code.Length == 0)
        {
            // The target is well formed for us and passes through to the backend, which refuses it itself.
            Assert.True(answer.Status == status, answer.ToString());
            Assert.Null(answer.Header("Naqil-Error"));
            Assert.Equal(calls + 1, env.Backend.Calls);
        }
        else
        {
            WireAssert.Refused(answer, status, code);
            Assert.Equal(calls, env.Backend.Calls);
        }

        await gateway.AssertStillServingAsync();
    }

    [Theory]
    [InlineData(64 * 1024, 431)]
    [InlineData(200 * 1024, 431)]
    public async Task ConsumerFace_OversizedHeader_RefusedByKestrel_KeepsServing(int size, int status)
    {
        var env = gateway.Env;
        var calls = env.Backend.Calls;
        var head = "GET " + Persons + "/persons/1 HTTP/1.1" + Client + "\nNaqil-User: " + new string('u', size);

        var answer = await HostileWire.SendAsync(env.Consumer.ConsumerUrl, HostileWire.Request(env.Consumer.ConsumerUrl, head));

        WireAssert.Refused(answer, status, "kestrel");
        Assert.Equal(calls, env.Backend.Calls);
        await gateway.AssertStillServingAsync();
    }

    [Fact]
    public async Task ConsumerFace_ThousandsOfHeaders_RefusedByKestrel_KeepsServing()
    {
        var env = gateway.Env;
        var calls = env.Backend.Calls;
        var head = new StringBuilder("GET " + Persons + "/persons/1 HTTP/1.1" + Client);
        for (var i = 0; i < 5000; i++)
        {
            head.Append("\nX-Flood-").Append(i).Append(": x");
        }

        var answer = await HostileWire.SendAsync(env.Consumer.ConsumerUrl, HostileWire.Request(env.Consumer.ConsumerUrl, head.ToString()));

        WireAssert.Refused(answer, 431, "kestrel");
        Assert.Equal(calls, env.Backend.Calls);
        await gateway.AssertStillServingAsync();
    }

    [Fact]
    public async Task ConsumerFace_OverlongRequestTarget_RefusedByKestrel_KeepsServing()
    {
        var env = gateway.Env;
        var head = "GET " + Persons + "/" + new string('a', 20_000) + " HTTP/1.1" + Client;

        var answer = await HostileWire.SendAsync(env.Consumer.ConsumerUrl, HostileWire.Request(env.Consumer.ConsumerUrl, head));

        WireAssert.Refused(answer, 414, "kestrel");
        await gateway.AssertStillServingAsync();
    }

    [Fact]
    public async Task ConsumerFace_GarbageBytes_NoSuccess_KeepsServing()
    {
        var env = gateway.Env;
        var garbage = new byte[4096];
        new Random(5).NextBytes(garbage);

        var answer = await HostileWire.SendAsync(env.Consumer.ConsumerUrl, garbage);

        Assert.True(!answer.Answered || answer.Status == 400, answer.ToString());
        await gateway.AssertStillServingAsync();
    }

    [Fact]
    public async Task ConsumerFace_TlsHelloOnPlainHttpPort_NoSuccess_KeepsServing()
    {
        var env = gateway.Env;

        var answer = await HostileWire.SendAsync(env.Consumer.ConsumerUrl.Replace("http://", "https://", StringComparison.Ordinal), []);

        Assert.False(answer.Answered && answer.Status < 400, answer.ToString());
        await gateway.AssertStillServingAsync();
    }

    [Fact]
    public async Task ConsumerFace_TruncatedBody_NotForwarded_NoServerError_KeepsServing()
    {
        var env = gateway.Env;
        var calls = env.Backend.Calls;
        var request = HostileWire.Request(env.Consumer.ConsumerUrl,
            "POST " + Persons + "/persons/search HTTP/1.1" + Client + "\nContent-Type: application/json\nContent-Length: 1000", "{\"familyName\":", contentLength: false);

        // Content-Length promises 1000 bytes, 14 arrive, then the client closes its sending side.
        var answer = await HostileWire.SendAsync(env.Consumer.ConsumerUrl, request, closeSendingSide: true);

        Assert.True(!answer.Answered || answer.Status is 400, answer.ToString());
        Assert.Equal(calls, env.Backend.Calls);
        await gateway.AssertStillServingAsync();
    }
}
