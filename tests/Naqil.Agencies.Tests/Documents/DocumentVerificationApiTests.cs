using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Naqil.Agencies.CivilRegistry;
using Naqil.Documents.Sealing;
using Naqil.Documents.Tests.TestEnvironment;
using Naqil.Documents.Validation;

namespace Naqil.Agencies.Tests.Documents;

/// <summary>The civil registry's issued-documents record and verification endpoints, over real HTTP on loopback.</summary>
public sealed class DocumentVerificationApiTests(CivilRegistryHost host) : IClassFixture<CivilRegistryHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DocumentReference Reference => DocumentReference.TryRead(host.Extract) ?? throw new InvalidOperationException("the extract names no document");

    [Fact]
    public async Task Issue_RecordsTheDocument_WithItsQrHashAndSeal()
    {
        var record = await host.Store.FindAsync(Reference.Id, Ct);

        Assert.NotNull(record);
        Assert.Equal(Reference.Hash, record.PayloadHash);
        Assert.Equal((CivilRecordExtract.DocumentType, CivilRecordExtract.Issuer), (record.Type, record.Issuer));
        Assert.Equal((host.Pki.Seal.SerialNumber, host.Pki.Seal.Issuer), (record.SealSerial, record.SealIssuer));
        Assert.InRange(record.Issued, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Issue_StoredRow_HoldsNoPersonalData()
    {
        var values = new List<string>();
        await using (var connection = new SqliteConnection($"Data Source={host.DatabaseFile};Mode=ReadOnly"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT * FROM issued_documents";
            await using var reader = await command.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                values.AddRange(Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)!));
            }
        }

        Assert.Contains(Reference.Id.ToString("D"), values);
        var person = host.Person;
        foreach (var personal in new[] { person.NationalId, person.GivenName, person.FamilyName, person.GivenNameLatin, person.FamilyNameLatin })
        {
            Assert.DoesNotContain(values, v => v.Contains(personal, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task QrLookup_RecordedHash_Match()
    {
        using var response = await host.Client.GetAsync($"/documents/{Reference.Id}?h={Reference.Hash}", Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("match", json.RootElement.GetProperty("result").GetString());
        Assert.Equal("SY/GOV/CIVREG", json.RootElement.GetProperty("issuer").GetString());
        Assert.Equal("civil-record-extract", json.RootElement.GetProperty("type").GetString());
        Assert.Equal(host.Pki.Seal.SerialNumber, json.RootElement.GetProperty("seal").GetProperty("serialNumber").GetString());
        Assert.DoesNotContain(host.Person.NationalId, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QrLookup_OtherHash_Mismatch()
    {
        var other = (Reference.Hash[0] == 'A' ? "B" : "A") + Reference.Hash[1..];

        using var response = await host.Client.GetAsync($"/documents/{Reference.Id}?h={other}", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("mismatch", json.RootElement.GetProperty("result").GetString());
    }

    [Fact]
    public async Task QrLookup_UnknownId_NotFoundUnknownDocument()
    {
        using var response = await host.Client.GetAsync($"/documents/{Guid.NewGuid()}?h={Reference.Hash}", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("unknown-document", json.RootElement.GetProperty("result").GetString());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("issuer").ValueKind);
    }

    [Theory]
    [InlineData("not-a-uuid", "ok", "document id")]
    [InlineData("0197a1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b", "", "h is")]
    [InlineData("0197a1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b", "tooshort", "h is")]
    [InlineData("0197a1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b", "q2bZ1k0m3n4o5p6q7r8s9t0u1v2w3x4y5z6A7B8C9D+", "h is")]
    public async Task QrLookup_Malformed_BadRequestProblem(string id, string h, string detail)
    {
        var hash = h == "ok" ? Reference.Hash : h;

        using var response = await host.Client.GetAsync($"/documents/{id}?h={Uri.EscapeDataString(hash)}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detail, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task QrLookup_Browser_BilingualPageArabicFirst()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/documents/{Reference.Id}?h={Reference.Hash}");
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8");

        using var response = await host.Client.SendAsync(request, Ct);
        var page = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", page, StringComparison.Ordinal);
        // A phone shows it at its own width (360 px), long ids wrapping rather than widening the page.
        Assert.Contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">", page, StringComparison.Ordinal);
        var arabic = page.IndexOf("هذه الوثيقة صادرة", StringComparison.Ordinal);
        var english = page.IndexOf("This document was issued", StringComparison.Ordinal);
        Assert.InRange(arabic, 0, english - 1);
        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(host.Person.NationalId, page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_SealedExtract_TotalPassedAndRecordMatches()
    {
        using var json = await UploadAsync(new ByteArrayContent(host.Extract), "application/pdf", HttpStatusCode.OK);

        Assert.Equal("TOTAL-PASSED", json.RootElement.GetProperty("indication").GetString());
        Assert.Equal("PAdES", json.RootElement.GetProperty("format").GetString());
        var issued = json.RootElement.GetProperty("issuedDocument");
        Assert.Equal(Reference.Id.ToString("D"), issued.GetProperty("id").GetString());
        Assert.Equal("match", issued.GetProperty("result").GetString());
    }

    [Fact]
    public async Task Upload_OneSignedByteChanged_TotalFailed()
    {
        // The header's version digit (%PDF-1.x): the file still reads, but what was sealed is not what is sent.
        var changed = host.Extract.ToArray();
        Assert.Equal("%PDF-1."u8.ToArray(), changed[..7]);
        changed[7] = (byte)(changed[7] == '7' ? '6' : '7');

        using var json = await UploadAsync(new ByteArrayContent(changed), "application/pdf", HttpStatusCode.OK);

        Assert.Equal("TOTAL-FAILED", json.RootElement.GetProperty("indication").GetString());
        Assert.Equal("HASH_FAILURE", json.RootElement.GetProperty("subIndication").GetString());
    }

    [Fact]
    public async Task Upload_NotAPdf_UnprocessableWithRefusal()
    {
        using var json = await UploadAsync(new StringContent("name,id\nx,1\n"), "application/pdf", HttpStatusCode.UnprocessableEntity);

        Assert.Contains("not a PDF", json.RootElement.GetProperty("refusal").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("indication").ValueKind);
    }

    [Fact]
    public async Task Upload_DeclaredOverLimit_RefusedPromptlyWithoutReadingTheBody()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, host.BaseAddress.Port, Ct);
        var stream = client.GetStream();
        // 100 MB declared, a few bytes sent: the answer must come without the rest ever arriving.
        var head = $"POST /documents/verify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/pdf\r\nContent-Length: {100L * 1000 * 1000}\r\n\r\n%PDF-1.7\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), Ct);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var status = await reader.ReadLineAsync(timeout.Token);

        Assert.Equal("HTTP/1.1 413 Payload Too Large", status);
        string? line;
        var headers = new List<string>();
        while (!string.IsNullOrEmpty(line = await reader.ReadLineAsync(timeout.Token)))
        {
            headers.Add(line);
        }

        Assert.Contains(headers, h => h.Equals("Content-Type: application/problem+json", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(headers, h => h.Equals("Connection: close", StringComparison.OrdinalIgnoreCase));
        // The endpoint's own answer (not the server's limit), and the connection closed after it.
        Assert.Contains($"at most {CivilRegistryHost.MaxUploadBytes} bytes", await reader.ReadToEndAsync(timeout.Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_ChunkedOverLimit_RefusedTooLarge()
    {
        var content = new StreamContent(new MemoryStream(new byte[CivilRegistryHost.MaxUploadBytes + 1]));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/documents/verify") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await host.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Upload_Multipart_TotalPassedNamedAsUploaded()
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(host.Extract), "file", "my-extract.pdf" } };

        using var json = await UploadAsync(form, null, HttpStatusCode.OK);

        Assert.Equal("TOTAL-PASSED", json.RootElement.GetProperty("indication").GetString());
        Assert.Equal("my-extract.pdf", json.RootElement.GetProperty("file").GetString());
    }

    [Fact]
    public async Task Upload_MultipartWithoutFilePart_BadRequest()
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(host.Extract), "document", "x.pdf" } };

        using var response = await host.Client.PostAsync("/documents/verify", form, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'file'", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_DetachedSignature_ValidatedAsCades_AndTamperingFails()
    {
        var data = "name,id\nx,1\n"u8.ToArray();
        var p7s = await CadesSigner.SignAsync(data, host.Pki.SealKey, new InProcessTsa(host.Pki), Ct);
        var tampered = data.ToArray();
        tampered[0] ^= 0x20;

        using var signed = await UploadAsync(Detached(data, p7s), null, HttpStatusCode.OK);
        using var changed = await UploadAsync(Detached(tampered, p7s), null, HttpStatusCode.OK);

        Assert.Equal("CAdES", signed.RootElement.GetProperty("format").GetString());
        var checks = signed.RootElement.GetProperty("signatures")[0].GetProperty("checks").EnumerateArray();
        Assert.Contains(checks, c => c.GetProperty("name").GetString() == "message-digest" && c.GetProperty("result").GetString() == "PASSED");
        // A .p7s carries no revocation data: without it the verdict waits (docs/documents.md).
        Assert.Equal(("INDETERMINATE", "TRY_LATER"), (signed.RootElement.GetProperty("indication").GetString(), signed.RootElement.GetProperty("subIndication").GetString()));
        Assert.Equal(("TOTAL-FAILED", "HASH_FAILURE"), (changed.RootElement.GetProperty("indication").GetString(), changed.RootElement.GetProperty("subIndication").GetString()));
        Assert.False(signed.RootElement.TryGetProperty("issuedDocument", out _));
    }

    private static MultipartFormDataContent Detached(byte[] data, byte[] p7s) => new()
    {
        { new ByteArrayContent(data), "file", "export.csv" },
        { new ByteArrayContent(p7s), "signature", "export.csv.p7s" },
    };

    private async Task<JsonDocument> UploadAsync(HttpContent content, string? contentType, HttpStatusCode expected)
    {
        if (contentType is not null)
        {
            content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        using var response = await host.Client.PostAsync("/documents/verify", content, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body);
    }
}
