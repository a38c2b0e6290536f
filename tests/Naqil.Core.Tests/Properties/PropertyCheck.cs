using FsCheck;

namespace Naqil.Core.Tests.Properties;

/// <summary>
/// Runs an FsCheck property inside an xunit <c>[Fact]</c>. FsCheck.Xunit.v3 3.6.0 needs xunit.v3 4.x
/// and this repository is on 3.2.2, so the properties use plain FsCheck and throw on the first
/// falsified case (the message carries the seed and the shrunk counterexample).
/// </summary>
internal static class PropertyCheck
{
    public static void Run(Property property, int maxTest) =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(maxTest), property);
}
