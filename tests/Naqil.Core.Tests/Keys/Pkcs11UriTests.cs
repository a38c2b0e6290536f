using Naqil.Keys;

namespace Naqil.Core.Tests.Keys;

public sealed class Pkcs11UriTests
{
    [Fact]
    public void Parse_FullUri_ReadsEveryAttribute()
    {
        var uri = Pkcs11Uri.Parse("pkcs11:token=naqil%20sy;object=gateway-signing;id=%01%ab;type=private?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/etc/naqil/pin");

        Assert.Equal("/usr/lib/softhsm/libsofthsm2.so", uri.ModulePath);
        Assert.Equal("naqil sy", uri.Token);
        Assert.Equal("gateway-signing", uri.Object);
        Assert.Equal(new byte[] { 0x01, 0xab }, uri.Id);
        Assert.Equal("file:/etc/naqil/pin", uri.PinSource);
        Assert.Null(uri.PinValue);
    }

    [Fact]
    public void ToString_PinValue_IsRedacted()
    {
        var uri = Pkcs11Uri.Parse("pkcs11:slot-id=3;object=k?module-path=/m.so&pin-value=123456");

        Assert.Equal(3UL, uri.SlotId);
        Assert.Equal("123456", uri.ReadPin());
        Assert.DoesNotContain("123456", uri.ToString());
        Assert.Contains("[redacted]", uri.ToString());
    }

    [Theory]
    [InlineData("file:/k.pem", "must start with 'pkcs11:'")]
    [InlineData("pkcs11:token=t;object=k?pin-value=1", "no module-path")]
    [InlineData("pkcs11:object=k?module-path=/m.so&pin-value=1", "names no token")]
    [InlineData("pkcs11:token=t?module-path=/m.so&pin-value=1", "names no key")]
    [InlineData("pkcs11:token=t;object=k?module-path=/m.so", "exactly one way")]
    [InlineData("pkcs11:token=t;object=k?module-path=/m.so&pin-value=1&pin-source=file:/p", "exactly one way")]
    [InlineData("pkcs11:token=t;object=k?module-path=/m.so&pin-source=http://x", "pin-source=file:/path/to/pin")]
    [InlineData("pkcs11:token=t;object=k;colour=red?module-path=/m.so&pin-value=1", "colour")]
    [InlineData("pkcs11:token=t;token=u;object=k?module-path=/m.so&pin-value=1", "gives token twice")]
    [InlineData("pkcs11:slot-id=x;object=k?module-path=/m.so&pin-value=1", "not a number")]
    [InlineData("pkcs11:token=t;id=%zz?module-path=/m.so&pin-value=1", "two hex digits")]
    [InlineData("pkcs11:token=t;object?module-path=/m.so&pin-value=1", "not name=value")]
    public void Parse_Malformed_SaysWhatIsWrong(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => Pkcs11Uri.Parse(text));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Parse_Malformed_NeverEchoesThePin()
    {
        var error = Assert.Throws<FormatException>(() => Pkcs11Uri.Parse("pkcs11:token=t;colour=red;object=k?module-path=/m.so&pin-value=s3cret"));

        Assert.DoesNotContain("s3cret", error.Message);
    }

    [Fact]
    public void ReadPin_FromFileAndEnvironment()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "4711\n");
        var variable = "NAQIL_TEST_PIN_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "8080");
        try
        {
            Assert.Equal("4711", Pkcs11Uri.Parse($"pkcs11:token=t;object=k?module-path=/m.so&pin-source=file:{file}").ReadPin());
            Assert.Equal("8080", Pkcs11Uri.Parse($"pkcs11:token=t;object=k?module-path=/m.so&pin-source=env:{variable}").ReadPin());
            var missing = Assert.Throws<InvalidOperationException>(() => Pkcs11Uri.Parse("pkcs11:token=t;object=k?module-path=/m.so&pin-source=env:NAQIL_NO_SUCH_PIN").ReadPin());
            Assert.Contains("NAQIL_NO_SUCH_PIN", missing.Message);
        }
        finally
        {
            File.Delete(file);
            Environment.SetEnvironmentVariable(variable, null);
        }
    }
}
