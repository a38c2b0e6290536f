using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Naqil.Documents.Sealing;
using Naqil.Documents.Validation;

namespace Naqil.Cli.Documents;

/// <summary>
/// <c>naqil doc verify</c> and <c>naqil doc sign</c>. Verify prints the report (text or JSON) on the
/// output and returns 0 when every signature is TOTAL-PASSED, 1 when one is TOTAL-FAILED, 2 when one is
/// INDETERMINATE (and none failed), 3 when nothing was validated (unreadable, too large, not a PDF, no
/// signature, a bad trust anchor or argument). Sign returns 0, or 1 with one line on the error stream.
/// </summary>
internal static class DocCommands
{
    public const int Passed = 0;
    public const int Failed = 1;
    public const int Indeterminate = 2;
    public const int Refused = 3;

    public static int Verify(
        string file,
        string? detached,
        IReadOnlyList<string> trustFiles,
        IReadOnlyList<string> revocationFiles,
        bool json,
        long maxBytes,
        TextWriter output,
        TextWriter error)
    {
        var anchors = new List<X509Certificate2>();
        var revocation = new List<byte[]>();
        try
        {
            foreach (var path in trustFiles)
            {
                anchors.AddRange(LoadCertificates(path));
            }

            foreach (var path in revocationFiles)
            {
                revocation.AddRange(LoadDer(path, maxBytes));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or FormatException or InvalidDataException)
        {
            error.WriteLine($"naqil doc verify: {e.Message}");
            return Refused;
        }

        var validator = new DocumentValidator(
            new ValidationOptions { TrustAnchors = anchors, ExtraRevocationData = revocation, MaxInputBytes = maxBytes },
            TimeProvider.System);
        var report = detached is null ? validator.ValidatePdfFile(file) : validator.ValidateDetachedFiles(file, detached);
        if (json)
        {
            output.WriteLine(ValidationReportWriter.ToJson(report));
        }
        else
        {
            ValidationReportWriter.WriteText(report, output);
        }

        return ExitCode(report);
    }

    public static int ExitCode(ValidationReport report) => report.Indication switch
    {
        null => Refused,
        Indication.TotalPassed => Passed,
        Indication.TotalFailed => Failed,
        _ => Indeterminate,
    };

    public static async Task<int> SignAsync(
        string file,
        string certificateFile,
        string keyFile,
        string? chainFile,
        string tsa,
        string outputFile,
        TextWriter output,
        TextWriter error,
        CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(tsa, UriKind.Absolute, out var tsaUrl) || tsaUrl.Scheme is not ("http" or "https"))
        {
            await error.WriteLineAsync($"naqil doc sign: --tsa {tsa} is not an http(s) URL");
            return 1;
        }

        try
        {
            using var certificate = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
            using (var key = certificate.GetECDsaPrivateKey())
            {
                if (key is null || key.KeySize != 256)
                {
                    await error.WriteLineAsync($"naqil doc sign: the key in {keyFile} is not ECDSA P-256");
                    return 1;
                }
            }

            var chain = chainFile is null ? [] : LoadCertificates(chainFile);
            var content = await File.ReadAllBytesAsync(file, cancellationToken);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var signature = await CadesSigner.SignAsync(content, new SealKey(certificate, chain), new HttpTimestampClient(http, tsaUrl, []), cancellationToken);
            await File.WriteAllBytesAsync(outputFile, signature, cancellationToken);
            await output.WriteLineAsync($"signed {file} ({content.Length} bytes) as {certificate.Subject}, CAdES B-T with a timestamp from {tsaUrl}: {outputFile}");
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException or HttpRequestException or TaskCanceledException)
        {
            await error.WriteLineAsync($"naqil doc sign: {e.Message}");
            return 1;
        }
    }

    /// <summary>Every certificate in a PEM file, or the one in a DER file.</summary>
    private static List<X509Certificate2> LoadCertificates(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} does not exist");
        }

        var bytes = File.ReadAllBytes(path);
        if (!bytes.AsSpan().StartsWith("-----"u8) && !Encoding.ASCII.GetString(bytes).Contains("-----BEGIN", StringComparison.Ordinal))
        {
            return [X509CertificateLoader.LoadCertificate(bytes)];
        }

        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(path);
        if (collection.Count == 0)
        {
            throw new InvalidDataException($"{path} holds no certificate");
        }

        return [.. collection];
    }

    /// <summary>The DER of each PEM block in the file, or the file as DER.</summary>
    private static List<byte[]> LoadDer(string path, long maxBytes)
    {
        var info = new FileInfo(path);
        if (!info.Exists || info.Length > maxBytes)
        {
            throw new InvalidDataException(info.Exists ? $"{path} is over {maxBytes} bytes" : $"{path} does not exist");
        }

        var bytes = File.ReadAllBytes(path);
        var text = Encoding.ASCII.GetString(bytes);
        if (!text.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            return [bytes];
        }

        var blocks = new List<byte[]>();
        var rest = text.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            blocks.Add(Convert.FromBase64String(rest[fields.Base64Data].ToString()));
            rest = rest[fields.Location.End..];
        }

        return blocks;
    }
}
