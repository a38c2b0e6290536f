using Naqil.Signatures;

namespace Naqil.Core.Tests.Signatures;

/// <summary>TryParse on well-formed and hostile Signature-Input / Signature fields.</summary>
public sealed class SignatureParsingTests
{
    private const string GoodSignature = "sig1=:wNmSUAhwb5LxtOtOpNa6W5xj067m5hFrj0XQ4fvpaCLx0NKocgPquLgyahnzDnDAUy5eCdlYUEkLIj+32oiasw==:";
    private const string GoodInput = "sig1=(\"@method\" \"naqil-id\");created=1618884473;keyid=\"k\"";

    [Fact]
    public void TryParse_SeveralLabelsAcrossJoinedLines_PicksTheRequestedOne()
    {
        string input = "proxy=(\"@authority\");created=1;sf=?1, sig1=(\"@status\" \"signature\";req);created=1618884479;expires=1618884489;nonce=\"n\";alg=\"ecdsa-p256-sha256\";keyid=\"k\";tag=\"naqil-response\",other=(\"x\");alg=\"ed25519\"";
        string signature = "proxy=:AAAA:, sig1=:AQID:;p=1,other=:BAUG:";

        bool ok = HttpMessageSignatures.TryParse(input, signature, "sig1", out ParsedSignature parsed, out SignatureFailure failure, out string detail);

        Assert.True(ok, detail);
        Assert.Equal(SignatureFailure.None, failure);
        Assert.Equal("sig1", parsed.Label);
        Assert.Equal([new ComponentId("@status"), new ComponentId("signature", FromRequest: true)], parsed.Parameters.Components);
        Assert.Equal(1618884479, parsed.Parameters.Created);
        Assert.Equal(1618884489, parsed.Parameters.Expires);
        Assert.Equal("n", parsed.Parameters.Nonce);
        Assert.Equal("ecdsa-p256-sha256", parsed.Parameters.Algorithm);
        Assert.Equal("k", parsed.Parameters.KeyId);
        Assert.Equal("naqil-response", parsed.Parameters.Tag);
        Assert.Equal("(\"@status\" \"signature\";req);created=1618884479;expires=1618884489;nonce=\"n\";alg=\"ecdsa-p256-sha256\";keyid=\"k\";tag=\"naqil-response\"", parsed.Parameters.Raw);
        Assert.Equal(new byte[] { 1, 2, 3 }, parsed.Signature);
    }

    [Fact]
    public void TryParse_RawKeepsSpacingAndUnknownParametersVerbatim()
    {
        string raw = "(  \"@method\"   \"naqil-id\" );keyid=\"k\";zz=?0;created=7";

        Assert.True(HttpMessageSignatures.TryParse("sig1=" + raw + "  ", GoodSignature, "sig1", out ParsedSignature parsed, out _, out string detail), detail);

        Assert.Equal(raw, parsed.Parameters.Raw);
        Assert.Equal(raw, parsed.Parameters.Serialize());
        Assert.Equal(7, parsed.Parameters.Created);
    }

    [Fact]
    public void TryParse_EscapedStringParameter_IsUnescaped()
    {
        Assert.True(HttpMessageSignatures.TryParse("sig1=();keyid=\"a\\\"b\\\\c\"", GoodSignature, "sig1", out ParsedSignature parsed, out _, out string detail), detail);

        Assert.Equal("a\"b\\c", parsed.Parameters.KeyId);
    }

    [Theory]
    [InlineData(null, GoodSignature, "Signature-Input")]
    [InlineData(GoodInput, null, "Signature")]
    [InlineData("other=(\"@method\")", GoodSignature, "sig1")]
    [InlineData(GoodInput, "other=:AAAA:", "sig1")]
    [InlineData("", GoodSignature, "sig1")]
    public void TryParse_AbsentFieldOrLabel_ReportsMissing(string? input, string? signature, string expectedInDetail)
    {
        bool ok = HttpMessageSignatures.TryParse(input, signature, "sig1", out _, out SignatureFailure failure, out string detail);

        Assert.False(ok);
        Assert.Equal(SignatureFailure.Missing, failure);
        Assert.Contains(expectedInDetail, detail, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> MalformedFields => new()
    {
        { "garbage input", "%%%garbage%%%", GoodSignature },
        { "garbage signature", GoodInput, "sig1=%%%" },
        { "binary noise", "sig1=(\"@method\"\u0000);created=1", GoodSignature },
        { "truncated base64", GoodInput, "sig1=:wNmSUAhwb5LxtOtOpNa6W5xj067m5hFrj0XQ4fvpaCLx0NKocgPquLgyahnzDnDAUy5eCdlYUEkLIj+32oiasw=:" },
        { "base64 without closing colon", GoodInput, "sig1=:wNmSUAhwb5LxtOtOpNa6W5xj067m5hFrj0" },
        { "signature not a byte sequence", GoodInput, "sig1=\"d05tU1VBaHdi\"" },
        { "inner list not closed", "sig1=(\"@method\" \"naqil-id\";created=1", GoodSignature },
        { "inner list never opened", "sig1=\"@method\";created=1", GoodSignature },
        { "component not a string", "sig1=(@method);created=1", GoodSignature },
        { "component as token", "sig1=(method);created=1", GoodSignature },
        { "uppercase component", "sig1=(\"Naqil-Id\");created=1", GoodSignature },
        { "unknown derived component", "sig1=(\"@request-target\");created=1", GoodSignature },
        { "sf parameter", "sig1=(\"naqil-id\";sf);created=1", GoodSignature },
        { "key parameter", "sig1=(\"signature\";key=\"sig1\";req);created=1", GoodSignature },
        { "bs parameter", "sig1=(\"naqil-id\";bs);created=1", GoodSignature },
        { "req not boolean", "sig1=(\"signature\";req=1);created=1", GoodSignature },
        { "component twice", "sig1=(\"naqil-id\" \"naqil-id\");created=1", GoodSignature },
        { "items not separated", "sig1=(\"@method\"\"@path\");created=1", GoodSignature },
        { "created as string", "sig1=(\"@method\");created=\"1\"", GoodSignature },
        { "created as decimal", "sig1=(\"@method\");created=1.5", GoodSignature },
        { "keyid as token", "sig1=(\"@method\");keyid=k", GoodSignature },
        { "integer too long", "sig1=(\"@method\");created=1234567890123456", GoodSignature },
        { "trailing comma", GoodInput + ",", GoodSignature },
        { "uppercase label", "SIG1=(\"@method\")", GoodSignature },
        { "unterminated string", "sig1=(\"@method);created=1", GoodSignature },
        { "control character in string", "sig1=(\"@method\");keyid=\"a\tb\"", GoodSignature },
        { "huge input", "sig1=(" + string.Concat(Enumerable.Repeat("\"naqil-id\" ", 1000)) + ")", GoodSignature },
        { "huge signature", GoodInput, "sig1=:" + new string('A', 12_000) + ":" },
    };

    [Theory]
    [MemberData(nameof(MalformedFields))]
    public void TryParse_MalformedField_ReportsMalformedWithoutThrowing(string why, string input, string signature)
    {
        bool ok = HttpMessageSignatures.TryParse(input, signature, "sig1", out _, out SignatureFailure failure, out string detail);

        Assert.False(ok, why);
        Assert.Equal(SignatureFailure.Malformed, failure);
        Assert.False(string.IsNullOrWhiteSpace(detail));
    }

    [Theory]
    [InlineData("sig1=(\"naqil-id\";sf);created=1", ";sf")]
    [InlineData("sig1=(\"Naqil-Id\")", "lower case")]
    [InlineData("sig1=(\"@method\");created=\"1\"", "created")]
    [InlineData("sig1=(\"@method\" \"naqil-id\";created=1", "character")]
    public void TryParse_MalformedField_DetailNamesTheProblem(string input, string expected)
    {
        HttpMessageSignatures.TryParse(input, GoodSignature, "sig1", out _, out _, out string detail);

        Assert.Contains(expected, detail, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_DuplicateLabel_LastMemberWins()
    {
        // RFC 8941 §4.2.2: a later dictionary member overrides an earlier one with the same key.
        Assert.True(HttpMessageSignatures.TryParse("sig1=(\"@method\"), sig1=(\"@path\")", "sig1=:AAAA:", "sig1", out ParsedSignature parsed, out _, out _));

        Assert.Equal([new ComponentId("@path")], parsed.Parameters.Components);
    }

    [Fact]
    public void TryParse_RandomNoise_NeverThrows()
    {
        var random = new Random(9421);
        const string alphabet = "sig1=():;\",\\ ?*@-.abcAZ09+/=\t";
        for (int i = 0; i < 5000; i++)
        {
            char[] chars = new char[random.Next(0, 80)];
            for (int j = 0; j < chars.Length; j++)
            {
                chars[j] = alphabet[random.Next(alphabet.Length)];
            }

            string noise = new(chars);
            HttpMessageSignatures.TryParse(noise, noise, "sig1", out _, out _, out _);
            HttpMessageSignatures.TryParse("sig1=" + noise, GoodSignature, "sig1", out _, out _, out _);
            ContentDigest.Verify(noise, [1, 2, 3]);
        }
    }
}
