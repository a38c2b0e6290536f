using Naqil.Agencies.Payments.Money;
using Naqil.Agencies.Payments.Storage;

namespace Naqil.Agencies.Payments;

/// <summary>An agency's account the service takes payments into.</summary>
internal sealed record PayeeAccountOptions
{
    /// <summary>The account id, the member's id then a name: <c>SY/GOV/CIVREG/fees</c>.</summary>
    public string Id { get; init; } = "";

    public string Name { get; init; } = "";

    public string Currency { get; init; } = Currencies.Default;
}

/// <summary>
/// The payment service of one bank member (<c>Payments</c> in a configuration file): its store, its
/// own accounts, its payees, fees and limits. Validated at start; each problem names the key and the fix.
/// </summary>
internal sealed record PaymentsOptions
{
    public const string Section = "Payments";

    /// <summary>The operating member, whose system accounts (<c>{Operator}/holds</c>, <c>/fees</c>, <c>/issuance</c>) the ledger keeps.</summary>
    public string Operator { get; init; } = "SY/GOV/CBS";

    /// <summary>Where the standalone service listens (<c>naqil payments</c>).</summary>
    public string Url { get; init; } = "http://127.0.0.1:4103";

    /// <summary><c>sqlite</c> (the default) or <c>postgresql</c>.</summary>
    public string Storage { get; init; } = "sqlite";

    public string DatabaseFile { get; init; } = "";

    public string ConnectionString { get; init; } = "";

    /// <summary>The operator's fee on a capture, in hundredths of a percent of the amount (rounded down), taken from the payee's share.</summary>
    public int FeeBasisPoints { get; init; }

    /// <summary>How long an intent may wait for its capture before it expires (and an authorisation's hold is released).</summary>
    public TimeSpan IntentLifetime { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How long an idempotency key's answer is kept; at least 24 hours.</summary>
    public TimeSpan IdempotencyRetention { get; init; } = TimeSpan.FromHours(25);

    /// <summary>How long a key whose call never finished (its process died) holds off another call with it.</summary>
    public TimeSpan InFlightLease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest amount of one payment, in minor units, per currency; a currency not listed has <see cref="DefaultMaxAmountMinor"/>.</summary>
    public IReadOnlyDictionary<string, long> MaxAmountMinor { get; init; } = new Dictionary<string, long>(StringComparer.Ordinal);

    public long DefaultMaxAmountMinor { get; init; } = 100_000_000_00;

    public IReadOnlyList<PayeeAccountOptions> Payees { get; init; } = [];

    /// <summary>Opens an account with a balance for each synthetic person of the civil registry (the sandbox's citizens).</summary>
    public bool SyntheticCitizens { get; init; }

    /// <summary>Each synthetic citizen's opening balance, in minor units of <see cref="Currencies.Default"/>.</summary>
    public long SyntheticBalanceMinor { get; init; } = 1_000_000_00;

    /// <summary>
    /// Where captures are published for payees: the service's gateway (<c>GatewayUrl</c>), its publishing
    /// subsystem (<c>Publisher</c>, such as <c>SY/GOV/CBS/payments</c>) and topic (<c>Topic</c>, such as
    /// <c>SY/GOV/CBS/payments/captures</c>). Absent, nothing is published; payees ask.
    /// </summary>
    public Postal.Exchange.PostalExchangeOptions? Events { get; init; }

    public string HoldsAccount => $"{Operator}/holds";

    public string FeesAccount => $"{Operator}/fees";

    public string IssuanceAccount => $"{Operator}/issuance";

    public long MaxAmountOf(string currency) => MaxAmountMinor.TryGetValue(currency, out var max) ? max : DefaultMaxAmountMinor;

    public IPaymentStore CreateStore() => Storage switch
    {
        "sqlite" => new SqlitePaymentStore(DatabaseFile),
        "postgresql" => new PostgresPaymentStore(ConnectionString),
        _ => throw new InvalidOperationException($"Payments:Storage '{Storage}' is unknown; use sqlite or postgresql"),
    };

    /// <summary>What is wrong, each naming the key and the fix; empty when the options will do.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Operator.Split('/') is not { Length: 3 } parts || parts.Any(p => p.Length == 0))
        {
            errors.Add($"Payments:Operator '{Operator}' must be a member id of three segments, such as SY/GOV/CBS");
        }

        switch (Storage)
        {
            case "sqlite" when DatabaseFile.Length == 0:
                errors.Add("Payments:DatabaseFile is required with Storage sqlite: the path of the ledger's SQLite file");
                break;
            case "postgresql" when ConnectionString.Length == 0:
                errors.Add("Payments:ConnectionString is required with Storage postgresql");
                break;
            case "sqlite" or "postgresql":
                break;
            default:
                errors.Add($"Payments:Storage '{Storage}' is unknown; use sqlite or postgresql");
                break;
        }

        if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp)
        {
            errors.Add($"Payments:Url '{Url}' must be an absolute http URL such as http://127.0.0.1:4103");
        }

        if (FeeBasisPoints is < 0 or > 10_000)
        {
            errors.Add("Payments:FeeBasisPoints must be from 0 to 10000 (hundredths of a percent)");
        }

        if (IntentLifetime <= TimeSpan.Zero || InFlightLease <= TimeSpan.Zero)
        {
            errors.Add("Payments:IntentLifetime and InFlightLease must be positive");
        }

        if (IdempotencyRetention < TimeSpan.FromHours(24))
        {
            errors.Add("Payments:IdempotencyRetention must be at least 24:00:00: a client may retry for a day");
        }

        if (DefaultMaxAmountMinor <= 0 || MaxAmountMinor.Values.Any(v => v <= 0))
        {
            errors.Add("Payments:DefaultMaxAmountMinor and each MaxAmountMinor must be positive");
        }

        foreach (var code in MaxAmountMinor.Keys.Where(c => !Currencies.TryGetMinorUnits(c, out _)))
        {
            errors.Add($"Payments:MaxAmountMinor names '{code}', not an ISO 4217 currency this service takes; use one of {string.Join(", ", Currencies.Codes)}");
        }

        foreach (var payee in Payees)
        {
            if (payee.Id.Split('/') is not { Length: 4 } segments || segments.Any(s => s.Length == 0))
            {
                errors.Add($"Payments:Payees id '{payee.Id}' must be a member id and an account name, such as SY/GOV/CIVREG/fees");
            }

            if (!Currencies.TryGetMinorUnits(payee.Currency, out _))
            {
                errors.Add($"Payments:Payees '{payee.Id}' has currency '{payee.Currency}', not one this service takes; use one of {string.Join(", ", Currencies.Codes)}");
            }
        }

        return errors;
    }
}
