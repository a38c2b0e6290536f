namespace Naqil.Agencies.Tests;

/// <summary>A directory of the test's own, deleted afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("naqil-postal-").FullName;

    public void Dispose()
    {
        Directory.Delete(Path, recursive: true);
    }
}
