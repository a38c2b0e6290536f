using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Naqil.Keys;

namespace Naqil.Cli.Keys;

/// <summary>What <c>naqil keys</c> does; exit 0, or 1 with the reason on standard error.</summary>
internal static class KeysCommands
{
    public static int Generate(string reference, TextWriter output, TextWriter error) => Run(error, () =>
    {
        var uri = Parse(reference, needsKey: true);
        using var key = Pkcs11KeyAdmin.Generate(uri);
        output.WriteLine($"generated {uri.Object} in token '{uri.Token ?? uri.SlotId?.ToString(System.Globalization.CultureInfo.InvariantCulture)}'");
        output.WriteLine($"public key SHA-256: {Fingerprint(key.ExportSubjectPublicKeyInfo())}");
        output.Write(key.ExportSubjectPublicKeyInfoPem());
        output.WriteLine();
    });

    public static int Csr(string reference, string subject, string? file, TextWriter output, TextWriter error) => Run(error, () =>
    {
        var uri = Parse(reference, needsKey: true);
        X500DistinguishedName name;
        try
        {
            name = new X500DistinguishedName(subject);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"--subject '{subject}' is not a distinguished name ({e.Message}); write it as CN=...,O=...,C=SY");
        }

        using var key = Pkcs11ECDsa.Open(uri);
        var pem = new CertificateRequest(name, key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        if (file is null)
        {
            output.WriteLine(pem);
        }
        else
        {
            File.WriteAllText(file, pem + "\n");
            output.WriteLine($"wrote the request for {uri.Object} to {file}");
        }
    });

    public static int List(string reference, IReadOnlyList<string> certificateFiles, TextWriter output, TextWriter error) => Run(error, () =>
    {
        var uri = Parse(reference, needsKey: false);
        var certificates = new List<X509Certificate2>();
        foreach (var file in certificateFiles)
        {
            var collection = new X509Certificate2Collection();
            try
            {
                collection.ImportFromPemFile(file);
            }
            catch (Exception e) when (e is CryptographicException or IOException)
            {
                throw new InvalidOperationException($"{file} does not hold PEM certificates: {e.Message}");
            }

            certificates.AddRange(collection);
        }

        var keys = Pkcs11KeyAdmin.List(uri);
        if (keys.Count == 0)
        {
            output.WriteLine("the token holds no EC keys; make one with 'naqil keys generate'");
            return;
        }

        output.WriteLine("LABEL\tID\tPRIVATE\tPUBLIC KEY SHA-256\tCERTIFICATE\tEXPIRES");
        foreach (var key in keys)
        {
            string fingerprint = "-", subject = "-", expires = "-";
            if (key.PublicPoint is { } point)
            {
                using var publicKey = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = point[1..33], Y = point[33..] } });
                var spki = publicKey.ExportSubjectPublicKeyInfo();
                fingerprint = Fingerprint(spki)[..16];
                if (certificates.FirstOrDefault(c => c.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(spki)) is { } certificate)
                {
                    subject = certificate.Subject;
                    expires = certificate.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd HH:mm'Z'", System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            output.WriteLine($"{key.Label}\t{(key.Id.Length == 0 ? "-" : key.Id)}\t{(key.HasPrivate ? "yes" : "no")}\t{fingerprint}\t{subject}\t{expires}");
        }
    });

    private static Pkcs11Uri Parse(string reference, bool needsKey)
    {
        // A token alone (for list) is a URI without object=; give the parser a placeholder.
        var text = needsKey || reference.Contains("object=", StringComparison.Ordinal) || reference.Contains("id=", StringComparison.Ordinal)
            ? reference
            : reference.Replace("?", ";object=-?", StringComparison.Ordinal);
        return Pkcs11Uri.Parse(text);
    }

    private static string Fingerprint(byte[] spki) => Convert.ToHexStringLower(SHA256.HashData(spki));

    private static int Run(TextWriter error, Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or SigningUnavailableException or NotSupportedException)
        {
            error.WriteLine($"naqil keys: {e.Message}");
            return 1;
        }
    }
}
