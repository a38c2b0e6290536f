namespace Naqil.Agencies.Postal.Simulation;

/// <summary>How the sandbox's simulator moves a post's items along.</summary>
internal sealed record PostalSimulatorOptions
{
    /// <summary>The time between ticks.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How many items move one step per tick, those that waited longest first.</summary>
    public int StepsPerTick { get; init; } = 3;

    /// <summary>A new item is posted every this many ticks; 0, never.</summary>
    public int NewItemEveryTicks { get; init; } = 4;

    /// <summary>Where new items are bound: the other post's country, such as IQ for Syria's post.</summary>
    public string Partner { get; init; } = "";

    /// <summary>The share of arrivals held by customs (EME) before they go on.</summary>
    public double CustomsRate { get; init; } = 0.3;

    /// <summary>The share of deliveries that fail once (EMH) before the item is delivered.</summary>
    public double FailedDeliveryRate { get; init; } = 0.25;

    /// <summary>Seeds the simulator's choices, for a run that can be repeated; absent, they vary.</summary>
    public int? RandomSeed { get; init; }

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Interval <= TimeSpan.Zero)
        {
            errors.Add("PostalSimulatorOptions.Interval must be positive, such as 00:00:05");
        }

        if (StepsPerTick < 0 || NewItemEveryTicks < 0)
        {
            errors.Add("PostalSimulatorOptions.StepsPerTick and NewItemEveryTicks must not be negative");
        }

        if (NewItemEveryTicks > 0 && (Partner.Length != 2 || !Partner.All(char.IsAsciiLetterUpper)))
        {
            errors.Add($"PostalSimulatorOptions.Partner '{Partner}' must be the country new items are bound for, such as IQ");
        }

        if (CustomsRate is < 0 or > 1 || FailedDeliveryRate is < 0 or > 1)
        {
            errors.Add("PostalSimulatorOptions.CustomsRate and FailedDeliveryRate are shares between 0 and 1");
        }

        return errors;
    }
}
