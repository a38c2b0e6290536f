using System.Data.Common;
using System.Text;
using static Naqil.Agencies.Storage.AgencyDb;

namespace Naqil.Agencies.Payments.Storage;

/// <summary>
/// Idempotency keys: a call claims its key (<c>in-flight</c>) in a short transaction of its own;
/// its answer is written (<c>done</c>) in the change's transaction, so a crash leaves both or neither.
/// </summary>
internal abstract partial class DbPaymentStore
{
    private const string InFlight = "in-flight";
    private const string Done = "done";

    public async Task<ClaimOutcome> ClaimAsync(IdempotencyClaim claim, DateTimeOffset now, TimeSpan lease, DateTimeOffset? purgeBefore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginChangeAsync(connection, cancellationToken);
        if (purgeBefore is { } before)
        {
            await ExecuteAsync(connection, transaction, "DELETE FROM idempotency WHERE created_ms < @before;", cancellationToken, ("before", before.ToUnixTimeMilliseconds()));
        }

        var key = Key(claim);
        var inserted = await ExecuteAsync(connection, transaction,
            "INSERT INTO idempotency (scope, key, request_hash, state, created_ms) VALUES (@scope, @key, @hash, @state, @now) ON CONFLICT (scope, key) DO NOTHING;",
            cancellationToken, [.. key, ("hash", claim.RequestHash), ("state", InFlight), ("now", now.ToUnixTimeMilliseconds())]);
        ClaimOutcome outcome;
        if (inserted == 1)
        {
            outcome = new ClaimOutcome(ClaimResult.Claimed);
        }
        else
        {
            (string Hash, string State, long Created, PaymentAnswer? Answer) held = default;
            await ReadAsync(connection, transaction, $"SELECT request_hash, state, created_ms, status, content_type, body FROM idempotency WHERE scope = @scope AND key = @key{ForUpdate};",
                r => held = (r.GetString(0), r.GetString(1), r.GetInt64(2), r.IsDBNull(3) ? null : new PaymentAnswer(Convert.ToInt32(r.GetValue(3)), r.GetString(4), Encoding.UTF8.GetBytes(r.GetString(5)))),
                cancellationToken, key);
            if (held.Hash != claim.RequestHash)
            {
                outcome = new ClaimOutcome(ClaimResult.Mismatch);
            }
            else if (held.State == Done)
            {
                outcome = new ClaimOutcome(ClaimResult.Replay, held.Answer);
            }
            else if (now.ToUnixTimeMilliseconds() - held.Created < (long)lease.TotalMilliseconds)
            {
                outcome = new ClaimOutcome(ClaimResult.InFlight);
            }
            else
            {
                // Its call died with its process (its change, if any, would have answered the key in the same commit).
                await ExecuteAsync(connection, transaction, "UPDATE idempotency SET created_ms = @now WHERE scope = @scope AND key = @key;",
                    cancellationToken, [.. key, ("now", now.ToUnixTimeMilliseconds())]);
                outcome = new ClaimOutcome(ClaimResult.Claimed);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return outcome;
    }

    public async Task CompleteAsync(IdempotencyClaim claim, PaymentAnswer answer, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await CompleteAsync(connection, null, claim, answer, cancellationToken);
    }

    public async Task ReleaseAsync(IdempotencyClaim claim, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "DELETE FROM idempotency WHERE scope = @scope AND key = @key AND state = @state;", cancellationToken, [.. Key(claim), ("state", InFlight)]);
    }

    private static async Task CompleteAsync(DbConnection connection, DbTransaction? transaction, IdempotencyClaim claim, PaymentAnswer answer, CancellationToken cancellationToken) =>
        await ExecuteAsync(connection, transaction, "UPDATE idempotency SET state = @state, status = @status, content_type = @type, body = @body WHERE scope = @scope AND key = @key;",
            cancellationToken, [.. Key(claim), ("state", Done), ("status", answer.Status), ("type", answer.ContentType), ("body", Encoding.UTF8.GetString(answer.Body))]);

    private static (string, object?)[] Key(IdempotencyClaim claim) => [("scope", claim.Scope), ("key", claim.Key)];
}
