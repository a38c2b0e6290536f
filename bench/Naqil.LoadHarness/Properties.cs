using System.Runtime.Versioning;

// The harness reads /proc and starts nginx and wrk: it runs on Linux only.
[assembly: SupportedOSPlatform("linux")]
