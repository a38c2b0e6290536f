using System.Security.Cryptography;
using System.Text;
using Naqil.Signatures;

namespace Naqil.Core.Tests.Signatures;

/// <summary>
/// The examples of RFC 9421 Appendix B, copied from the RFC with the RFC 8792 line wrapping undone.
/// Signature bases are deterministic whatever the algorithm, so all of them are compared byte for
/// byte; only B.2.4 (ecdsa-p256-sha256) is verified cryptographically.
/// </summary>
public sealed class Rfc9421VectorTests
{
    /// <summary>RFC 9421 B.1.3, test-key-ecc-p256, public half.</summary>
    private const string TestKeyEccP256 = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqIVYZVLCrPZHGHjP17CTW0/+D9Lf
        w0EkjqF7xB4FivAxzic30tMM4GF+hR6Dxh71Z50VGGdldkkDXZCnTNnoXQ==
        -----END PUBLIC KEY-----
        """;

    private const string RequestBody = """{"hello": "world"}""";
    private const string ResponseBody = """{"message": "good dog"}""";

    /// <summary>RFC 9421 B.2, test-request: POST /foo?param=Value&amp;Pet=dog to example.com.</summary>
    private static readonly Dictionary<string, string> RequestHeaders = new()
    {
        ["host"] = "example.com",
        ["date"] = "Tue, 20 Apr 2021 02:07:55 GMT",
        ["content-type"] = "application/json",
        ["content-digest"] = "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:",
        ["content-length"] = "18",
    };

    /// <summary>RFC 9421 B.2, test-response: 200 OK.</summary>
    private static readonly Dictionary<string, string> ResponseHeaders = new()
    {
        ["date"] = "Tue, 20 Apr 2021 02:07:56 GMT",
        ["content-type"] = "application/json",
        ["content-digest"] = "sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:",
        ["content-length"] = "23",
    };

    private const string B24SignatureInput = """sig-b24=("@status" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-ecc-p256" """;
    private const string B24Signature = "sig-b24=:wNmSUAhwb5LxtOtOpNa6W5xj067m5hFrj0XQ4fvpaCLx0NKocgPquLgyahnzDnDAUy5eCdlYUEkLIj+32oiasw==:";

    private static HttpMessageComponents TestRequest() => TestMessages.Request("POST", "example.com", "/foo", "?param=Value&Pet=dog", RequestHeaders);

    private static HttpMessageComponents TestResponse() => TestMessages.Response(200, ResponseHeaders);

    public static TheoryData<string, string, string, string> Bases => new()
    {
        {
            "B.2.1 minimal (nonce after keyid, as received)",
            "request",
            """sig-b21=();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd" """,
            "\"@signature-params\": ();created=1618884473;keyid=\"test-key-rsa-pss\";nonce=\"b3k2pp5k7z-50gnwp.yemd\""
        },
        {
            "B.2.3 full coverage, with @query and @authority",
            "request",
            """sig-b23=("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss" """,
            """
            "date": Tue, 20 Apr 2021 02:07:55 GMT
            "@method": POST
            "@path": /foo
            "@query": ?param=Value&Pet=dog
            "@authority": example.com
            "content-type": application/json
            "content-digest": sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:
            "content-length": 18
            "@signature-params": ("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss"
            """
        },
        {
            "B.2.4 response, ecdsa-p256-sha256",
            "response",
            B24SignatureInput,
            """
            "@status": 200
            "content-type": application/json
            "content-digest": sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:
            "content-length": 23
            "@signature-params": ("@status" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-ecc-p256"
            """
        },
        {
            "B.2.5 hmac-sha256",
            "request",
            """sig-b25=("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret" """,
            """
            "date": Tue, 20 Apr 2021 02:07:55 GMT
            "@authority": example.com
            "content-type": application/json
            "@signature-params": ("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret"
            """
        },
        {
            "B.2.6 ed25519",
            "request",
            """sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519" """,
            """
            "date": Tue, 20 Apr 2021 02:07:55 GMT
            "@method": POST
            "@path": /foo
            "@authority": example.com
            "content-type": application/json
            "content-length": 18
            "@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"
            """
        },
    };

    [Fact]
    public void TestMessages_DigestsMatchTheirBodies()
    {
        // Guards the transcription of the RFC's messages: the sha-512 digests must be of these bodies.
        Assert.Equal(
            "sha-512=:" + Convert.ToBase64String(SHA512.HashData(Encoding.UTF8.GetBytes(RequestBody))) + ":",
            RequestHeaders["content-digest"]);
        Assert.Equal(
            "sha-512=:" + Convert.ToBase64String(SHA512.HashData(Encoding.UTF8.GetBytes(ResponseBody))) + ":",
            ResponseHeaders["content-digest"]);
    }

    [Theory]
    [MemberData(nameof(Bases))]
    public void BuildSignatureBase_FromReceivedSignatureInput_MatchesRfc(string example, string messageKind, string signatureInput, string expectedBase)
    {
        string label = signatureInput[..signatureInput.IndexOf('=', StringComparison.Ordinal)];
        Assert.True(
            HttpMessageSignatures.TryParse(signatureInput.TrimEnd(), $"{label}=:AAAA:", label, out ParsedSignature parsed, out _, out string detail),
            $"{example}: {detail}");

        string actual = HttpMessageSignatures.BuildSignatureBase(messageKind == "request" ? TestRequest() : TestResponse(), null, parsed.Parameters);

        Assert.Equal(expectedBase.TrimEnd(), actual);
    }

    /// <summary>B.2.3, B.2.5 and B.2.6 use created then keyid, the order <see cref="SignatureParameters.Serialize"/> writes.</summary>
    [Theory]
    [InlineData("""("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss" """, "test-key-rsa-pss")]
    [InlineData("""("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret" """, "test-shared-secret")]
    [InlineData("""("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519" """, "test-key-ed25519")]
    public void Serialize_LocallyBuiltParameters_MatchesRfcSignatureInput(string expected, string keyId)
    {
        var received = Parse($"x={expected.TrimEnd()}", "x=:AAAA:").Parameters;
        var local = new SignatureParameters { Components = received.Components, Created = 1618884473, KeyId = keyId };

        Assert.Equal(expected.TrimEnd(), local.Serialize());
        Assert.Equal(
            HttpMessageSignatures.BuildSignatureBase(TestRequest(), null, received),
            HttpMessageSignatures.BuildSignatureBase(TestRequest(), null, local));
    }

    [Fact]
    public void BuildSignatureBase_B24FromLocalParameters_MatchesRfc()
    {
        var parameters = new SignatureParameters
        {
            Components = [new("@status"), new("content-type"), new("content-digest"), new("content-length")],
            Created = 1618884473,
            KeyId = "test-key-ecc-p256",
        };

        string actual = HttpMessageSignatures.BuildSignatureBase(TestResponse(), null, parameters);

        Assert.Equal(
            "\"@status\": 200\n"
            + "\"content-type\": application/json\n"
            + "\"content-digest\": sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:\n"
            + "\"content-length\": 23\n"
            + "\"@signature-params\": (\"@status\" \"content-type\" \"content-digest\" \"content-length\");created=1618884473;keyid=\"test-key-ecc-p256\"",
            actual);
    }

    [Fact]
    public void TryParse_B22QueryParam_IsRefusedAsUnsupported()
    {
        const string input = """sig-b22=("@authority" "content-digest" "@query-param";name="Pet");created=1618884473;keyid="test-key-rsa-pss";tag="header-example" """;

        bool ok = HttpMessageSignatures.TryParse(input.TrimEnd(), "sig-b22=:AAAA:", "sig-b22", out _, out SignatureFailure failure, out string detail);

        Assert.False(ok);
        Assert.Equal(SignatureFailure.Malformed, failure);
        Assert.Contains(";name", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_B24WithRfcKey_Succeeds()
    {
        using ECDsa key = RfcKey();
        ParsedSignature parsed = Parse(B24SignatureInput.TrimEnd(), B24Signature, "sig-b24");

        bool ok = HttpMessageSignatures.Verify(TestResponse(), null, parsed, key, out SignatureFailure failure, out string detail);

        Assert.True(ok, detail);
        Assert.Equal(SignatureFailure.None, failure);
    }

    [Theory]
    [InlineData("content-type", "text/plain")]
    [InlineData("content-digest", "sha-512=:AAAAIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:")]
    [InlineData("content-length", "24")]
    public void Verify_B24TamperedField_Fails(string field, string value)
    {
        using ECDsa key = RfcKey();
        ParsedSignature parsed = Parse(B24SignatureInput.TrimEnd(), B24Signature, "sig-b24");
        HttpMessageComponents tampered = TestMessages.Response(200, ResponseHeaders.With(field, value));

        bool ok = HttpMessageSignatures.Verify(tampered, null, parsed, key, out SignatureFailure failure, out _);

        Assert.False(ok);
        Assert.Equal(SignatureFailure.Invalid, failure);
    }

    [Theory]
    [InlineData(503)]
    [InlineData(201)]
    public void Verify_B24TamperedStatus_Fails(int status)
    {
        using ECDsa key = RfcKey();
        ParsedSignature parsed = Parse(B24SignatureInput.TrimEnd(), B24Signature, "sig-b24");

        bool ok = HttpMessageSignatures.Verify(TestMessages.Response(status, ResponseHeaders), null, parsed, key, out SignatureFailure failure, out _);

        Assert.False(ok);
        Assert.Equal(SignatureFailure.Invalid, failure);
    }

    [Fact]
    public void Verify_B24TamperedCreated_Fails()
    {
        using ECDsa key = RfcKey();
        string input = B24SignatureInput.TrimEnd().Replace("created=1618884473", "created=1618884474", StringComparison.Ordinal);
        ParsedSignature parsed = Parse(input, B24Signature, "sig-b24");

        bool ok = HttpMessageSignatures.Verify(TestResponse(), null, parsed, key, out SignatureFailure failure, out _);

        Assert.False(ok);
        Assert.Equal(SignatureFailure.Invalid, failure);
    }

    private static ECDsa RfcKey()
    {
        var key = ECDsa.Create();
        key.ImportFromPem(TestKeyEccP256);
        return key;
    }

    private static ParsedSignature Parse(string signatureInput, string signature, string label = "x")
    {
        Assert.True(HttpMessageSignatures.TryParse(signatureInput, signature, label, out ParsedSignature parsed, out _, out string detail), detail);
        return parsed;
    }
}
