using System.Security.Cryptography;
using System.Text;
using Naqil.Signatures;

namespace Naqil.Core.Tests.Signatures;

/// <summary>Sign and verify round trips with fresh P-256 keys, shaped like Naqil's own exchange.</summary>
public sealed class HttpMessageSignaturesTests : IDisposable
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"nid":"01234567890","fields":["name","birth-date"]}""");

    private static readonly Dictionary<string, string> RequestHeaders = new()
    {
        ["content-digest"] = ContentDigest.Compute(Body),
        ["naqil-id"] = "6f1f2b7e-3c1d-4c55-9d0e-5b8a9a3e2f10",
        ["naqil-client"] = "SY/GOV/MOCT/portal",
        ["naqil-service"] = "SY/GOV/MOI/civil-registry/person",
        ["naqil-user"] = "SY-NID:01234567890",
        ["naqil-purpose"] = "application-processing",
        ["naqil-subject"] = "SY-NID:09876543210",
    };

    private static readonly ComponentId[] RequestComponents =
    [
        new("@method"), new("@path"), new("@query"), new("content-digest"), new("naqil-id"), new("naqil-client"),
        new("naqil-service"), new("naqil-user"), new("naqil-purpose"), new("naqil-subject"),
    ];

    private static readonly ComponentId[] ResponseComponents =
    [
        new("@status"), new("content-digest"), new("naqil-id"), new("signature", FromRequest: true),
    ];

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose() => _key.Dispose();

    [Fact]
    public void Verify_SignedNaqilRequest_Succeeds()
    {
        SignedFields fields = SignRequest(Request());

        bool ok = Verify(Request(), null, fields, "naqil", _key, out SignatureFailure failure, out string detail);

        Assert.True(ok, detail);
        Assert.Equal(SignatureFailure.None, failure);
        Assert.StartsWith("naqil=(\"@method\" \"@path\" \"@query\" \"content-digest\" \"naqil-id\"", fields.SignatureInput, StringComparison.Ordinal);
        Assert.EndsWith(";created=1767225600;alg=\"ecdsa-p256-sha256\";keyid=\"gw-thumbprint\";tag=\"naqil-request\"", fields.SignatureInput, StringComparison.Ordinal);
    }

    [Fact]
    public void Sign_ProducesA64ByteSignatureAsByteSequence()
    {
        SignedFields fields = SignRequest(Request());

        Assert.StartsWith("naqil=:", fields.Signature, StringComparison.Ordinal);
        Assert.EndsWith(":", fields.Signature, StringComparison.Ordinal);
        Assert.Equal(64, Convert.FromBase64String(fields.Signature["naqil=:".Length..^1]).Length);
    }

    [Fact]
    public void Sign_WithoutAlgorithm_DoesNotAddOne()
    {
        var parameters = new SignatureParameters { Components = [new("@method")], Created = 1, KeyId = "k" };

        SignedFields fields = HttpMessageSignatures.Sign(Request(), null, parameters, "sig1", _key);

        Assert.Equal("sig1=(\"@method\");created=1;keyid=\"k\"", fields.SignatureInput);
    }

    public static TheoryData<string> RequestComponentNames => [.. RequestComponents.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(RequestComponentNames))]
    public void Verify_TamperedRequestComponent_Fails(string component)
    {
        SignedFields fields = SignRequest(Request());
        HttpMessageComponents tampered = component switch
        {
            "@method" => Request() with { Method = "PUT" },
            "@path" => Request() with { Path = "/r1/SY/GOV/MOI/civil-registry/person/other" },
            "@query" => Request() with { Query = "?fields=all" },
            _ => TestMessages.Request("POST", "gw.moi.example", "/r1/SY/GOV/MOI/civil-registry/person/lookup", "?v=1", RequestHeaders.With(component, RequestHeaders[component] + "x")),
        };

        bool ok = Verify(tampered, null, fields, "naqil", _key, out SignatureFailure failure, out _);

        Assert.False(ok);
        Assert.Equal(SignatureFailure.Invalid, failure);
    }

    [Fact]
    public void Verify_WrongKey_Fails()
    {
        SignedFields fields = SignRequest(Request());
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        bool ok = Verify(Request(), null, fields, "naqil", other, out SignatureFailure failure, out _);

        Assert.False(ok);
        Assert.Equal(SignatureFailure.Invalid, failure);
    }

    [Fact]
    public void Verify_KeyOfAnotherCurve_FailsWithoutThrowing()
    {
        SignedFields fields = SignRequest(Request());
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        bool ok = Verify(Request(), null, fields, "naqil", p384, out SignatureFailure failure, out _);

        Assert.False(ok);
        Assert.Equal(SignatureFailure.Invalid, failure);
    }

    [Fact]
    public void Verify_MissingHeader_ReportsMissingComponent()
    {
        SignedFields fields = SignRequest(Request());
        HttpMessageComponents withoutUser = TestMessages.Request("POST", "gw.moi.example", "/r1/SY/GOV/MOI/civil-registry/person/lookup", "?v=1", RequestHeaders.With("naqil-user", null));

        bool ok = Verify(withoutUser, null, fields, "naqil", _key, out SignatureFailure failure, out string detail);

        Assert.False(ok);
        Assert.Equal(SignatureFailure.MissingComponent, failure);
        Assert.Contains("naqil-user", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildSignatureBase_MissingHeader_ThrowsMissingComponentNamingIt()
    {
        HttpMessageComponents withoutPurpose = TestMessages.Request("POST", "gw.moi.example", "/p", "?", RequestHeaders.With("naqil-purpose", null));

        var e = Assert.Throws<SignatureException>(() => HttpMessageSignatures.BuildSignatureBase(withoutPurpose, null, RequestParameters()));

        Assert.Equal(SignatureFailure.MissingComponent, e.Failure);
        Assert.Contains("\"naqil-purpose\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildSignatureBase_StatusOnARequest_ThrowsMissingComponent()
    {
        var parameters = new SignatureParameters { Components = [new("@status")] };

        var e = Assert.Throws<SignatureException>(() => HttpMessageSignatures.BuildSignatureBase(Request(), null, parameters));

        Assert.Equal(SignatureFailure.MissingComponent, e.Failure);
    }

    [Theory]
    [InlineData("rsa-pss-sha512")]
    [InlineData("ecdsa-p384-sha384")]
    [InlineData("hmac-sha256")]
    public void Verify_UnsupportedAlgorithm_Fails(string algorithm)
    {
        var parameters = RequestParameters() with { Algorithm = algorithm };
        SignedFields fields = HttpMessageSignatures.Sign(Request(), null, parameters, "naqil", _key);

        bool ok = Verify(Request(), null, fields, "naqil", _key, out SignatureFailure failure, out string detail);

        Assert.False(ok);
        Assert.Equal(SignatureFailure.UnsupportedAlgorithm, failure);
        Assert.Contains(algorithm, detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_SignatureOfWrongLength_Fails()
    {
        SignedFields fields = SignRequest(Request());
        string truncated = "naqil=:" + Convert.ToBase64String(new byte[63]) + ":";

        bool ok = Verify(Request(), null, fields with { Signature = truncated }, "naqil", _key, out SignatureFailure failure, out _);

        Assert.False(ok);
        Assert.Equal(SignatureFailure.Invalid, failure);
    }

    [Fact]
    public void Verify_ResponseBoundToRequestSignature_Succeeds()
    {
        SignedFields request = SignRequest(Request());
        HttpMessageComponents signedRequest = SignedRequest(request.Signature);
        HttpMessageComponents response = Response();
        SignedFields fields = HttpMessageSignatures.Sign(response, signedRequest, ResponseParameters(), "naqil", _key);

        bool ok = Verify(response, signedRequest, fields, "naqil", _key, out SignatureFailure failure, out string detail);

        Assert.True(ok, detail);
        Assert.Equal(SignatureFailure.None, failure);
        Assert.Contains("\"signature\";req", fields.SignatureInput, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ResponseWhenRequestSignatureChanged_Fails()
    {
        HttpMessageComponents signedRequest = SignedRequest(SignRequest(Request()).Signature);
        HttpMessageComponents otherRequest = SignedRequest(SignRequest(Request()).Signature); // ECDSA is randomised: another signature
        SignedFields fields = HttpMessageSignatures.Sign(Response(), signedRequest, ResponseParameters(), "naqil", _key);

        bool ok = Verify(Response(), otherRequest, fields, "naqil", _key, out SignatureFailure failure, out _);

        Assert.False(ok);
        Assert.Equal(SignatureFailure.Invalid, failure);
    }

    [Fact]
    public void Verify_ResponseWithoutTheRequest_ReportsMissingComponent()
    {
        HttpMessageComponents signedRequest = SignedRequest(SignRequest(Request()).Signature);
        SignedFields fields = HttpMessageSignatures.Sign(Response(), signedRequest, ResponseParameters(), "naqil", _key);

        bool ok = Verify(Response(), null, fields, "naqil", _key, out SignatureFailure failure, out string detail);

        Assert.False(ok);
        Assert.Equal(SignatureFailure.MissingComponent, failure);
        Assert.Contains("request", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(200, 404)]
    [InlineData(200, 500)]
    public void Verify_TamperedStatus_Fails(int signedStatus, int receivedStatus)
    {
        HttpMessageComponents signedRequest = SignedRequest(SignRequest(Request()).Signature);
        SignedFields fields = HttpMessageSignatures.Sign(Response(signedStatus), signedRequest, ResponseParameters(), "naqil", _key);

        bool ok = Verify(Response(receivedStatus), signedRequest, fields, "naqil", _key, out SignatureFailure failure, out _);

        Assert.False(ok);
        Assert.Equal(SignatureFailure.Invalid, failure);
    }

    [Fact]
    public void Verify_UnknownParameterKeptInRaw_Succeeds()
    {
        // A signer may add parameters this implementation does not know; they are signed via Raw.
        var parameters = new SignatureParameters { Components = [new("@method")], Raw = "(\"@method\");created=5;x-extra=\"kept\";keyid=\"k\"" };
        SignedFields fields = HttpMessageSignatures.Sign(Request(), null, parameters, "sig1", _key);
        Assert.True(HttpMessageSignatures.TryParse(fields.SignatureInput, fields.Signature, "sig1", out ParsedSignature parsed, out _, out _));

        bool ok = HttpMessageSignatures.Verify(Request(), null, parsed, _key, out _, out string detail);

        Assert.True(ok, detail);
        Assert.Equal(parameters.Raw, parsed.Parameters.Raw);
        Assert.Equal("k", parsed.Parameters.KeyId);
        Assert.Equal(5, parsed.Parameters.Created);
    }

    [Theory]
    [InlineData("Naqil-Id")]
    [InlineData("naqil id")]
    [InlineData("naqil\"id")]
    [InlineData("")]
    [InlineData("@request-target")]
    [InlineData("@signature-params")]
    public void BuildSignatureBase_InvalidComponentName_ThrowsMalformed(string name)
    {
        var parameters = new SignatureParameters { Components = [new(name)] };

        var e = Assert.Throws<SignatureException>(() => HttpMessageSignatures.BuildSignatureBase(Request(), null, parameters));

        Assert.Equal(SignatureFailure.Malformed, e.Failure);
    }

    [Theory]
    [InlineData("SY-NID:1\r\n\"@method\": GET")]
    [InlineData("a\nb")]
    [InlineData("a\rb")]
    public void BuildSignatureBase_ValueWithLineBreak_ThrowsMalformed(string value)
    {
        HttpMessageComponents request = TestMessages.Request("POST", "gw", "/p", "?", RequestHeaders.With("naqil-user", value));

        var e = Assert.Throws<SignatureException>(() => HttpMessageSignatures.BuildSignatureBase(request, null, RequestParameters()));

        Assert.Equal(SignatureFailure.Malformed, e.Failure);
    }

    [Fact]
    public void BuildSignatureBase_ComponentCoveredTwice_ThrowsMalformed()
    {
        var parameters = new SignatureParameters { Components = [new("naqil-id"), new("@method"), new("naqil-id")] };

        var e = Assert.Throws<SignatureException>(() => HttpMessageSignatures.BuildSignatureBase(Request(), null, parameters));

        Assert.Equal(SignatureFailure.Malformed, e.Failure);
    }

    [Fact]
    public void BuildSignatureBase_EmptyPathAndQuery_UseRfcDefaults()
    {
        HttpMessageComponents request = TestMessages.Request("GET", "example.com", "", "", RequestHeaders);
        var parameters = new SignatureParameters { Components = [new("@path"), new("@query"), new("@target-uri")] };

        string signatureBase = HttpMessageSignatures.BuildSignatureBase(request, null, parameters);

        Assert.Equal(
            "\"@path\": /\n\"@query\": ?\n\"@target-uri\": https://example.com/\n\"@signature-params\": (\"@path\" \"@query\" \"@target-uri\")",
            signatureBase);
    }

    [Fact]
    public void BuildSignatureBase_SchemeAuthorityTargetUri_AreDerived()
    {
        var parameters = new SignatureParameters { Components = [new("@scheme"), new("@authority"), new("@target-uri")] };

        string signatureBase = HttpMessageSignatures.BuildSignatureBase(Request(), null, parameters);

        Assert.Equal(
            "\"@scheme\": https\n\"@authority\": gw.moi.example\n\"@target-uri\": https://gw.moi.example/r1/SY/GOV/MOI/civil-registry/person/lookup?v=1\n"
            + "\"@signature-params\": (\"@scheme\" \"@authority\" \"@target-uri\")",
            signatureBase);
    }

    [Fact]
    public void Serialize_EscapesQuotesAndBackslashesInStrings()
    {
        var parameters = new SignatureParameters { Components = [], KeyId = "a\"b\\c" };

        Assert.Equal("();keyid=\"a\\\"b\\\\c\"", parameters.Serialize());
    }

    [Fact]
    public void Serialize_NonAsciiKeyId_ThrowsMalformed()
    {
        var parameters = new SignatureParameters { Components = [], KeyId = "clé" };

        var e = Assert.Throws<SignatureException>(parameters.Serialize);

        Assert.Equal(SignatureFailure.Malformed, e.Failure);
    }

    [Theory]
    [InlineData("Sig")]
    [InlineData("1sig")]
    [InlineData("sig=")]
    [InlineData("")]
    public void Sign_InvalidLabel_Throws(string label)
    {
        Assert.Throws<ArgumentException>(() => HttpMessageSignatures.Sign(Request(), null, RequestParameters(), label, _key));
    }

    private static HttpMessageComponents Request() =>
        TestMessages.Request("POST", "gw.moi.example", "/r1/SY/GOV/MOI/civil-registry/person/lookup", "?v=1", RequestHeaders);

    private static HttpMessageComponents SignedRequest(string signature) =>
        TestMessages.Request("POST", "gw.moi.example", "/r1/SY/GOV/MOI/civil-registry/person/lookup", "?v=1", RequestHeaders.With("signature", signature));

    private static HttpMessageComponents Response(int status = 200) =>
        TestMessages.Response(status, new Dictionary<string, string>
        {
            ["content-digest"] = ContentDigest.Compute("""{"name":"..."}"""u8),
            ["naqil-id"] = RequestHeaders["naqil-id"],
        });

    private static SignatureParameters RequestParameters() => new()
    {
        Components = RequestComponents,
        Created = 1767225600,
        Algorithm = HttpMessageSignatures.EcdsaP256Sha256,
        KeyId = "gw-thumbprint",
        Tag = "naqil-request",
    };

    private static SignatureParameters ResponseParameters() => new()
    {
        Components = ResponseComponents,
        Created = 1767225601,
        Algorithm = HttpMessageSignatures.EcdsaP256Sha256,
        KeyId = "gw-thumbprint",
        Tag = "naqil-response",
    };

    private SignedFields SignRequest(HttpMessageComponents request) =>
        HttpMessageSignatures.Sign(request, null, RequestParameters(), "naqil", _key);

    private static bool Verify(HttpMessageComponents message, HttpMessageComponents? request, SignedFields fields, string label, ECDsa key, out SignatureFailure failure, out string detail)
    {
        Assert.True(HttpMessageSignatures.TryParse(fields.SignatureInput, fields.Signature, label, out ParsedSignature parsed, out _, out string parseDetail), parseDetail);
        return HttpMessageSignatures.Verify(message, request, parsed, key, out failure, out detail);
    }
}
