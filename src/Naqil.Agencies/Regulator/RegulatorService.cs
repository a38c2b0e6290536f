using Naqil.Agencies.Regulator.Numbering;
using Naqil.Agencies.Regulator.Settlement;
using Naqil.Agencies.Regulator.Storage;

namespace Naqil.Agencies.Regulator;

/// <summary>
/// One national regulator's registers and their rules: the numbering plan and its lifecycle (this
/// file), number portability (<c>.Ports.cs</c>), international links and routes
/// (<c>.Routes.cs</c>) and settlement statements (<c>.Settlement.cs</c>). Every change is checked
/// and written in one store transaction; lookups answer from <see cref="NumberingIndex"/>, which
/// each committed change of the plan or the portability database updates before the next write
/// begins (writes are one at a time in this process, so the index follows the store's order).
/// Callers are named by <c>Naqil-Client</c>, as the provider gateway forwards it.
/// </summary>
internal sealed partial class RegulatorService(RegulatorProfile profile, IRegulatorStore store, TimeProvider time, SettlementSignal? settlementSignal = null)
{
    private readonly SemaphoreSlim _writes = new(1, 1);

    public RegulatorProfile Profile { get; } = profile;

    public NumberingIndex Index { get; } = new();

    public NumberLookup Numbers => _lookup ??= new NumberLookup(Profile, Index);

    private NumberLookup? _lookup;

    /// <summary>The regulator's clock (a fake one in tests).</summary>
    public DateTimeOffset Now => time.GetUtcNow();

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(Profile.Country, cancellationToken);
        Index.SetBlocks(await store.ReadAsync(d => d.BlocksAsync(), cancellationToken));
        Index.LoadPorted(await store.ReadAsync(d => d.AllPortedAsync(), cancellationToken));
    }

    public LookupResult Lookup(string input) => Numbers.Lookup(input);

    /// <summary>One write at a time in this process; the store's lock keeps other processes out.</summary>
    private async Task<T> WriteAsync<T>(WriteScope scope, Func<IRegulatorData, Task<(T Value, bool Commit)>> work, Func<T, Task>? afterCommit, CancellationToken cancellationToken)
    {
        await _writes.WaitAsync(cancellationToken);
        try
        {
            var value = await store.WriteAsync(scope, work, cancellationToken);
            if (afterCommit is not null)
            {
                await afterCommit(value);
            }

            return value;
        }
        finally
        {
            _writes.Release();
        }
    }

    private Outcome<T>? RequireRegulator<T>(string? client, string what)
    {
        if (string.IsNullOrEmpty(client))
        {
            return Outcome<T>.Refused(RegulatorError.ClientRequired, $"{what} is the regulator's to do: call through the bus as a subsystem of {Profile.Member} (Naqil-Client)");
        }

        return Profile.IsOwnClient(client) ? null
            : Outcome<T>.Refused(RegulatorError.NotPermitted, $"{what} is the regulator's to do; {RegulatorIds.Shown(client)} is not a subsystem of {Profile.Member}");
    }

    public Task<IReadOnlyList<NumberBlock>> BlocksAsync(CancellationToken cancellationToken) => store.ReadAsync(d => d.BlocksAsync(), cancellationToken);

    public async Task<(NumberBlock Block, IReadOnlyList<BlockChange> History)?> BlockAsync(string prefix, CancellationToken cancellationToken) =>
        await store.ReadAsync<(NumberBlock, IReadOnlyList<BlockChange>)?>(async d => await d.BlockAsync(prefix) is { } block ? (block, await d.BlockHistoryAsync(prefix)) : null, cancellationToken);

    /// <summary>Adds a free block to the plan; one that overlaps (or nests in, or holds) another is refused.</summary>
    public async Task<Outcome<NumberBlock>> AddBlockAsync(string? client, string? prefix, int nsnLength, string? typeName, string? area, CancellationToken cancellationToken)
    {
        if (RequireRegulator<NumberBlock>(client, "changing the numbering plan") is { } refused)
        {
            return refused;
        }

        if (prefix is null || prefix.Length is 0 or > 8 || !prefix.All(char.IsAsciiDigit) || prefix[0] == '0')
        {
            return Outcome<NumberBlock>.Refused(RegulatorError.MalformedRequest, $"prefix '{RegulatorIds.Shown(prefix)}' must be 1 to 8 ASCII digits of the national significant number, not starting with the trunk 0, such as 944");
        }

        if (!NumberingPlan.TryParseType(typeName, out var type))
        {
            return Outcome<NumberBlock>.Refused(RegulatorError.MalformedRequest, $"type must be one of {string.Join(", ", NumberingPlan.Types.Select(NumberingPlan.Name))}");
        }

        var lengthProblem = type == NumberType.ShortCode
            ? nsnLength == prefix.Length && nsnLength is >= 3 and <= 6 ? null : "a short code's length is its prefix's, 3 to 6 digits"
            : nsnLength > prefix.Length && nsnLength + Profile.CountryCode.Length <= NumberInput.MaxE164Digits && nsnLength >= 6 ? null
                : $"nsnLength must be longer than the prefix, at least 6, and with the country code {Profile.CountryCode} at most 15 digits (E.164)";
        if (lengthProblem is not null)
        {
            return Outcome<NumberBlock>.Refused(RegulatorError.MalformedRequest, lengthProblem);
        }

        if (type == NumberType.GeographicFixed ? area is null || !Profile.Areas.Contains(area) : area is not null)
        {
            return Outcome<NumberBlock>.Refused(RegulatorError.MalformedRequest, type == NumberType.GeographicFixed
                ? $"a geographic block needs its area, one of {string.Join(", ", Profile.Areas)}"
                : "only geographic blocks have an area");
        }

        var now = time.GetUtcNow();
        var block = new NumberBlock(prefix, nsnLength, type, area, BlockState.Free, null, now);
        return await WriteAsync(WriteScope.Plan, async d =>
        {
            var overlapping = await d.OverlappingAsync(prefix);
            if (overlapping.Count > 0)
            {
                return (Outcome<NumberBlock>.Refused(RegulatorError.BlockOverlaps,
                    $"block {prefix} overlaps block{(overlapping.Count > 1 ? "s" : "")} {string.Join(", ", overlapping.Take(10))} of the plan (one prefix starts the other); choose a prefix that neither starts nor is started by another"), false);
            }

            await d.InsertBlockAsync(block);
            await d.AddBlockChangeAsync(new BlockChange(prefix, null, BlockState.Free, null, now, "added to the plan"));
            return (Outcome<NumberBlock>.Ok(block, created: true), true);
        }, ReloadBlocksAfter, cancellationToken);
    }

    /// <summary>Moves a block along its lifecycle; reserving and allocating name a licensed operator.</summary>
    public async Task<Outcome<NumberBlock>> ChangeBlockAsync(string? client, string prefix, string? stateName, string? operatorCode, string? note, CancellationToken cancellationToken)
    {
        if (RequireRegulator<NumberBlock>(client, "changing the numbering plan") is { } refused)
        {
            return refused;
        }

        if (!NumberingPlan.TryParseState(stateName, out var to))
        {
            return Outcome<NumberBlock>.Refused(RegulatorError.MalformedRequest, $"state must be one of {string.Join(", ", NumberingPlan.States.Select(NumberingPlan.Name))}");
        }

        if (operatorCode is not null && Profile.Operator(operatorCode) is null)
        {
            return Outcome<NumberBlock>.Refused(RegulatorError.UnknownOperator,
                $"operator '{RegulatorIds.Shown(operatorCode)}' is not licensed by {Profile.Member}; the operators are {string.Join(", ", Profile.Operators.Select(o => o.Code))}");
        }

        var now = time.GetUtcNow();
        return await WriteAsync(WriteScope.Plan, async d =>
        {
            if (await d.BlockAsync(prefix) is not { } block)
            {
                return (Outcome<NumberBlock>.Refused(RegulatorError.BlockNotFound, $"no block {RegulatorIds.Shown(prefix)} is in the plan; GET /blocks lists them"), false);
            }

            var next = NumberingPlan.Next(block.State);
            if (!next.Contains(to))
            {
                return (Outcome<NumberBlock>.Refused(RegulatorError.TransitionNotAllowed,
                    $"block {prefix} is {NumberingPlan.Name(block.State)}; from there it may become {string.Join(" or ", next.Select(NumberingPlan.Name))}, not {NumberingPlan.Name(to)}"), false);
            }

            string? holder;
            switch (to)
            {
                case BlockState.Reserved when operatorCode is null:
                    return (Outcome<NumberBlock>.Refused(RegulatorError.MalformedRequest, "reserving a block names the operator it is reserved for: {\"state\": \"reserved\", \"operator\": \"WAFA\"}"), false);
                case BlockState.Reserved:
                    holder = operatorCode;
                    break;
                case BlockState.Allocated when operatorCode is not null && operatorCode != block.Operator:
                    return (Outcome<NumberBlock>.Refused(RegulatorError.TransitionNotAllowed,
                        $"block {prefix} is reserved for {block.Operator}; allocate it to them, or release it (free) and reserve it for {operatorCode}"), false);
                case BlockState.Free:
                    holder = null;
                    break;
                default:
                    holder = block.Operator;
                    break;
            }

            var changed = block with { State = to, Operator = holder, Since = now };
            await d.UpdateBlockAsync(changed);
            await d.AddBlockChangeAsync(new BlockChange(prefix, block.State, to, holder, now, note is null ? null : RegulatorIds.Shown(note)));
            return (Outcome<NumberBlock>.Ok(changed), true);
        }, ReloadBlocksAfter, cancellationToken);
    }

    private async Task ReloadBlocksAfter(Outcome<NumberBlock> outcome)
    {
        if (!outcome.IsRefused)
        {
            Index.SetBlocks(await store.ReadAsync(d => d.BlocksAsync(), CancellationToken.None));
        }
    }
}
