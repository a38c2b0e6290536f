using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Naqil.MessageLog;

namespace Naqil.Benchmarks.MessageLog;

/// <summary>
/// The message log's Merkle operations against a plain SHA-256 of 32 bytes (the unit of work of
/// every other line). Proofs are over one million in-memory leaves with no subtree cache, so
/// generation shows the documented worst case of O(n) hashing per proof.
/// </summary>
[MemoryDiagnoser]
public class MerkleBenchmarks
{
    private const int TreeSize = 1_000_000;

    private readonly byte[] _input = SHA256.HashData("input"u8);
    private readonly byte[] _output = new byte[32];
    private byte[][] _leaves = [];
    private byte[] _root = [];
    private byte[][] _proof = [];
    private MerkleTreeBuilder _builder = new();
    private long _index;

    [GlobalSetup]
    public void Setup()
    {
        _leaves = new byte[TreeSize][];
        for (var i = 0; i < TreeSize; i++)
        {
            _leaves[i] = MerkleTree.HashLeaf(BitConverter.GetBytes(i));
        }

        _root = MerkleTree.ComputeRoot(_leaves);
        _index = 654_321;
        _proof = MerkleProofs.CreateInclusionProof(_leaves, _index, TreeSize);
        _builder = new MerkleTreeBuilder();
    }

    [Benchmark(Baseline = true)]
    public void Sha256Of32Bytes() => SHA256.HashData(_input, _output);

    [Benchmark]
    public void LeafHash() => MerkleTree.HashLeaf(_input, _output);

    /// <summary>Append one leaf and compute the new root, as the gateway does per exchange.</summary>
    [Benchmark]
    public void AppendAndRoot()
    {
        _builder.Append(_input);
        _builder.ComputeRoot(_output);
    }

    [Benchmark]
    public byte[][] InclusionProofGeneration() => MerkleProofs.CreateInclusionProof(_leaves, _index, TreeSize);

    [Benchmark]
    public bool InclusionProofVerification() => MerkleProofs.VerifyInclusion(_leaves[_index], _index, TreeSize, _proof, _root);
}
