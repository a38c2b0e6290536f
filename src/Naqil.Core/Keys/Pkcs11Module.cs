using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Naqil.Keys;

/// <summary>
/// One PKCS#11 library loaded once per process, whoever uses it: PKCS#11 allows one
/// <c>C_Initialize</c> per process, and every token and key behind the module shares it. When a
/// token fails, its users ask for a <see cref="Reset"/> (<c>C_Finalize</c>, unload, load and
/// <c>C_Initialize</c> again on next use), which is how a client library that lost its device or
/// its network HSM is brought back. Calls into the library hold the read side of a lock and a
/// reset takes the write side, so the library is never finalised under a call in flight.
/// </summary>
internal sealed class Pkcs11Module
{
    private static readonly ConcurrentDictionary<string, Pkcs11Module> Modules = new(StringComparer.Ordinal);

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.SupportsRecursion);
    private readonly object _loading = new();
    private IPkcs11Library? _library;

    static Pkcs11Module()
    {
        // Pkcs11Interop loads modules through dlopen from "libdl", a name only the C development
        // package provides (libdl.so); a bare runtime has libdl.so.2, and glibc 2.34+ has dlopen in libc.
        NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, static (name, assembly, path) =>
            name == "libdl" && OperatingSystem.IsLinux()
                ? NativeLibrary.TryLoad("libdl.so.2", out var handle) || NativeLibrary.TryLoad("libc.so.6", out handle) ? handle : IntPtr.Zero
                : IntPtr.Zero);
    }

    private Pkcs11Module(string path) => Path = path;

    public string Path { get; }

    public Pkcs11InteropFactories Factories { get; } = new();

    /// <summary>Goes up by one at each reset: sessions and handles of an older generation are dead.</summary>
    public int Generation { get; private set; }

    public static Pkcs11Module For(string path) => Modules.GetOrAdd(System.IO.Path.GetFullPath(path), p => new Pkcs11Module(p));

    /// <summary>Runs <paramref name="action"/> with the library loaded, and no reset beside it.</summary>
    public T Use<T>(Func<IPkcs11Library, int, T> action)
    {
        _lock.EnterReadLock();
        try
        {
            return action(Library(), Generation);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Finalises and unloads the library if it is still at <paramref name="generation"/>; the next use loads it again.</summary>
    public void Reset(int generation)
    {
        _lock.EnterWriteLock();
        try
        {
            if (generation != Generation)
            {
                return;
            }

            Generation++;
            var library = _library;
            _library = null;
            try
            {
                library?.Dispose();
            }
            catch (Exception)
            {
                // A library that lost its device may fail to finalise too; it is unloaded either way.
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private IPkcs11Library Library()
    {
        if (_library is { } loaded)
        {
            return loaded;
        }

        lock (_loading)
        {
            if (_library is null)
            {
                if (!File.Exists(Path))
                {
                    throw new SigningUnavailableException($"the PKCS#11 module {Path} does not exist; install it or correct module-path");
                }

                try
                {
                    _library = Factories.Pkcs11LibraryFactory.LoadPkcs11Library(Factories, Path, AppType.MultiThreaded);
                }
                catch (Exception e) when (e is Pkcs11Exception or UnmanagedException or DllNotFoundException or EntryPointNotFoundException)
                {
                    throw new SigningUnavailableException($"the PKCS#11 module {Path} could not be loaded: {e.Message}", e);
                }
            }

            return _library;
        }
    }
}
