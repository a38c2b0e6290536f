using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Naqil.Keys;

namespace Naqil.Benchmarks.Keys;

/// <summary>
/// What a key in a PKCS#11 token adds per signature: an ECDSA P-256 signature of a SHA-256 hash
/// with the key in memory (the PEM-file case, the baseline) against the same with a key in a
/// SoftHSM2 token through <see cref="Pkcs11ECDsa"/> (a pooled session, <c>C_SignInit</c> and
/// <c>C_Sign</c>), single-threaded and from four threads at once. SoftHSM2 signs in software, so
/// the difference is the PKCS#11 path itself (marshalling, the session pool, the token's locks);
/// a hardware HSM adds its own signing time and, over a network, a round trip.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class TokenSigningBenchmarks
{
    private const int Threads = 4;
    private const int PerThread = 256;
    private readonly byte[] _hash = SHA256.HashData("naqil signature base"u8);
    private ECDsa _file = null!;
    private ECDsa _token = null!;

    [GlobalSetup]
    public void Setup()
    {
        var module = SoftHsm.FindModule() ?? throw new InvalidOperationException("SoftHSM2 is not installed (apt-get install softhsm2)");
        SoftHsm.Use(Directory.CreateTempSubdirectory("naqil-bench-softhsm-").FullName);
        Pkcs11KeyAdmin.InitializeToken(module, "bench", "so-pin-1234", "pin-1234");
        _token = Pkcs11KeyAdmin.Generate(new Pkcs11Uri { ModulePath = module, Token = "bench", Object = "signing", PinValue = "pin-1234" });
        _file = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        // What is timed must sign with the token's key: check one signature against its public half.
        using var verifier = ECDsa.Create(_token.ExportParameters(false));
        if (!verifier.VerifyHash(_hash, _token.SignHash(_hash)))
        {
            throw new InvalidOperationException("the token's signature does not verify");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _file.Dispose();
        _token.Dispose();
    }

    [Benchmark(Baseline = true)]
    public byte[] FileKey() => _file.SignHash(_hash);

    [Benchmark]
    public byte[] TokenKey() => _token.SignHash(_hash);

    [Benchmark(OperationsPerInvoke = Threads * PerThread)]
    public void FileKeyFourThreads() => Parallel(_file);

    [Benchmark(OperationsPerInvoke = Threads * PerThread)]
    public void TokenKeyFourThreads() => Parallel(_token);

    private void Parallel(ECDsa key)
    {
        var threads = new Thread[Threads];
        for (var i = 0; i < Threads; i++)
        {
            threads[i] = new Thread(() =>
            {
                for (var n = 0; n < PerThread; n++)
                {
                    key.SignHash(_hash);
                }
            });
            threads[i].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }
    }
}
