namespace Naqil.Agencies.Regulator.Portability;

/// <summary>
/// Where a port request stands: submitted → validated → accepted or rejected by the donor →
/// scheduled → completed, or cancelled by the recipient at any open step.
/// </summary>
internal enum PortState
{
    Submitted,
    Validated,
    Accepted,
    Rejected,
    Scheduled,
    Completed,
    Cancelled,
}

/// <summary>Who may act on a request: the operator that asked for the number, the one that holds it, or the regulator (the donor's deadline).</summary>
internal enum PortParty
{
    Recipient,
    Donor,
    Regulator,
}

/// <summary>A recipient operator's request to take a number from its donor operator.</summary>
internal sealed record PortRequest(
    string Id,
    long Number,
    string Recipient,
    string Donor,
    PortState State,
    string? RejectReason,
    DateTimeOffset Submitted,
    DateTimeOffset DonorDeadline,
    DateTimeOffset? PortAt,
    DateTimeOffset Updated)
{
    public bool Open => PortRules.IsOpen(State);
}

/// <summary>One step of a request, kept for ever.</summary>
internal sealed record PortStep(string RequestId, PortState? From, PortState To, string By, DateTimeOffset At, string? Note);

/// <summary>The portability rules regulators use, in one place.</summary>
internal static class PortRules
{
    /// <summary>How long the donor has to answer a validated request; silent, it is accepted.</summary>
    public static readonly TimeSpan DonorDeadline = TimeSpan.FromHours(48);

    /// <summary>The reasons a donor may give for refusing (those number-portability rules commonly allow; owing money is not one).</summary>
    public static readonly IReadOnlyList<string> RejectReasons = ["subscriber-id-mismatch", "number-not-active", "number-suspended-by-court-order", "open-port-elsewhere"];

    public static string Name(PortState state) => state.ToString().ToLowerInvariant();

    public static bool IsOpen(PortState state) => state is PortState.Submitted or PortState.Validated or PortState.Accepted or PortState.Scheduled;

    public static readonly string OpenStatesSql = "('submitted', 'validated', 'accepted', 'scheduled')";

    /// <summary>The actions on a request: which party may take each, from which state, and to which.</summary>
    public static readonly IReadOnlyList<PortAction> Actions =
    [
        new("accept", PortParty.Donor, [PortState.Validated], PortState.Accepted),
        new("reject", PortParty.Donor, [PortState.Validated], PortState.Rejected),
        new("schedule", PortParty.Recipient, [PortState.Accepted], PortState.Scheduled),
        new("complete", PortParty.Recipient, [PortState.Scheduled], PortState.Completed),
        new("cancel", PortParty.Recipient, [PortState.Submitted, PortState.Validated, PortState.Accepted, PortState.Scheduled], PortState.Cancelled),
    ];

    public static PortAction? Action(string name) => Actions.FirstOrDefault(a => a.Name == name);
}

internal sealed record PortAction(string Name, PortParty Party, IReadOnlyList<PortState> From, PortState To);
