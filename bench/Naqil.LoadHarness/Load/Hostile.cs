using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Naqil.LoadHarness.Targets;

namespace Naqil.LoadHarness.Load;

/// <summary>
/// Hostile input (issue 5, item 5), a first corpus: malformed and oversized requests against every
/// face of a Naqil target — the consumer face and the gateway's admin API over raw sockets (so no
/// client library tidies the bytes), the provider face over TLS as strangers and as a real peer
/// replaying evidence, the registry's admin and trust API. Each must be refused clearly, no process
/// may die, and the registry must hold what it held before. A short slowloris checks that slow
/// clients do not starve others.
/// </summary>
internal static class Hostile
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    public static async Task<HostileResult> RunAsync(Target target, Action<string> progress)
    {
        var faces = target.Faces ?? throw new HarnessException($"{target.Name} has no faces to attack");
        var consumer = new Uri(faces.ConsumerUrl);
        var provider = new Uri(faces.ProviderUrl);
        var registry = new Uri(faces.RegistryUrl);
        var service = "/r1/" + Paths.Service;
        var good = $"GET {Paths.NaqilGet} HTTP/1.1\r\nHost: gw\r\nNaqil-Client: {Paths.Client}\r\nNaqil-Purpose: application-processing\r\n";
        var membersBefore = await RegistryMembersAsync(faces);
        var cases = new List<HostileCase>();

        async Task Raw(string face, string name, Uri to, byte[] bytes, bool halfClose = false) =>
            cases.Add(Classify(face, name, await RawAsync(to, bytes, halfClose)));
        Task Http(string face, string name, Uri to, string head, string body = "") =>
            Raw(face, name, to, Encoding.UTF8.GetBytes(head + (body.Length > 0 ? $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n" : "") + "\r\n" + body));
        string Get(string path, string headers = "") => $"GET {path} HTTP/1.1\r\nHost: gw\r\n{headers}";
        string Exchange(string path, string client = Paths.Client, string extra = "") =>
            Get(path, $"Naqil-Client: {client}\r\nNaqil-Purpose: application-processing\r\n{extra}");

        progress("hostile input: consumer face");
        await Http("consumer", "path with '..' in the service", consumer, Exchange("/r1/SY/GOV/CIVREG/registry/../persons/persons/01010000001"));
        await Http("consumer", "'%2F' inside a segment", consumer, Exchange("/r1/SY/GOV/CIVREG/registry%2Fpersons/persons/01010000001"));
        await Http("consumer", "'%252F' (double-encoded)", consumer, Exchange("/r1/SY/GOV/CIVREG/registry%252Fpersons/persons/01010000001"));
        await Http("consumer", "unicode look-alike (Cyrillic е)", consumer, Exchange("/r1/SY/GOV/CIVREG/r%D0%B5gistry/persons/persons/01010000001"));
        await Http("consumer", "invalid UTF-8 in the path", consumer, Exchange(service + "/persons/%C3%28"));
        await Raw("consumer", "raw 0xFF bytes in the request line", consumer, [.. "GET /r1/SY/GOV/CIVREG/"u8, 0xFF, 0xFE, .. " HTTP/1.1\r\nHost: gw\r\n\r\n"u8]);
        await Http("consumer", "65-character segment", consumer, Exchange($"/r1/SY/GOV/CIVREG/{new string('r', 65)}/persons/x"));
        await Http("consumer", "'..' after the service", consumer, Exchange(service + "/persons/../../admin/v1/acl"));
        await Http("consumer", "no Naqil-Client", consumer, Get(Paths.NaqilGet, "Naqil-Purpose: application-processing\r\n"));
        await Http("consumer", "Naqil-Client with '..'", consumer, Exchange(Paths.NaqilGet, "SY/GOV/MOCT/../portal"));
        await Http("consumer", "Naqil-Client of another member", consumer, Exchange(Paths.NaqilGet, "SY/GOV/CIVREG/registry"));
        await Http("consumer", "two Naqil-Client headers", consumer, Exchange(Paths.NaqilGet, extra: $"Naqil-Client: {Paths.Client}\r\n"));
        await Http("consumer", "Naqil-Id not a UUID", consumer, Exchange(Paths.NaqilGet, extra: "Naqil-Id: 1; DROP TABLE\r\n"));
        await Raw("consumer", "Naqil-Purpose with UTF-8 and a control byte", consumer, [.. Encoding.UTF8.GetBytes(Exchange(Paths.NaqilGet).Replace("application-processing", "غرض\u0001", StringComparison.Ordinal)), .. "\r\n"u8]);
        await Http("consumer", "300-character Naqil-Subject", consumer, Exchange(Paths.NaqilGet, extra: $"Naqil-Subject: {new string('x', 300)}\r\n"));
        await Http("consumer", "40 KiB header", consumer, Exchange(Paths.NaqilGet, extra: $"X-Pad: {new string('a', 40 * 1024)}\r\n"));
        await Http("consumer", "declared body of 11 MiB", consumer, $"POST {Paths.NaqilPost} HTTP/1.1\r\nHost: gw\r\nNaqil-Client: {Paths.Client}\r\nNaqil-Purpose: x\r\nContent-Length: {11 << 20}\r\n");
        await Raw("consumer", "body cut short (Content-Length 1000, 10 bytes, then EOF)", consumer,
            Encoding.ASCII.GetBytes($"POST {Paths.NaqilPost} HTTP/1.1\r\nHost: gw\r\nNaqil-Client: {Paths.Client}\r\nNaqil-Purpose: x\r\nContent-Length: 1000\r\n\r\n0123456789"), halfClose: true);
        await Raw("consumer", "garbage (a TLS ClientHello on the HTTP port)", consumer, [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, .. RandomNumberGenerator.GetBytes(64), .. "\r\n\r\n"u8]);
        await Http("admin", "gateway admin API without a token", consumer, Get("/admin/v1/acl"));
        await Http("admin", "gateway admin API with a wrong token", consumer, Get("/admin/v1/acl", "Authorization: Bearer 0123456789abcdef0123456789abcdef\r\n"));

        progress("hostile input: provider face");
        await Raw("provider", "plain HTTP on the TLS port", provider, Encoding.ASCII.GetBytes(good + "\r\n"));
        cases.Add(Classify("provider", "TLS without a client certificate", await TlsAsync(provider, null, SslProtocols.Tls13, good)));
        using (var stranger = SelfSigned())
        {
            cases.Add(Classify("provider", "TLS with a self-signed client certificate", await TlsAsync(provider, stranger, SslProtocols.Tls13, good)));
        }

        using var peer = X509Certificate2.CreateFromPemFile(faces.ConsumerTlsCertificate, faces.ConsumerTlsKey);
        cases.Add(Classify("provider", "TLS 1.2 only (downgrade)", await TlsAsync(provider, peer, SslProtocols.Tls12, good)));
        cases.Add(Classify("provider", "the real peer's certificate, request unsigned", await TlsAsync(provider, peer, SslProtocols.Tls13,
            good + $"Naqil-Id: {Guid.NewGuid()}\r\nNaqil-Service: {Paths.Service}\r\n")));
        var evidence = await EvidenceAsync(faces);
        var replay = good + $"Naqil-Id: {evidence.Id}\r\nNaqil-Service: {Paths.Service}\r\nNaqil-Subject: SY-NID:{Paths.Person}\r\nContent-Digest: {evidence.Digest}\r\nSignature-Input: {evidence.SignatureInput}\r\nSignature: {evidence.Signature}\r\n";
        cases.Add(Classify("provider", "replay of a real signed request (evidence the client holds)", await TlsAsync(provider, peer, SslProtocols.Tls13, replay)));
        cases.Add(Classify("provider", "the same signature on a fresh Naqil-Id", await TlsAsync(provider, peer, SslProtocols.Tls13,
            replay.Replace(evidence.Id, Guid.NewGuid().ToString("D"), StringComparison.Ordinal))));
        cases.Add(Classify("provider", "the same signature, another Naqil-Subject", await TlsAsync(provider, peer, SslProtocols.Tls13,
            replay.Replace($"SY-NID:{Paths.Person}", "SY-NID:01010000002", StringComparison.Ordinal))));

        progress("hostile input: registry");
        const string Member = "{\"name\":\"Intruder\"}";
        await Http("registry", "admin PUT without a token", registry, $"PUT /admin/v1/members/SY/GOV/EVIL HTTP/1.1\r\nHost: r\r\nContent-Type: application/json\r\n", Member);
        await Http("registry", "admin PUT with a wrong token", registry, $"PUT /admin/v1/members/SY/GOV/EVIL HTTP/1.1\r\nHost: r\r\nAuthorization: Bearer wrongwrongwrongwrong\r\nContent-Type: application/json\r\n", Member);
        await Http("registry", "admin PUT, identifier with '..' (with the token)", registry,
            $"PUT /admin/v1/members/SY/GOV/..%2F..%2Fx HTTP/1.1\r\nHost: r\r\nAuthorization: Bearer {faces.RegistryAdminToken}\r\nContent-Type: application/json\r\n", Member);
        await Http("registry", "admin PUT, unknown JSON member (with the token)", registry,
            $"PUT /admin/v1/members/SY/GOV/EVIL2 HTTP/1.1\r\nHost: r\r\nAuthorization: Bearer {faces.RegistryAdminToken}\r\nContent-Type: application/json\r\n", "{\"name\":\"x\",\"isAdmin\":true}");
        // Not refusals: a malformed validator must be ignored and the whole signed document served.
        await Http("registry", "trust config, garbage If-None-Match (expect 200)", registry, Get("/trust/v1/config", "If-None-Match: \"\u00ff\u00fe, W/, \"\r\n"));
        await Http("registry", "trust config, If-None-Match list holding '*' (invalid; expect 200)", registry, Get("/trust/v1/config", "If-None-Match: \"abc\", *\r\n"));

        progress("hostile input: slowloris against the consumer face");
        var slow = await SlowlorisAsync(consumer, target.Url(target.GetPath), connections: 200, seconds: 6);
        var membersAfter = await RegistryMembersAsync(faces);
        var dead = target.Processes.Where(p => p.Process.HasExited).Select(p => p.Role).ToList();
        return new HostileResult(target.Name, cases, slow, dead, membersBefore, membersAfter);
    }

    private static HostileCase Classify(string face, string name, string outcome)
    {
        if (name.EndsWith("expect 200)", StringComparison.Ordinal))
        {
            var served = outcome.StartsWith("HTTP 200", StringComparison.Ordinal);
            return new HostileCase(face, name, outcome, served, served);
        }

        // "HTTP 400 bad-identifier problem+json" → refused and clear; a 2xx or 5xx is not a refusal.
        var status = outcome.StartsWith("HTTP ", StringComparison.Ordinal) && int.TryParse(outcome.AsSpan(5, 3), out var s) ? s : 0;
        var refused = status is >= 400 and < 500 || outcome.StartsWith("tls ", StringComparison.Ordinal) || outcome.StartsWith("closed", StringComparison.Ordinal);
        var clear = status == 0 ? refused : outcome.Contains("problem+json", StringComparison.Ordinal) || outcome.Contains("naqil-error", StringComparison.Ordinal) || status is 400 or 401 or 413 or 431;
        return new HostileCase(face, name, outcome, refused, clear);
    }

    private static async Task<string> RawAsync(Uri to, byte[] bytes, bool halfClose)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(to.Host, to.Port);
            var stream = client.GetStream();
            await stream.WriteAsync(bytes);
            if (halfClose)
            {
                client.Client.Shutdown(SocketShutdown.Send);
            }

            return await ReadAnswerAsync(stream);
        }
        catch (IOException e)
        {
            return $"closed: {e.Message}";
        }
        catch (SocketException e)
        {
            return $"closed: {e.SocketErrorCode}";
        }
    }

    private static async Task<string> TlsAsync(Uri to, X509Certificate2? certificate, SslProtocols protocols, string head)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(to.Host, to.Port);
        using var tls = new SslStream(client.GetStream());
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                EnabledSslProtocols = protocols,
                ClientCertificates = certificate is null ? null : [certificate],
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            });
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return $"tls handshake refused: {Inner(e)}";
        }

        try
        {
            await tls.WriteAsync(Encoding.UTF8.GetBytes(head + "\r\n"));
            var answer = await ReadAnswerAsync(tls);
            return answer.StartsWith("closed", StringComparison.Ordinal) ? "tls closed after the handshake (certificate refused)" : answer;
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return $"tls closed after the handshake: {Inner(e)}";
        }
    }

    /// <summary>"HTTP 400 bad-identifier application/problem+json" or "closed …".</summary>
    private static async Task<string> ReadAnswerAsync(Stream stream)
    {
        var buffer = new byte[16 * 1024];
        var length = 0;
        using var timeout = new CancellationTokenSource(ReadTimeout);
        try
        {
            while (length < buffer.Length)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(length), timeout.Token);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (Encoding.ASCII.GetString(buffer, 0, length).Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return length == 0 ? "no answer within 10 s (connection held open)" : Summarise(Encoding.ASCII.GetString(buffer, 0, length));
        }

        return length == 0 ? "closed without an answer" : Summarise(Encoding.ASCII.GetString(buffer, 0, length));
    }

    private static string Summarise(string head)
    {
        var lines = head.Split("\r\n");
        var status = lines[0].Split(' ');
        if (status.Length < 2 || !status[0].StartsWith("HTTP/", StringComparison.Ordinal))
        {
            return $"not HTTP: {lines[0][..Math.Min(40, lines[0].Length)]}";
        }

        string? Header(string name) => lines.FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))?[(name.Length + 1)..].Trim();
        var error = Header("Naqil-Error");
        var type = Header("Content-Type");
        return $"HTTP {status[1]}{(error is null ? "" : $" naqil-error={error}")}{(type?.Contains("problem+json", StringComparison.Ordinal) == true ? " problem+json" : "")}";
    }

    private static string Inner(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e.Message.Split('\n')[0];
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=stranger", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    private sealed record Evidence(string Id, string Digest, string SignatureInput, string Signature);

    /// <summary>One real exchange; its answer carries the request's signature, which the client keeps as evidence.</summary>
    private static async Task<Evidence> EvidenceAsync(NaqilFaces faces)
    {
        using var http = new HttpClient();
        using var request = HttpLoad.Request(faces.ConsumerUrl + Paths.NaqilGet, null);
        request.Headers.Remove("Naqil-Subject");
        request.Headers.Add("Naqil-Subject", $"SY-NID:{Paths.Person}");
        using var response = await http.SendAsync(request);
        string Value(string name) => response.Headers.TryGetValues(name, out var v) ? v.First() : throw new HarnessException($"the consumer face's answer has no {name}");
        return new Evidence(Value("Naqil-Id"), "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:", Value("Naqil-Request-Signature-Input"), Value("Naqil-Request-Signature"));
    }

    private static async Task<int> RegistryMembersAsync(NaqilFaces faces)
    {
        using var http = new HttpClient { BaseAddress = new Uri(faces.RegistryUrl) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", faces.RegistryAdminToken);
        var json = await http.GetStringAsync("/admin/v1/members");
        return System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("members").GetArrayLength();
    }

    /// <summary>
    /// Holds <paramref name="connections"/> connections open, each dribbling a header byte a second,
    /// while a client makes ordinary exchanges; returns how those fared.
    /// </summary>
    private static async Task<SlowlorisResult> SlowlorisAsync(Uri consumer, string url, int connections, int seconds)
    {
        var sockets = new List<TcpClient>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var opened = 0;
        for (var i = 0; i < connections; i++)
        {
            var client = new TcpClient();
            try
            {
                await client.ConnectAsync(consumer.Host, consumer.Port);
                await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes($"GET {Paths.NaqilGet} HTTP/1.1\r\nHost: gw\r\nX-Slow: "));
                sockets.Add(client);
                opened++;
            }
            catch (SocketException)
            {
                client.Dispose();
            }
        }

        var dribble = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var socket in sockets)
                {
                    try
                    {
                        await socket.GetStream().WriteAsync("a"u8.ToArray());
                    }
                    catch (Exception e) when (e is IOException or ObjectDisposedException)
                    {
                    }
                }

                await Task.Delay(1000);
            }
        });
        var histogram = new LatencyHistogram();
        long errors = 0;
        using (var http = HttpLoad.Client(4))
        {
            while (!stop.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    using var request = HttpLoad.Request(url, null);
                    using var response = await http.SendAsync(request);
                    errors += response.IsSuccessStatusCode ? 0 : 1;
                }
                catch (HttpRequestException)
                {
                    errors++;
                }

                histogram.Record((long)Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                await Task.Delay(20);
            }
        }

        await dribble;
        var stillOpen = sockets.Count(s => s.Connected && !(s.Client.Poll(0, SelectMode.SelectRead) && s.Client.Available == 0));
        foreach (var socket in sockets)
        {
            socket.Dispose();
        }

        var summary = histogram.Summary();
        return new SlowlorisResult(opened, stillOpen, summary.Count, errors, summary.P50 / 1000.0, summary.P99 / 1000.0);
    }
}

internal sealed record HostileCase(string Face, string Case, string Outcome, bool Refused, bool Clear);

/// <summary>Slow connections opened and still open at the end, and how ordinary exchanges fared meanwhile (ms).</summary>
internal sealed record SlowlorisResult(int SlowConnections, int StillOpen, long Exchanges, long Errors, double P50Ms, double P99Ms);

internal sealed record HostileResult(string Target, IReadOnlyList<HostileCase> Cases, SlowlorisResult Slowloris, IReadOnlyList<string> DeadProcesses, int RegistryMembersBefore, int RegistryMembersAfter);
