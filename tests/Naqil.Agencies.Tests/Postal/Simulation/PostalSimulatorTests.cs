using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Naqil.Agencies.Postal;
using Naqil.Agencies.Postal.Exchange;
using Naqil.Agencies.Postal.Simulation;
using Naqil.Agencies.Postal.Storage;
using Naqil.Agencies.Tests.Postal.Exchange;
using static Naqil.Agencies.Postal.EmsEventCode;

namespace Naqil.Agencies.Tests.Postal.Simulation;

public sealed class PostalSimulatorTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 10, 12, 0, 0, TimeSpan.FromHours(3));
    private readonly TempDirectory _directory = new();
    private readonly List<IPostalStore> _stores = [];
    private readonly FakeTimeProvider _time = new(Now);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _stores.ForEach(s => s.Dispose());
        _directory.Dispose();
    }

    private async Task<(PostalService Postal, IPostalStore Store)> PostAsync(Post post)
    {
        var store = new SqlitePostalStore(Path.Combine(_directory.Path, $"{post.Country}.db"));
        _stores.Add(store);
        var postal = new PostalService(post, store, _time, new PublicationSignal());
        await postal.InitializeAsync(Ct);
        return (postal, store);
    }

    private PostalSimulator Simulator(PostalService postal, PostalSimulatorOptions? options = null) =>
        new(postal, options ?? new PostalSimulatorOptions { StepsPerTick = 10, NewItemEveryTicks = 0, RandomSeed = 7 }, _time, NullLogger<PostalSimulator>.Instance);

    /// <summary>A minute passes, then the simulator ticks.</summary>
    private async Task<IReadOnlyList<SimulatedStep>> TickAsync(PostalSimulator simulator)
    {
        _time.Advance(TimeSpan.FromMinutes(1));
        return await simulator.TickAsync(Ct);
    }

    private static void Ok(PostalOutcome outcome) => Assert.True(outcome.Error == PostalError.None, outcome.Detail);

    /// <summary>Iraq's post receives Syria's dispatch of an item, as from the bus.</summary>
    private static async Task<S10Id> ArriveAsync(PostalService iraq, int serial = 12345678)
    {
        var id = S10Id.Create("EE", serial, "SY");
        var posted = Now.AddDays(-2);
        var item = new TrackedItem(id, "IQ", [new ItemEvent(EMA, "SYDAMZ", posted), new ItemEvent(EMB, "SYDAMA", posted.AddHours(6)), new ItemEvent(EMC, "SYDAMA", posted.AddHours(20))]);
        Assert.True(EmsEventMessage.TryParse(System.Text.Encoding.UTF8.GetBytes(EmsEventMessage.Create(item, item.Events[2], "SY")), out var message));
        Ok(await iraq.ReceiveAsync(message, Ct));
        return id;
    }

    [Fact]
    public async Task Origin_MovesItsItem_ToTheExchangeOfItsTown_AndDispatchesIt_ThenLeavesIt()
    {
        var (syria, store) = await PostAsync(Posts.Syria);
        Ok(await syria.AcceptAsync("EE123456785SY", "IQ", "SYALPB", Now.AddHours(-1), Ct));
        var simulator = Simulator(syria);

        var first = Assert.Single(await TickAsync(simulator));
        var second = Assert.Single(await TickAsync(simulator));
        var third = await TickAsync(simulator);

        Assert.Equal((EMB, "SYALPA"), (first.Code, first.Office));
        Assert.Equal((EMC, "SYALPA"), (second.Code, second.Office));
        Assert.Empty(third);
        var item = (await syria.GetAsync(S10Id.Parse("EE123456785SY"), Ct))!;
        Assert.Equal([EMA, EMB, EMC], item.Events.Select(e => e.Code));
        Assert.Equal([Now.AddHours(-1), Now.AddMinutes(1), Now.AddMinutes(2)], item.Events.Select(e => e.Time));
        Assert.Equal(TimeSpan.FromHours(3), item.Events[1].Time.Offset);
        // The dispatch waits for the publisher.
        Assert.Equal("EMC", Assert.Single(await store.PendingPublicationsAsync(10, Ct)).Code);
    }

    [Theory]
    [InlineData(1.0, 1.0, new[] { "EMD", "EME", "EMF", "EMG", "EMH", "EMI" })]
    [InlineData(0.0, 0.0, new[] { "EMD", "EMF", "EMG", "EMI" })]
    public async Task Destination_TakesAnItemFromAbroad_ToDelivery(double customs, double failedDelivery, string[] expected)
    {
        var (iraq, store) = await PostAsync(Posts.Iraq);
        var id = await ArriveAsync(iraq);
        var simulator = Simulator(iraq, new PostalSimulatorOptions { StepsPerTick = 10, NewItemEveryTicks = 0, CustomsRate = customs, FailedDeliveryRate = failedDelivery, RandomSeed = 3 });

        var steps = new List<SimulatedStep>();
        for (var tick = 0; tick < 8; tick++)
        {
            steps.AddRange(await TickAsync(simulator));
        }

        Assert.Equal(expected, steps.Select(s => s.Code.ToString()));
        var exchange = steps[0].Office;
        Assert.True(Posts.Iraq.Office(exchange)!.OfficeOfExchange);
        var delivery = steps.Single(s => s.Code == EMG).Office;
        Assert.False(Posts.Iraq.Office(delivery)!.OfficeOfExchange);
        Assert.Equal(exchange[..5], delivery[..5]);
        Assert.All(steps.Where(s => s.Code is EMH or EMI), s => Assert.Equal(delivery, s.Office));
        var item = (await iraq.GetAsync(id, Ct))!;
        Assert.Equal("delivered", EmsEvents.Info(item.Last!.Code).Status);
        Assert.Equal(item.Events.Select(e => e.Time).Order(), item.Events.Select(e => e.Time));
        Assert.All(item.Events, e => Assert.True(e.Time <= _time.GetUtcNow()));
        Assert.Equal(expected.Length, (await store.PendingPublicationsAsync(10, Ct)).Count);
    }

    [Fact]
    public async Task Item_WhoseLastEventIsAheadOfTheClock_Waits()
    {
        var (syria, _) = await PostAsync(Posts.Syria);
        Ok(await syria.AcceptAsync("EE123456785SY", "IQ", "SYDAMZ", Now.AddMinutes(4), Ct));
        var simulator = Simulator(syria);

        Assert.Empty(await TickAsync(simulator));
        _time.Advance(TimeSpan.FromMinutes(3));
        var step = Assert.Single(await TickAsync(simulator));

        Assert.Equal(EMB, step.Code);
        Assert.Equal(Now.AddMinutes(5), step.Time);
    }

    [Fact]
    public async Task StepsPerTick_MovesThoseThatWaitedLongestFirst()
    {
        var (syria, _) = await PostAsync(Posts.Syria);
        string[] ids = ["EE123456785SY", "EE123456799SY", "EE000000080SY"];
        Ok(await syria.AcceptAsync(ids[0], "IQ", "SYDAMZ", Now.AddHours(-3), Ct));
        Ok(await syria.AcceptAsync(ids[1], "IQ", "SYDAMZ", Now.AddHours(-1), Ct));
        Ok(await syria.AcceptAsync(ids[2], "IQ", "SYDAMZ", Now.AddHours(-2), Ct));
        var simulator = Simulator(syria, new PostalSimulatorOptions { StepsPerTick = 2, NewItemEveryTicks = 0 });

        var steps = await TickAsync(simulator);

        Assert.Equal([ids[0], ids[2]], steps.Select(s => s.ItemId));
    }

    [Fact]
    public async Task NewItem_IsPostedEveryNthTick_AtACounter_ForThePartner()
    {
        var (syria, _) = await PostAsync(Posts.Syria);
        var simulator = Simulator(syria, new PostalSimulatorOptions { StepsPerTick = 0, NewItemEveryTicks = 3, Partner = "IQ", RandomSeed = 11 });

        var ticks = new List<IReadOnlyList<SimulatedStep>>();
        for (var i = 0; i < 6; i++)
        {
            ticks.Add(await TickAsync(simulator));
        }

        Assert.Equal([0, 0, 1, 0, 0, 1], ticks.Select(t => t.Count));
        var posted = ticks[2][0];
        Assert.Equal(EMA, posted.Code);
        Assert.False(Posts.Syria.Office(posted.Office)!.OfficeOfExchange);
        var item = (await syria.GetAsync(S10Id.Parse(posted.ItemId), Ct))!;
        Assert.Equal(("SY", "IQ"), (item.Origin, item.Destination));
        Assert.NotEqual(posted.ItemId, ticks[5][0].ItemId);
    }

    [Fact]
    public async Task TheOtherPostsTurn_IsLeftToIt()
    {
        var (iraq, _) = await PostAsync(Posts.Iraq);
        // Iraq's own item, dispatched to Syria: what follows is Syria's to record.
        Ok(await iraq.AcceptAsync("EE400000275IQ", "SY", "IQBGWK", Now.AddHours(-3), Ct));
        Ok(await iraq.RecordAsync("EE400000275IQ", "EMB", "IQBGWA", Now.AddHours(-2), Ct));
        Ok(await iraq.RecordAsync("EE400000275IQ", "EMC", "IQBGWA", Now.AddHours(-1), Ct));
        // An item from Syria that Iraq already moved on: the simulator at Syria must not touch it either.
        var (syria, _) = await PostAsync(Posts.Syria);
        Ok(await syria.AcceptAsync("EE123456785SY", "IQ", "SYDAMZ", Now.AddHours(-3), Ct));
        Ok(await syria.RecordAsync("EE123456785SY", "EMB", "SYDAMA", Now.AddHours(-2), Ct));
        Ok(await syria.RecordAsync("EE123456785SY", "EMC", "SYDAMA", Now.AddHours(-1), Ct));

        Assert.Empty(await TickAsync(Simulator(iraq)));
        Assert.Empty(await TickAsync(Simulator(syria)));
    }

    [Fact]
    public async Task AddPostalSimulator_RunsItInTheHost()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        var log = new RecordingLogger<PostalSimulator>();
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddSingleton<ILogger<PostalSimulator>>(log);
        builder.Services.AddPostal(Posts.Syria, new PostalStorageOptions { DatabaseFile = Path.Combine(_directory.Path, "hosted.db") });
        builder.Services.AddPostalSimulator(new PostalSimulatorOptions { Interval = TimeSpan.FromSeconds(5), NewItemEveryTicks = 0 });
        using var host = builder.Build();
        var syria = host.Services.GetRequiredService<PostalService>();
        await syria.InitializeAsync(Ct);
        Ok(await syria.AcceptAsync("EE123456785SY", "IQ", "SYDAMZ", Now.AddHours(-1), Ct));

        await host.StartAsync(Ct);
        // 5100: a step was simulated (and stored: it is logged after).
        await log.WaitForAsync(5100, 1);
        await host.StopAsync(Ct);

        Assert.Equal(EMB, (await syria.GetAsync(S10Id.Parse("EE123456785SY"), Ct))!.Last!.Code);
    }

    [Fact]
    public void Options_NameWhatIsWrong()
    {
        var errors = new PostalSimulatorOptions { Interval = TimeSpan.Zero, NewItemEveryTicks = 2, Partner = "", CustomsRate = 2 }.Validate();

        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("PostalSimulatorOptions.Interval", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("PostalSimulatorOptions.Partner", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("PostalSimulatorOptions.CustomsRate", StringComparison.Ordinal));
        Assert.Empty(new PostalSimulatorOptions { Partner = "IQ" }.Validate());
    }
}
