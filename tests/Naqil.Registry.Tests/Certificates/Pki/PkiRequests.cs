using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Asn1.Oiw;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Ocsp;
using Org.BouncyCastle.X509;
using BcX509Certificate = Org.BouncyCastle.X509.X509Certificate;
using BcX509Extension = Org.BouncyCastle.Asn1.X509.X509Extension;
using BcX509Extensions = Org.BouncyCastle.Asn1.X509.X509Extensions;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Naqil.Registry.Tests.Certificates.Pki;

/// <summary>A certificate issued through the admin API: its certificate, the CA that issued it and its serial.</summary>
internal sealed record Issued(X509Certificate2 Certificate, string Issuer, string Serial) : IDisposable
{
    public void Dispose() => Certificate.Dispose();
}

/// <summary>What the PKI tests ask the registry, over real HTTP; OCSP and CRLs read with BouncyCastle, a relying party's library.</summary>
internal static class PkiRequests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static string Csr(string subject = "CN=gw1")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest(subject, key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
    }

    public static async Task<Issued> IssueCertificateAsync(this RegistryHost host, string kind, string? member = null, string subject = "CN=gw1")
    {
        using var response = await host.Admin.PostAsJsonAsync("/admin/v1/certificates", new { csr = Csr(subject), kind, member }, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        return new Issued(X509Certificate2.CreateFromPem(root.GetProperty("certificate").GetString()), root.GetProperty("issuer").GetString()!, root.GetProperty("serial").GetString()!);
    }

    public static Task<HttpResponseMessage> RevokeAsync(this RegistryHost host, string issuer, string serial, string reason, HttpClient? client = null) =>
        (client ?? host.Admin).PostAsJsonAsync($"/admin/v1/certificates/{issuer}/{serial}/revoke", new { reason }, Ct);

    public static async Task RevokedAsync(this RegistryHost host, Issued issued, string reason)
    {
        using var response = await host.RevokeAsync(issued.Issuer, issued.Serial, reason);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
    }

    public static async Task<X509Crl> CrlAsync(this RegistryHost host, string ca)
    {
        using var response = await host.Anonymous.GetAsync($"/pki/v1/crl/{ca}.crl", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pkix-crl", response.Content.Headers.ContentType?.MediaType);
        return new X509CrlParser().ReadCrl(await response.Content.ReadAsByteArrayAsync(Ct));
    }

    /// <summary>A DER OCSPRequest about <paramref name="serial"/> of <paramref name="issuer"/>, with CertID hashes in <paramref name="hash"/> and the nonce when given.</summary>
    public static byte[] OcspRequest(X509Certificate2 issuer, string serial, byte[]? nonce = null, string? hash = null)
    {
        var generator = new OcspReqGenerator();
        // SHA-1 CertIDs by default, as openssl sends them.
        var algorithm = new AlgorithmIdentifier(new DerObjectIdentifier(hash ?? OiwObjectIdentifiers.IdSha1.Id), DerNull.Instance);
        generator.AddRequest(new CertificateID(algorithm, Bc(issuer), new BigInteger(serial, 16)));
        if (nonce is not null)
        {
            generator.SetRequestExtensions(new BcX509Extensions(new Dictionary<DerObjectIdentifier, BcX509Extension>
            {
                [OcspObjectIdentifiers.PkixOcspNonce] = new(false, new DerOctetString(new DerOctetString(nonce))),
            }));
        }

        return generator.Generate().GetEncoded();
    }

    public static async Task<OcspResp> PostOcspAsync(this RegistryHost host, string ca, byte[] request, string mediaType = "application/ocsp-request")
    {
        using var content = new ByteArrayContent(request);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var response = await host.Anonymous.PostAsync($"/pki/v1/ocsp/{ca}", content, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/ocsp-response", response.Content.Headers.ContentType?.MediaType);
        return new OcspResp(await response.Content.ReadAsByteArrayAsync(Ct));
    }

    public static async Task<OcspResp> GetOcspAsync(this RegistryHost host, string ca, string encodedRequest)
    {
        using var response = await host.Anonymous.GetAsync($"/pki/v1/ocsp/{ca}/{encodedRequest}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/ocsp-response", response.Content.Headers.ContentType?.MediaType);
        return new OcspResp(await response.Content.ReadAsByteArrayAsync(Ct));
    }

    /// <summary>The single response of a successful answer, after checking its signature with the responder certificate it carries.</summary>
    public static (SingleResp Single, BasicOcspResp Basic) SingleOf(OcspResp response)
    {
        Assert.Equal(OcspRespStatus.Successful, response.Status);
        var basic = (BasicOcspResp)response.GetResponseObject();
        var signer = Assert.Single(basic.GetCerts());
        Assert.True(basic.Verify(signer.GetPublicKey()), "the OCSP response's signature does not verify with the certificate it carries");
        return (Assert.Single(basic.Responses), basic);
    }

    public static BcX509Certificate Bc(X509Certificate2 certificate) => new X509CertificateParser().ReadCertificate(certificate.RawData);
}
