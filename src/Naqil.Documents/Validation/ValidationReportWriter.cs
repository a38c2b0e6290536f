using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Naqil.Documents.Validation;

/// <summary>A <see cref="ValidationReport"/> as text for a person or as JSON for a program (field names in docs/documents.md).</summary>
public static class ValidationReportWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string ToJson(ValidationReport report) => JsonSerializer.Serialize(report, Json);

    /// <summary>The indication as the standard writes it: <c>TOTAL-PASSED</c>, <c>TOTAL-FAILED</c>, <c>INDETERMINATE</c>.</summary>
    public static string Name(Indication indication) => indication switch
    {
        Indication.TotalPassed => "TOTAL-PASSED",
        Indication.TotalFailed => "TOTAL-FAILED",
        _ => "INDETERMINATE",
    };

    /// <summary>The sub-indication as the standard writes it, e.g. <c>HASH_FAILURE</c>.</summary>
    public static string Name(SubIndication subIndication) => JsonSerializer.Serialize(subIndication, Json).Trim('"');

    public static void WriteText(ValidationReport report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var anchors = report.TrustAnchors.Count == 0 ? "no trust anchor" : string.Join("; ", report.TrustAnchors);
        output.WriteLine($"{report.File} ({report.Format}), validated at {Time(report.ValidationTime)} against {anchors}");
        if (report.Refusal is not null)
        {
            output.WriteLine($"REFUSED: {report.Refusal}");
            return;
        }

        foreach (var signature in report.Signatures)
        {
            output.WriteLine();
            output.WriteLine($"{(signature.Kind == "signature" ? "Signature" : "Document timestamp")} {signature.Id}: {Verdict(signature.Indication, signature.SubIndication)}"
                + (signature.Level is null ? string.Empty : $", level {signature.Level}"));
            if (signature.Signer is { } signer)
            {
                output.WriteLine($"  {(signature.Kind == "signature" ? "signer" : "TSA")}: {signer.Subject}"
                    + (signer.OrganizationIdentifier is null ? string.Empty : $" (organization identifier {signer.OrganizationIdentifier})"));
                output.WriteLine($"  issued by: {signer.Issuer}, serial {signer.SerialNumber}, valid {Time(signer.NotBefore)} to {Time(signer.NotAfter)}");
            }

            if (signature.ClaimedSigningTime is { } claimed)
            {
                output.WriteLine($"  claimed signing time: {Time(claimed)} (the signer's word, not proof)");
            }

            output.WriteLine(signature.ProvenSigningTime is { } proven
                ? $"  proven to exist at: {Time(proven)}"
                : "  proven to exist at: nothing proves when (no valid timestamp)");
            foreach (var timestamp in signature.Timestamps)
            {
                output.WriteLine($"  {timestamp.Kind}: {Verdict(timestamp.Indication, timestamp.SubIndication)}, {(timestamp.Time is { } t ? Time(t) : "no time")} by {timestamp.Tsa ?? "an unknown TSA"}");
            }

            foreach (var revocation in signature.Revocation)
            {
                output.WriteLine($"  revocation of {revocation.Subject}: {revocation.Status}"
                    + (revocation.Source is null ? string.Empty : $" ({revocation.Source} issued {(revocation.IssuedAt is { } i ? Time(i) : "?")})")
                    + (revocation.RevocationTime is { } r ? $", revoked at {Time(r)}" : string.Empty));
            }

            foreach (var check in signature.Checks)
            {
                output.WriteLine($"  {check.Result,-13} {check.Name}: {check.Detail}");
            }
        }

        output.WriteLine();
        output.WriteLine($"Result: {Verdict(report.Indication!.Value, report.SubIndication)}");
    }

    private static string Verdict(Indication indication, SubIndication? subIndication) =>
        Name(indication) + (subIndication is { } sub ? "/" + Name(sub) : string.Empty);

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
