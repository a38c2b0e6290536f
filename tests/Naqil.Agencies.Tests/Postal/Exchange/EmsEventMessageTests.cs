using System.Text;
using Naqil.Agencies.Postal;
using Naqil.Agencies.Postal.Exchange;
using static Naqil.Agencies.Postal.EmsEventCode;

namespace Naqil.Agencies.Tests.Postal.Exchange;

public sealed class EmsEventMessageTests
{
    private static readonly S10Id Item = S10Id.Create("EE", 12345678, "SY");
    private static readonly DateTimeOffset Posted = new(2026, 11, 2, 8, 0, 0, TimeSpan.FromHours(3));

    private static TrackedItem Dispatched() => new(Item, "IQ",
        [new ItemEvent(EMA, "SYDAMZ", Posted), new ItemEvent(EMB, "SYDAMA", Posted.AddHours(6)), new ItemEvent(EMC, "SYDAMA", Posted.AddHours(20))]);

    [Fact]
    public void Create_WritesTheDocumentedBody_WithTheOriginsHistoryUpToTheEvent()
    {
        var item = Dispatched().With([new ItemEvent(EMD, "IQBGWA", Posted.AddDays(2))]);

        var body = EmsEventMessage.Create(item, item.Events[2], "SY");

        // docs/postal.md shows this body; the destination's EMD is not part of the origin's history.
        Assert.Equal(
            """{"itemId":"EE123456785SY","origin":"SY","destination":"IQ","recordedBy":"SY","event":{"code":"EMC","office":"SYDAMA","time":"2026-11-03T04:00:00+03:00"},"history":[{"code":"EMA","office":"SYDAMZ","time":"2026-11-02T08:00:00+03:00"},{"code":"EMB","office":"SYDAMA","time":"2026-11-02T14:00:00+03:00"},{"code":"EMC","office":"SYDAMA","time":"2026-11-03T04:00:00+03:00"}]}""",
            body);
    }

    [Fact]
    public void Create_OfAnEarlierEvent_StopsTheHistoryAtIt()
    {
        var item = Dispatched();

        Assert.True(EmsEventMessage.TryParse(Encoding.UTF8.GetBytes(EmsEventMessage.Create(item, item.Events[1], "SY")), out var message));

        Assert.Equal(["EMA", "EMB"], message.History!.Select(e => e.Code));
        Assert.Equal(message.History![^1], message.Event);
    }

    [Fact]
    public void NaqilId_IsTheSameForTheSameEvent_AndAnRfc9562Version8Uuid()
    {
        var emc = new ItemEvent(EMC, "SYDAMA", Posted.AddHours(20));

        var id = EmsEventMessage.NaqilIdOf("SY", Item, emc);
        // The same instant written in UTC is the same event.
        var again = EmsEventMessage.NaqilIdOf("SY", Item, emc with { Time = emc.Time.ToOffset(TimeSpan.Zero) });

        Assert.Equal(id, again);
        var text = id.ToString("D");
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", text);
    }

    [Fact]
    public void NaqilId_DiffersWhenAnyPartOfTheEventDiffers()
    {
        var emc = new ItemEvent(EMC, "SYDAMA", Posted.AddHours(20));
        var id = EmsEventMessage.NaqilIdOf("SY", Item, emc);

        Guid[] others =
        [
            EmsEventMessage.NaqilIdOf("IQ", Item, emc),
            EmsEventMessage.NaqilIdOf("SY", S10Id.Create("EE", 12345679, "SY"), emc),
            EmsEventMessage.NaqilIdOf("SY", Item, emc with { Code = EMB }),
            EmsEventMessage.NaqilIdOf("SY", Item, emc with { Office = "SYALPA" }),
            EmsEventMessage.NaqilIdOf("SY", Item, emc with { Time = emc.Time.AddMilliseconds(1) }),
        ];

        Assert.DoesNotContain(id, others);
        Assert.Equal(others.Length, others.Distinct().Count());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("[1, 2]")]
    [InlineData("{\"history\": \"EMC\"}")]
    public void TryParse_RefusesWhatIsNotThisShape(string body)
    {
        Assert.False(EmsEventMessage.TryParse(Encoding.UTF8.GetBytes(body), out _));
    }
}
