using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace Naqil.Agencies.Regulator.Numbering;

/// <summary>
/// The plan and the portability database in memory, for lookups: the blocks by (prefix length,
/// prefix value), one dictionary probe per prefix length in use (blocks never nest, so at most one
/// matches), and the ported numbers by their E.164 digits as a long. Loaded from the store and kept
/// in step with each committed write by <see cref="RegulatorService"/>; lookups never touch the store.
/// </summary>
internal sealed class NumberingIndex
{
    private volatile BlockTable _blocks = BlockTable.Empty;
    private readonly ConcurrentDictionary<long, string> _ported = new();

    public int BlockCount => _blocks.Count;

    public int PortedCount => _ported.Count;

    /// <summary>Replaces every block (after loading the plan, or after a block changed).</summary>
    public void SetBlocks(IEnumerable<NumberBlock> blocks) => _blocks = new BlockTable(blocks);

    public void SetPorted(long e164, string? servingOperator)
    {
        if (servingOperator is null)
        {
            _ported.TryRemove(e164, out _);
        }
        else
        {
            _ported[e164] = string.IsInterned(servingOperator) ?? string.Intern(servingOperator);
        }
    }

    public void LoadPorted(IEnumerable<(long E164, string Operator)> ported)
    {
        _ported.Clear();
        foreach (var (number, op) in ported)
        {
            SetPorted(number, op);
        }
    }

    /// <summary>The block whose prefix starts <paramref name="nsn"/>, if any.</summary>
    public NumberBlock? Block(ReadOnlySpan<char> nsn) => _blocks.Find(nsn);

    public string? Ported(long e164) => _ported.TryGetValue(e164, out var op) ? op : null;

    private sealed class BlockTable
    {
        public static readonly BlockTable Empty = new([]);

        private readonly FrozenDictionary<long, NumberBlock> _byKey;
        private readonly int[] _lengths;

        public BlockTable(IEnumerable<NumberBlock> blocks)
        {
            var list = blocks.ToList();
            Count = list.Count;
            _byKey = list.ToFrozenDictionary(b => Key(b.Prefix.Length, Value(b.Prefix)));
            _lengths = [.. list.Select(b => b.Prefix.Length).Distinct().Order()];
        }

        public int Count { get; }

        public NumberBlock? Find(ReadOnlySpan<char> nsn)
        {
            long value = 0;
            var length = 0;
            foreach (var l in _lengths)
            {
                if (l > nsn.Length)
                {
                    break;
                }

                while (length < l)
                {
                    value = (value * 10) + (nsn[length++] - '0');
                }

                if (_byKey.TryGetValue(Key(l, value), out var block))
                {
                    return block;
                }
            }

            return null;
        }

        private static long Key(int length, long value) => ((long)length << 56) | value;

        private static long Value(string digits)
        {
            long value = 0;
            foreach (var c in digits)
            {
                value = (value * 10) + (c - '0');
            }

            return value;
        }
    }
}
