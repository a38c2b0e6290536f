using System.Diagnostics;

namespace Naqil.Tests.Shared;

/// <summary>
/// An independent program (openssl, poppler's pdfsig and pdftotext, NSS's certutil) that checks
/// our output. Absent, the test is skipped locally and fails under CI (<c>CI=true</c>), where
/// <c>.ci/run</c> installs it. Linked into every test project that calls one.
/// </summary>
internal static class ExternalTool
{
    public static string Find(string name, string package)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
        if (found is null)
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail($"{name} (Debian package {package}) is required under CI to check our output independently.");
            }

            Assert.Skip($"{name} is not installed (apt-get install {package}).");
        }

        return found;
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }
}
