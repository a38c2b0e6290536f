namespace Naqil.Configuration;

/// <summary>
/// An exclusive lock on a component's data directory, held until disposed (with the host), so that
/// a second process started on the same directory stops at start, before it opens a database or a
/// key there. The lock is a file opened with <see cref="FileShare.None"/>, which .NET takes as an
/// advisory <c>flock</c> on Unix and a share lock on Windows: the system drops it when the holder
/// dies, so a crash leaves nothing to clean up.
/// </summary>
public sealed class DataDirectoryLock : IDisposable
{
    public const string FileName = "naqil.lock";

    private readonly Lock _gate = new();
    private FileStream? _held;
    private string? _directory;

    /// <summary>The directory held, or null.</summary>
    public string? Directory => _directory;

    /// <summary>
    /// Takes the lock on <paramref name="directory"/> (created when missing), or confirms it is
    /// already held by this instance. Null on success, else a sentence naming
    /// <paramref name="key"/>, the directory and the fix.
    /// </summary>
    /// <param name="directory">The data directory.</param>
    /// <param name="key">The configuration key that names it, e.g. <c>Gateway:DataDirectory</c>.</param>
    /// <param name="component">What holds it, e.g. <c>gateway</c>.</param>
    public string? TryAcquire(string directory, string key, string component)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var full = Path.GetFullPath(directory);
        lock (_gate)
        {
            if (_held is not null)
            {
                return _directory == full
                    ? null
                    : throw new InvalidOperationException($"this lock already holds {_directory}; one lock guards one directory");
            }

            var path = Path.Combine(full, FileName);
            try
            {
                OwnerOnly.CreateDirectory(full);
                _held = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                _directory = full;
                return null;
            }
            catch (IOException) when (System.IO.Directory.Exists(full) && File.Exists(path))
            {
                return $"{key} '{full}' is in use: another {component} holds {path}; stop that {component}, or give this one a {key} of its own";
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return $"{key} '{full}' cannot be used: {e.Message}; choose a folder this {component} may create and write";
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _held?.Dispose();
            _held = null;
            _directory = null;
        }
    }
}
