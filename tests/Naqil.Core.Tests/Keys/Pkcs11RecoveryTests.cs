using System.Security.Cryptography;
using Naqil.Keys;
using Naqil.Tests.Shared;

namespace Naqil.Core.Tests.Keys;

/// <summary>A token that goes away mid-use: signing is refused with signing-unavailable, never done another way, and resumes by itself when the token is back.</summary>
public sealed class Pkcs11RecoveryTests
{
    [Fact]
    public void SignHash_TokenGoneThenBack_RefusedThenRecoversButNeverWithAnotherKey()
    {
        var token = TestSoftHsm.NewToken();
        Pkcs11KeyAdmin.Generate(token.ForObject("k")).Dispose();
        // One server per test process: the client module reads its address once.
        using var remote = TestRemoteToken.Serve(token);
        using var key = Pkcs11ECDsa.Open(remote.Token.ForObject("k"));
        using var verifier = ECDsa.Create(key.ExportParameters(false));
        byte[] data = [1, 2, 3];
        Assert.True(verifier.VerifyData(data, key.SignData(data, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256));

        remote.Stop();
        var gone = Assert.Throws<SigningUnavailableException>(() => key.SignData(data, HashAlgorithmName.SHA256));
        Assert.Contains(token.Token!, gone.Message);
        // Still gone: refused again, at once, not signed some other way.
        Assert.Throws<SigningUnavailableException>(() => key.SignData(data, HashAlgorithmName.SHA256));

        remote.Start();
        var signature = Retry(() => key.SignData(data, HashAlgorithmName.SHA256));
        Assert.True(verifier.VerifyData(data, signature, HashAlgorithmName.SHA256));

        // Gone and back again while eight threads sign: every one is refused while it is gone and
        // signs again once it is back (a reset waits for the calls in flight, never for a thread
        // that waits for it).
        using (var stop = new CancellationTokenSource())
        {
            var refusedWhileGone = 0;
            var signedAfter = new bool[8];
            var back = 0;
            var signers = Enumerable.Range(0, 8).Select(i => new Thread(() =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var wasBack = Volatile.Read(ref back) == 1;
                    try
                    {
                        key.SignData(data, HashAlgorithmName.SHA256);
                        if (wasBack)
                        {
                            signedAfter[i] = true;
                        }
                    }
                    catch (SigningUnavailableException)
                    {
                        Interlocked.Increment(ref refusedWhileGone);
                    }
                }
            })).ToArray();
            foreach (var signer in signers)
            {
                signer.IsBackground = true; // a thread stuck in a deadlock must not keep the test run alive
                signer.Start();
            }

            remote.Stop();
            Wait(() => Volatile.Read(ref refusedWhileGone) >= 8, "refusals while the token is gone");
            remote.Start();
            Volatile.Write(ref back, 1);
            Wait(() => signedAfter.All(s => s), "every thread signing again once the token is back");
            stop.Cancel();
            Assert.All(signers, signer => Assert.True(signer.Join(TimeSpan.FromSeconds(10)), "a signing thread never returned"));
        }

        // Gone again, and back holding another key under the same label (and no other): refused.
        remote.Stop();
        Pkcs11Token.For(token).Use(session =>
        {
            var f = session.Factories.ObjectAttributeFactory;
            foreach (var handle in session.FindAllObjects([f.Create(Net.Pkcs11Interop.Common.CKA.CKA_LABEL, "k")]))
            {
                session.DestroyObject(handle);
            }

            return true;
        });
        Pkcs11KeyAdmin.Generate(token.ForObject("k")).Dispose();
        remote.Start();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var refused = Assert.Throws<SigningUnavailableException>(() => key.SignData(data, HashAlgorithmName.SHA256));
            if (refused.Message.Contains("not the key it was at start", StringComparison.Ordinal))
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the token never came back: {refused.Message}");
            Thread.Sleep(50);
        }
    }

    private static void Wait(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"no {what} within 20 s");
            Thread.Sleep(20);
        }
    }

    /// <summary>Tries until the token answers (after its refusal window), for at most ten seconds.</summary>
    private static T Retry<T>(Func<T> action)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                return action();
            }
            catch (SigningUnavailableException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }
    }
}
