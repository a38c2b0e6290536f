using System.Security.Cryptography.X509Certificates;
using Naqil.Documents.Sealing;
using Naqil.Registry.Certificates.Tsa;

namespace Naqil.Documents.Tests.TestEnvironment;

/// <summary>The registry's RFC 3161 TSA called in process, counting its requests.</summary>
internal sealed class InProcessTsa(TestPki pki) : ITimestampClient
{
    private readonly TimestampAuthority _authority = new(pki.Tsa, pki.Tsa.GetECDsaPrivateKey()!, TimeProvider.System);

    public int Requests;

    public IReadOnlyList<X509Certificate2> Chain { get; } = [TestPki.Public(pki.Root)];

    public Task<byte[]> RequestAsync(byte[] timeStampRequest, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Requests);
        return Task.FromResult(_authority.Respond(timeStampRequest));
    }
}
