namespace Naqil.Configuration;

/// <summary>
/// Files and folders only the account running the component may read: data directories (their
/// databases hold national ids, keys and message bodies) and files that hold secrets (admin tokens,
/// private keys). On Windows the folder's inherited access list applies and nothing is changed.
/// </summary>
public static class OwnerOnly
{
    /// <summary>rwx for the owner, nothing for group and others (0700).</summary>
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>rw for the owner, nothing for group and others (0600).</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Creates <paramref name="path"/> (and missing parents) owner-only; an existing folder that
    /// group or others may enter is narrowed to owner-only, since what a component keeps there
    /// is not theirs to read.
    /// </summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        var info = Directory.CreateDirectory(path, DirectoryMode);
        if ((info.UnixFileMode & ~DirectoryMode) != 0)
        {
            info.UnixFileMode = DirectoryMode;
        }
    }

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> through a temporary file created
    /// owner-only from its first byte (no moment at which another account could open it), then
    /// renamed over the old file.
    /// </summary>
    public static void WriteAllText(string path, string content)
    {
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = System.IO.FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }

        File.Delete(temporary);
        using (var writer = new StreamWriter(temporary, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options))
        {
            writer.Write(content);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
