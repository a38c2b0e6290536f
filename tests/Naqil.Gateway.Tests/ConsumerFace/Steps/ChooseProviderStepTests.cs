using Naqil.Gateway.ConsumerFace.Steps;
using Naqil.Gateway.Problems;
using Naqil.Gateway.Tests.Pipeline;

namespace Naqil.Gateway.Tests.ConsumerFace.Steps;

public sealed class ChooseProviderStepTests : IDisposable
{
    private readonly StepFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData(StepFixture.Persons, "SY/GOV/CIVREG/gw1 SY/GOV/CIVREG/gw2", null)]
    [InlineData(StepFixture.PartnerService, "IQ/GOV/MOI/gw1", null)]
    [InlineData("SY/GOV/EMPTY/system/thing", "", nameof(GatewayError.ProviderUnreachable))]
    public async Task ChooseProvider_MembersGateways_TakenInTurn_NoneIsProviderUnreachable(string service, string gateways, string? expected)
    {
        var step = new ChooseProviderStep();
        var chosen = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var exchange = _fixture.ResolvedConsumerExchange(service);

            var problem = await step.InvokeAsync(exchange);

            if (expected is null)
            {
                Assert.Null(problem);
                chosen.Add(exchange.Peer!.Id);
            }
            else
            {
                Assert.Equal("no gateway is registered for SY/GOV/EMPTY", StepFixture.Refusal(problem, expected).Detail);
                Assert.Null(exchange.Peer);
            }
        }

        if (expected is null)
        {
            var all = gateways.Split(' ');
            Assert.Equal(all.Order(StringComparer.Ordinal), chosen.Distinct().Order(StringComparer.Ordinal));
            for (var i = 1; i < chosen.Count; i++)
            {
                // Each in turn: the one after the last, never the same twice while there is another.
                Assert.Equal(all[(Array.IndexOf(all, chosen[i - 1]) + 1) % all.Length], chosen[i]);
            }
        }
    }
}
