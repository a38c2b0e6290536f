using Naqil.Agencies.Regulator.Numbering;
using Naqil.Agencies.Regulator.Portability;
using Naqil.Agencies.Regulator.Storage;

namespace Naqil.Agencies.Regulator;

/// <summary>A port request and its steps, oldest first.</summary>
internal sealed record PortRecord(PortRequest Request, IReadOnlyList<PortStep> Steps);

internal sealed partial class RegulatorService
{
    /// <summary>How far ahead a port may be scheduled.</summary>
    public static readonly TimeSpan MaxScheduleAhead = TimeSpan.FromDays(30);

    /// <summary>How far in the past a port may be scheduled: the operator's clock and the regulator's may differ by this much.</summary>
    public static readonly TimeSpan ScheduleSkew = TimeSpan.FromMinutes(1);

    private Outcome<T>? RequireOperator<T>(string? client, out TelecomOperator? caller)
    {
        caller = Profile.OperatorOfClient(client);
        if (string.IsNullOrEmpty(client))
        {
            return Outcome<T>.Refused(RegulatorError.ClientRequired, "port requests are made by operators over the bus: call through your gateway as a subsystem of your member (Naqil-Client)");
        }

        return caller is not null ? null : Outcome<T>.Refused(RegulatorError.NotPermitted,
            $"{RegulatorIds.Shown(client)} is not a subsystem of an operator licensed by {Profile.Member} ({string.Join(", ", Profile.Operators.Select(o => o.Member))})");
    }

    /// <summary>A recipient operator asks for a number its donor serves now: submitted, then validated against the plan and the portability database.</summary>
    public async Task<Outcome<PortRecord>> SubmitPortAsync(string? client, string? numberText, CancellationToken cancellationToken)
    {
        if (RequireOperator<PortRecord>(client, out var recipient) is { } refused)
        {
            return refused;
        }

        var found = Lookup(numberText ?? "");
        if (found.Error != NumberInputError.None)
        {
            return Outcome<PortRecord>.Refused(found.Error == NumberInputError.UnknownCountryCode ? RegulatorError.UnknownCountryCode : RegulatorError.MalformedNumber, found.Reason);
        }

        if (found.Region != Profile.Country || found.Block is null || !found.Valid || found.E164 == 0 || found.Block.Type == NumberType.ShortCode)
        {
            return Outcome<PortRecord>.Refused(RegulatorError.NumberNotAllocated,
                $"{found.E164Text ?? RegulatorIds.Shown(numberText)} is not a number of an allocated block of the plan of +{Profile.CountryCode}{(found.InvalidReason is null ? "" : ": " + found.InvalidReason)}; only allocated numbers can be ported");
        }

        var number = found.E164;
        var prefix = found.Block.Prefix;
        var now = time.GetUtcNow();
        return await WriteAsync(WriteScope.Ports, async d =>
        {
            var block = await d.BlockAsync(prefix);
            if (block is { State: BlockState.Quarantine })
            {
                return (Outcome<PortRecord>.Refused(RegulatorError.NumberInQuarantine, $"+{number} is in block {prefix}, in quarantine since {block.Since:yyyy-MM-dd}: its numbers cannot be ported until the block is allocated again"), false);
            }

            if (block?.Holder is not { } blockOperator)
            {
                return (Outcome<PortRecord>.Refused(RegulatorError.NumberNotAllocated,
                    $"+{number} is in block {prefix}, which is {(block is null ? "not in the plan" : NumberingPlan.Name(block.State))}: only numbers of allocated blocks can be ported"), false);
            }

            var donor = await d.PortedAsync(number) ?? blockOperator;
            if (donor == recipient!.Code)
            {
                return (Outcome<PortRecord>.Refused(RegulatorError.SameOperator, $"+{number} is served by {donor} already, the operator asking for it"), false);
            }

            if (await d.OpenPortForAsync(number) is { } open)
            {
                return (Outcome<PortRecord>.Refused(RegulatorError.PortOpen,
                    $"+{number} has an open port request already, {open.Id} ({PortRules.Name(open.State)}, for {open.Recipient}): one open request per number; wait for it to end or cancel it"), false);
            }

            var request = new PortRequest("", number, recipient.Code, donor, PortState.Submitted, null, now, now + PortRules.DonorDeadline, null, now);
            var seq = await d.InsertPortAsync(request);
            await d.AddPortStepAsync(seq, new PortStep("", null, PortState.Submitted, recipient.Code, now, null));
            var validated = request with { Id = RegulatorIds.PortId(seq), State = PortState.Validated };
            await d.UpdatePortAsync(seq, validated);
            await d.AddPortStepAsync(seq, new PortStep("", PortState.Submitted, PortState.Validated, "regulator", now,
                $"allocated block {prefix} of {blockOperator}; served by {donor}; no other open request"));
            return (Outcome<PortRecord>.Ok(new PortRecord(validated, await d.PortHistoryAsync(seq)), created: true), true);
        }, null, cancellationToken);
    }

    /// <summary>The request, once the donor's deadline has been applied (a silent donor's request is accepted).</summary>
    public async Task<Outcome<PortRecord>> PortAsync(string id, CancellationToken cancellationToken)
    {
        if (!RegulatorIds.TryParsePortId(id, out var seq))
        {
            return Outcome<PortRecord>.Refused(RegulatorError.MalformedRequest, $"'{RegulatorIds.Shown(id)}' is not a port request id such as NP-000001");
        }

        return await WriteAsync(WriteScope.Ports, async d =>
        {
            if (await d.PortAsync(seq) is not { } request)
            {
                return (Outcome<PortRecord>.Refused(RegulatorError.PortNotFound, $"no port request {id}"), false);
            }

            request = await ApplyDeadlineAsync(d, seq, request);
            return (Outcome<PortRecord>.Ok(new PortRecord(request, await d.PortHistoryAsync(seq))), true);
        }, null, cancellationToken);
    }

    public Task<IReadOnlyList<PortRequest>> PortsAsync(string? operatorCode, int limit, CancellationToken cancellationToken) =>
        store.ReadAsync(d => d.PortsAsync(operatorCode, limit), cancellationToken);

    /// <summary>
    /// One party's step on a request (<see cref="PortRules.Actions"/>): the donor accepts or rejects,
    /// the recipient schedules, completes or cancels. The state is read and changed in one
    /// transaction, so of two steps racing from one state exactly one is taken. With
    /// <paramref name="expectedState"/> (the state the caller saw) a step is refused when the request
    /// moved on meanwhile, even to a state the step is allowed from: a donor's accept and a
    /// recipient's cancel sent at once never both succeed.
    /// </summary>
    public async Task<Outcome<PortRecord>> ActAsync(string? client, string id, string actionName, string? reason, DateTimeOffset? portAt, CancellationToken cancellationToken, string? expectedState = null)
    {
        if (PortRules.Action(actionName) is not { } action)
        {
            return Outcome<PortRecord>.Refused(RegulatorError.MalformedRequest, $"'{RegulatorIds.Shown(actionName)}' is not a step of a port request; the steps are {string.Join(", ", PortRules.Actions.Select(a => a.Name))}");
        }

        if (RequireOperator<PortRecord>(client, out var caller) is { } refused)
        {
            return refused;
        }

        if (!RegulatorIds.TryParsePortId(id, out var seq))
        {
            return Outcome<PortRecord>.Refused(RegulatorError.MalformedRequest, $"'{RegulatorIds.Shown(id)}' is not a port request id such as NP-000001");
        }

        if (action.Name == "reject" && (reason is null || !PortRules.RejectReasons.Contains(reason)))
        {
            return Outcome<PortRecord>.Refused(RegulatorError.MalformedRequest, $"a rejection gives its reason, one of {string.Join(", ", PortRules.RejectReasons)}");
        }

        PortState? expected = null;
        if (expectedState is not null)
        {
            if (!NumberingPlan.TryParse(Enum.GetValues<PortState>(), PortRules.Name, expectedState, out var seen))
            {
                return Outcome<PortRecord>.Refused(RegulatorError.MalformedRequest, $"from must be one of {string.Join(", ", Enum.GetValues<PortState>().Select(PortRules.Name))}");
            }

            expected = seen;
        }

        var now = time.GetUtcNow();
        if (action.Name == "schedule" && (portAt is not { } at || at < now - ScheduleSkew || at > now + MaxScheduleAhead))
        {
            return Outcome<PortRecord>.Refused(RegulatorError.MalformedRequest, $"scheduling gives portAt, a time from now to {MaxScheduleAhead.TotalDays:F0} days ahead, such as {{\"portAt\": \"{now.AddDays(1):yyyy-MM-ddTHH:mm:ssZ}\"}}");
        }

        return await WriteAsync(WriteScope.Ports, async d =>
        {
            if (await d.PortAsync(seq) is not { } request)
            {
                return (Outcome<PortRecord>.Refused(RegulatorError.PortNotFound, $"no port request {id}"), false);
            }

            var party = action.Party == PortParty.Donor ? request.Donor : request.Recipient;
            if (caller!.Code != party)
            {
                return (Outcome<PortRecord>.Refused(RegulatorError.NotPermitted,
                    $"{action.Name} is the {action.Party.ToString().ToLowerInvariant()}'s step: only {party} may {action.Name} {id}; {caller.Code} may not"), false);
            }

            var before = request.State;
            request = await ApplyDeadlineAsync(d, seq, request);
            if (before != request.State && action.Party == PortParty.Donor)
            {
                return (Outcome<PortRecord>.Refused(RegulatorError.DeadlinePassed,
                    $"{id} was accepted when the donor's deadline passed at {request.DonorDeadline:yyyy-MM-ddTHH:mm:ssZ}; the donor can no longer {action.Name} it"), true);
            }

            if (expected is { } seen && seen != request.State)
            {
                return (Outcome<PortRecord>.Refused(RegulatorError.StateChanged,
                    $"{id} is {PortRules.Name(request.State)} now, not {PortRules.Name(seen)} as the step expected: read it again (GET /ports/{id}) and decide"), before != request.State);
            }

            if (!action.From.Contains(request.State))
            {
                return (Outcome<PortRecord>.Refused(RegulatorError.TransitionNotAllowed,
                    $"{id} is {PortRules.Name(request.State)}; {action.Name} is allowed only from {string.Join(" or ", action.From.Select(PortRules.Name))}"), before != request.State);
            }

            if (action.Name == "complete" && now < request.PortAt)
            {
                return (Outcome<PortRecord>.Refused(RegulatorError.TooEarly, $"{id} is scheduled for {request.PortAt:yyyy-MM-ddTHH:mm:ssZ}; complete it then"), false);
            }

            var changed = request with
            {
                State = action.To,
                RejectReason = action.Name == "reject" ? reason : request.RejectReason,
                PortAt = action.Name == "schedule" ? portAt : request.PortAt,
                Updated = now,
            };
            await d.UpdatePortAsync(seq, changed);
            await d.AddPortStepAsync(seq, new PortStep(id, request.State, action.To, caller.Code, now, action.Name == "reject" ? reason : null));
            if (action.To == PortState.Completed)
            {
                var block = Numbers.Lookup($"+{request.Number}").Block;
                await d.SetPortedAsync(request.Number, block?.Holder == request.Recipient ? null : request.Recipient, now);
            }

            return (Outcome<PortRecord>.Ok(new PortRecord(changed, await d.PortHistoryAsync(seq))), true);
        }, outcome =>
        {
            if (outcome is { IsRefused: false, Value.Request: { State: PortState.Completed } done })
            {
                var block = Numbers.Lookup($"+{done.Number}").Block;
                Index.SetPorted(done.Number, block?.Holder == done.Recipient ? null : done.Recipient);
            }

            return Task.CompletedTask;
        }, cancellationToken);
    }

    /// <summary>A validated request whose donor let the deadline pass is accepted, recorded as the regulator's step.</summary>
    private async Task<PortRequest> ApplyDeadlineAsync(IRegulatorData d, long seq, PortRequest request)
    {
        var now = time.GetUtcNow();
        if (request.State != PortState.Validated || now < request.DonorDeadline)
        {
            return request;
        }

        var accepted = request with { State = PortState.Accepted, Updated = now };
        await d.UpdatePortAsync(seq, accepted);
        await d.AddPortStepAsync(seq, new PortStep(request.Id, PortState.Validated, PortState.Accepted, "regulator", now,
            $"the donor {request.Donor} did not answer by {request.DonorDeadline:yyyy-MM-ddTHH:mm:ssZ}"));
        return accepted;
    }
}
