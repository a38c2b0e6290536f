using Naqil.Gateway.Signing;
using Naqil.Keys;

namespace Naqil.Gateway.Configuration.Validation;

/// <summary>
/// The PEM files: the registry's anchor, and the TLS and signing certificates with their keys.
/// Each must exist and parse, so a wrong file stops the gateway here with the key named rather
/// than later in the middle of its start.
/// </summary>
internal sealed class KeyFilesValidator : IGatewayOptionsValidator
{
    public void Validate(GatewayOptions options, List<string> failures)
    {
        if (RequireFile(failures, "Gateway:AnchorFile", options.AnchorFile, "the registry's certificate (naqil anchor export, or the registry's /trust/v1/anchor)"))
        {
            Try(failures, "Gateway:AnchorFile", "the registry's PEM certificate", () => PemFiles.ReadCertificateDer(options.AnchorFile));
        }

        if (SigningKeys.IsPkcs11(options.TlsKeyFile))
        {
            if (RequireFile(failures, "Gateway:TlsCertificateFile", options.TlsCertificateFile, "this gateway's TLS certificate"))
            {
                Try(failures, "Gateway:TlsCertificateFile with Gateway:TlsKeyFile", "the TLS certificate and the pkcs11: URI of the key it certifies (docs/keys.md)",
                    () => PemFiles.ReadTlsCertificate(options.TlsCertificateFile, options.TlsKeyFile).Dispose());
            }
        }
        else
        {
            RequirePair(failures, "Tls", options.TlsCertificateFile, options.TlsKeyFile);
        }

        if (SigningKeys.IsPkcs11(options.SigningKeyFile))
        {
            if (RequireFile(failures, "Gateway:SigningCertificateFile", options.SigningCertificateFile, "this gateway's signing certificate"))
            {
                Try(failures, "Gateway:SigningCertificateFile with Gateway:SigningKeyFile", "the signing certificate and the pkcs11: URI of the key it certifies (docs/keys.md)", () =>
                {
                    using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(PemFiles.ReadCertificateDer(options.SigningCertificateFile));
                    PemFiles.OpenMatchingKey(certificate, options.SigningCertificateFile, options.SigningKeyFile).Dispose();
                });
            }
        }
        else
        {
            RequirePair(failures, "Signing", options.SigningCertificateFile, options.SigningKeyFile);
        }
    }

    private static void RequirePair(List<string> failures, string prefix, string certificateFile, string keyFile)
    {
        var what = prefix == "Tls" ? "TLS" : "signing";
        var certificate = RequireFile(failures, $"Gateway:{prefix}CertificateFile", certificateFile, $"this gateway's {what} certificate");
        var key = RequireFile(failures, $"Gateway:{prefix}KeyFile", keyFile, $"the private key of this gateway's {what} certificate");
        if (certificate && key)
        {
            Try(failures, $"Gateway:{prefix}CertificateFile with Gateway:{prefix}KeyFile", $"a PEM ECDSA P-256 certificate and its PKCS#8 private key",
                () => PemFiles.ReadCertificateWithKey(certificateFile, keyFile).Dispose());
        }
    }

    private static bool RequireFile(List<string> failures, string key, string path, string what)
    {
        if (string.IsNullOrWhiteSpace(path) || !File.Exists(path))
        {
            failures.Add($"{key} is '{path}', which is not an existing file; point it at the PEM file of {what}");
            return false;
        }

        return true;
    }

    private static void Try(List<string> failures, string key, string expected, Action read)
    {
        try
        {
            read();
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IOException or UnauthorizedAccessException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            failures.Add($"{key}: {e.Message}; point {(key.Contains(" with ", StringComparison.Ordinal) ? "them" : "it")} at {expected}");
        }
    }
}
