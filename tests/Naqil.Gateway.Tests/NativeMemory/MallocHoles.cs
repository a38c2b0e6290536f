using System.Runtime.InteropServices;

namespace Naqil.Gateway.Tests.NativeMemory;

/// <summary>
/// Native blocks of 32 KiB (under malloc's mmap threshold, so in an arena), touched so they are
/// resident, then every other one freed and its neighbours kept: the freed ones are holes malloc
/// keeps as free memory in its arena, not a top it would shrink by itself. The holes are made by
/// the blocks themselves, not by small keepers allocated between them: in a process that has run
/// for a while, a small allocation comes from a free list elsewhere, the big blocks end up side by
/// side, and freed they merge into the top, which free() hands back on its own. What a trim can
/// give back is the holes' whole pages, 7 of each 8.
/// </summary>
internal sealed class MallocHoles : IDisposable
{
    public const int BlockSize = 32 * 1024;

    private readonly nint[] _blocks;

    private MallocHoles(int count)
    {
        _blocks = new nint[count];
        for (var i = 0; i < count; i++)
        {
            _blocks[i] = Marshal.AllocHGlobal(BlockSize);
            for (var offset = 0; offset < BlockSize; offset += 4096)
            {
                Marshal.WriteByte(_blocks[i], offset, 1);
            }
        }
    }

    /// <summary>The bytes freed as holes.</summary>
    public long HoleBytes => _blocks.Length / 2 * (long)BlockSize;

    /// <summary>Allocates and touches <paramref name="count"/> blocks; <see cref="Punch"/> frees every other one.</summary>
    public static MallocHoles Allocate(int count) => new(count);

    public MallocHoles Punch()
    {
        for (var i = 0; i < _blocks.Length; i += 2)
        {
            Marshal.FreeHGlobal(_blocks[i]);
            _blocks[i] = 0;
        }

        return this;
    }

    public void Dispose()
    {
        for (var i = 0; i < _blocks.Length; i++)
        {
            if (_blocks[i] != 0)
            {
                Marshal.FreeHGlobal(_blocks[i]);
                _blocks[i] = 0;
            }
        }
    }
}
