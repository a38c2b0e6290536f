using Naqil.Gateway.NativeMemory;

namespace Naqil.Gateway.Tests.NativeMemory;

public sealed class MallocArenasTests
{
    [Theory]
    [InlineData(true, null, null, true)]
    [InlineData(true, "", "", true)]
    [InlineData(true, null, "glibc.malloc.tcache_count=0", true)]
    [InlineData(false, null, null, false)]
    [InlineData(true, "4", null, false)]
    [InlineData(true, null, "glibc.malloc.arena_max=8", false)]
    [InlineData(true, null, "glibc.malloc.check=0:glibc.malloc.arena_max=1", false)]
    public void ShouldCap_OnlyOnLinux_AndNeverOverAnOperatorsOwnLimit(bool isLinux, string? arenaMax, string? tunables, bool expected)
    {
        var environment = new Dictionary<string, string?> { ["MALLOC_ARENA_MAX"] = arenaMax, ["GLIBC_TUNABLES"] = tunables };

        Assert.Equal(expected, MallocArenas.ShouldCap(isLinux, name => environment.GetValueOrDefault(name)));
    }
}
