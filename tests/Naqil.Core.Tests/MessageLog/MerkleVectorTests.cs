using Naqil.MessageLog;

namespace Naqil.Core.Tests.MessageLog;

/// <summary>
/// Known answers from the Certificate Transparency reference data (transparency-dev/merkle
/// <c>testonly/constants.go</c> and <c>reference_test.go</c>): eight leaves, the roots of every
/// prefix, and proofs computed by an independent implementation.
/// </summary>
public sealed class MerkleVectorTests
{
    private static readonly byte[][] Entries =
    [
        [],
        [0x00],
        [0x10],
        [0x20, 0x21],
        [0x30, 0x31],
        [0x40, 0x41, 0x42, 0x43],
        [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
        [0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f],
    ];

    private static readonly string[] Roots =
    [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    private static readonly string[] LeafHashHex =
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    ];

    private static byte[][] LeafHashes => [.. Entries.Select(e => MerkleTree.HashLeaf(e))];

    public static TheoryData<int> Sizes => [.. Enumerable.Range(0, 9)];

    public static TheoryData<long, long, string[]> InclusionVectors => new()
    {
        { 0, 1, [] },
        { 0, 2, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"] },
        { 1, 2, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"] },
        { 2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"] },
        {
            1, 5,
            [
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ]
        },
        {
            0, 8,
            [
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ]
        },
        {
            5, 8,
            [
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]
        },
    };

    public static TheoryData<long, long, string[]> ConsistencyVectors => new()
    {
        { 1, 1, [] },
        {
            1, 8,
            [
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ]
        },
        {
            2, 5,
            [
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ]
        },
        {
            6, 8,
            [
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]
        },
    };

    [Fact]
    public void HashLeaf_KnownEntries_MatchReferenceLeafHashes()
    {
        Assert.Equal(LeafHashHex, LeafHashes.Select(Convert.ToHexStringLower));
    }

    [Fact]
    public void HashLeaf_EntryLargerThanStackBuffer_MatchesPrefixedSha256()
    {
        var entry = Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray();

        Assert.Equal(MerkleReference.Leaf(entry), MerkleTree.HashLeaf(entry));
    }

    [Fact]
    public void EmptyRootHash_IsSha256OfEmptyString()
    {
        Assert.Equal(Roots[0], Convert.ToHexStringLower(MerkleTree.EmptyRootHash));
        Assert.Equal(Roots[0], Convert.ToHexStringLower(MerkleTree.ComputeRoot(Array.Empty<byte[]>())));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void ComputeRoot_EachPrefixOfTheEightLeaves_MatchesKnownRoot(int size)
    {
        Assert.Equal(Roots[size], Convert.ToHexStringLower(MerkleTree.ComputeRoot(LeafHashes[..size])));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Builder_EachPrefixOfTheEightLeaves_MatchesKnownRoot(int size)
    {
        var builder = new MerkleTreeBuilder();
        foreach (var leaf in LeafHashes[..size])
        {
            builder.Append(leaf);
        }

        Assert.Equal(Roots[size], Convert.ToHexStringLower(builder.ComputeRoot()));
    }

    [Theory]
    [MemberData(nameof(InclusionVectors))]
    public void CreateInclusionProof_KnownVector_MatchesByteForByteAndVerifies(long index, long size, string[] expected)
    {
        var proof = MerkleProofs.CreateInclusionProof(LeafHashes, index, size);

        Assert.Equal(expected, proof.Select(Convert.ToHexStringLower));
        Assert.True(MerkleProofs.VerifyInclusion(LeafHashes[index], index, size, proof, Convert.FromHexString(Roots[size])));
    }

    [Theory]
    [MemberData(nameof(ConsistencyVectors))]
    public void CreateConsistencyProof_KnownVector_MatchesByteForByteAndVerifies(long first, long second, string[] expected)
    {
        var proof = MerkleProofs.CreateConsistencyProof(LeafHashes, first, second);

        Assert.Equal(expected, proof.Select(Convert.ToHexStringLower));
        Assert.True(MerkleProofs.VerifyConsistency(
            first, second, Convert.FromHexString(Roots[first]), Convert.FromHexString(Roots[second]), proof));
    }
}
