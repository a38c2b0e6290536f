using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography.X509Certificates;

namespace Naqil.Registry.Certificates;

/// <summary>
/// The RFC 5280 §5.3.1 reasons the admin API accepts, by their ASN.1 names. Left out:
/// certificateHold and removeFromCRL (a revocation here is final), cACompromise and aACompromise
/// (the API revokes end-entity certificates only).
/// </summary>
internal static class RevocationReasons
{
    private static readonly (string Name, X509RevocationReason Reason)[] Accepted =
    [
        ("unspecified", X509RevocationReason.Unspecified),
        ("keyCompromise", X509RevocationReason.KeyCompromise),
        ("affiliationChanged", X509RevocationReason.AffiliationChanged),
        ("superseded", X509RevocationReason.Superseded),
        ("cessationOfOperation", X509RevocationReason.CessationOfOperation),
        ("privilegeWithdrawn", X509RevocationReason.PrivilegeWithdrawn),
    ];

    public static string AcceptedNames => string.Join(", ", Accepted.Select(a => a.Name));

    public static bool TryParse(string? name, [NotNullWhen(true)] out X509RevocationReason? reason)
    {
        reason = Accepted.FirstOrDefault(a => a.Name == name) is { Name: not null } found ? found.Reason : null;
        return reason is not null;
    }

    /// <summary>The ASN.1 name of any RFC 5280 reason code, accepted here or not.</summary>
    public static string Name(X509RevocationReason reason) => reason switch
    {
        X509RevocationReason.Unspecified => "unspecified",
        X509RevocationReason.KeyCompromise => "keyCompromise",
        X509RevocationReason.CACompromise => "cACompromise",
        X509RevocationReason.AffiliationChanged => "affiliationChanged",
        X509RevocationReason.Superseded => "superseded",
        X509RevocationReason.CessationOfOperation => "cessationOfOperation",
        X509RevocationReason.CertificateHold => "certificateHold",
        X509RevocationReason.RemoveFromCrl => "removeFromCRL",
        X509RevocationReason.PrivilegeWithdrawn => "privilegeWithdrawn",
        X509RevocationReason.AACompromise => "aACompromise",
        _ => ((int)reason).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
