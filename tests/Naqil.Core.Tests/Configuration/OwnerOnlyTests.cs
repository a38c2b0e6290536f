using Naqil.Configuration;

namespace Naqil.Core.Tests.Configuration;

/// <summary>Data directories and secret files are for the component's own account only.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class OwnerOnlyTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("naqil-owner-");

    [Fact]
    public void CreateDirectory_New_OwnerOnly()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix modes");
        var path = Path.Combine(_root.FullName, "a", "data");

        OwnerOnly.CreateDirectory(path);

        Assert.Equal(OwnerOnly.DirectoryMode, File.GetUnixFileMode(path));
    }

    [Fact]
    public void CreateDirectory_ExistingOpenToOthers_Narrowed()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix modes");
        var path = Path.Combine(_root.FullName, "shared");
        Directory.CreateDirectory(path, OwnerOnly.DirectoryMode | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(path, OwnerOnly.DirectoryMode | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        OwnerOnly.CreateDirectory(path);

        Assert.Equal(OwnerOnly.DirectoryMode, File.GetUnixFileMode(path));
    }

    [Fact]
    public void WriteAllText_NewAndReplaced_OwnerOnlyWithTheContent()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix modes");
        var path = Path.Combine(_root.FullName, "gateway.json");
        File.WriteAllText(path, "old");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        OwnerOnly.WriteAllText(path, "{\"adminToken\":\"secret\"}");

        Assert.Equal(OwnerOnly.FileMode, File.GetUnixFileMode(path));
        // The bytes themselves, without a byte-order mark: `curl -H "Authorization: Bearer $(cat admin-token)"` must work.
        Assert.Equal("{\"adminToken\":\"secret\"}"u8.ToArray(), File.ReadAllBytes(path));
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void DataDirectoryLock_CreatesTheDirectoryOwnerOnly()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix modes");
        var path = Path.Combine(_root.FullName, "gateway-data");
        using var held = new DataDirectoryLock();

        Assert.Null(held.TryAcquire(path, "Gateway:DataDirectory", "gateway"));

        Assert.Equal(OwnerOnly.DirectoryMode, File.GetUnixFileMode(path));
    }

    public void Dispose() => _root.Delete(recursive: true);
}
