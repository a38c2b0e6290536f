using Naqil.Gateway.Forwarding;

namespace Naqil.Gateway.Tests.Forwarding;

public sealed class ForwarderTests
{
    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    [InlineData("DELETE")]
    public void Method_StandardMethod_IsHttpClientsSharedInstance(string method)
    {
        Assert.Same(HttpMethod.Parse(method), Forwarder.Method(method));
    }

    [Theory]
    [InlineData("get")]
    [InlineData("Post")]
    [InlineData("PURGE")]
    public void Method_AnyOtherSpelling_IsForwardedAsItCame(string method)
    {
        // The consumer signs @method as it forwards it; folding "get" into GET would sign and
        // send a different request than the client made.
        Assert.Equal(method, Forwarder.Method(method).Method);
    }
}
