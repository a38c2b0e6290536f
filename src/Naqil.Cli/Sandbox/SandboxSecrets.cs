using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Naqil.Configuration;
using Naqil.Registry.Certificates;

namespace Naqil.Cli.Sandbox;

/// <summary>The sandbox's secrets on disk: created once, reused on every restart, readable by the owner only.</summary>
internal static class SandboxSecrets
{
    /// <summary>A random bearer token (or PIN) of <paramref name="bytes"/> random bytes in hex, kept in <paramref name="path"/>.</summary>
    public static string Token(string path, int bytes = 24)
    {
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));
        WritePrivate(path, token);
        return token;
    }

    /// <summary>
    /// A key and a certificate issued by the instance's sandbox CA, as PEM files; issued on the first
    /// start only, so the gateway keeps its identity across restarts.
    /// </summary>
    public static (string Certificate, string Key) Certificate(string directory, string name, string subject, CertificateKind kind, ICertificateAuthority ca)
    {
        var certificatePath = Path.Combine(directory, $"{name}.crt");
        var keyPath = Path.Combine(directory, $"{name}.key");
        if (File.Exists(certificatePath) && File.Exists(keyPath))
        {
            return (certificatePath, keyPath);
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = Request(subject, kind, key);
        var certificate = ca.Issue(request.CreateSigningRequestPem(), kind);
        Directory.CreateDirectory(directory);
        WritePrivate(keyPath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certificatePath, certificate);
        return (certificatePath, keyPath);
    }

    /// <summary>The request for <paramref name="key"/>'s certificate: a TLS one names loopback.</summary>
    public static CertificateRequest Request(string subject, CertificateKind kind, ECDsa key)
    {
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        if (kind == CertificateKind.Tls)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }

        return request;
    }

    private static void WritePrivate(string path, string content)
    {
        OwnerOnly.CreateDirectory(Path.GetDirectoryName(path)!);
        OwnerOnly.WriteAllText(path, content);
    }
}
