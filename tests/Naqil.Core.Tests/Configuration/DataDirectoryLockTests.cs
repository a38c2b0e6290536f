using Naqil.Configuration;

namespace Naqil.Core.Tests.Configuration;

public sealed class DataDirectoryLockTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("naqil-lock-");

    [Fact]
    public void TryAcquire_DirectoryHeldByAnother_RefusedNamingKeyAndDirectory()
    {
        var directory = Path.Combine(_root.FullName, "data");
        using var first = new DataDirectoryLock();
        using var second = new DataDirectoryLock();

        Assert.Null(first.TryAcquire(directory, "Gateway:DataDirectory", "gateway"));
        var refused = second.TryAcquire(directory, "Gateway:DataDirectory", "gateway");

        Assert.NotNull(refused);
        Assert.StartsWith($"Gateway:DataDirectory '{directory}' is in use: another gateway holds", refused, StringComparison.Ordinal);
        Assert.Null(second.Directory);
    }

    [Fact]
    public void TryAcquire_AfterHolderDisposed_Succeeds()
    {
        var directory = Path.Combine(_root.FullName, "data");
        using (var first = new DataDirectoryLock())
        {
            Assert.Null(first.TryAcquire(directory, "Registry:DataDirectory", "registry"));
        }

        using var second = new DataDirectoryLock();
        Assert.Null(second.TryAcquire(directory, "Registry:DataDirectory", "registry"));
        Assert.Equal(directory, second.Directory);
    }

    [Fact]
    public void TryAcquire_SameDirectoryTwice_IsIdempotent()
    {
        using var held = new DataDirectoryLock();

        Assert.Null(held.TryAcquire(_root.FullName, "Gateway:DataDirectory", "gateway"));
        Assert.Null(held.TryAcquire(_root.FullName + "/.", "Gateway:DataDirectory", "gateway"));
    }

    [Fact]
    public void TryAcquire_UnderAFile_RefusedSayingItCannotBeUsed()
    {
        var file = Path.Combine(_root.FullName, "file");
        File.WriteAllText(file, "x");
        using var held = new DataDirectoryLock();

        var refused = held.TryAcquire(Path.Combine(file, "data"), "Gateway:DataDirectory", "gateway");

        Assert.NotNull(refused);
        Assert.Contains("cannot be used", refused, StringComparison.Ordinal);
        Assert.Contains("Gateway:DataDirectory", refused, StringComparison.Ordinal);
    }

    public void Dispose() => _root.Delete(recursive: true);
}
