namespace Naqil.Gateway.AccessControl;

/// <summary>Allows <see cref="Client"/> to call <see cref="Service"/>, optionally only some methods or a path prefix.</summary>
public sealed record AclRule(string Service, string Client, IReadOnlyList<string> Methods, string PathPrefix)
{
    public bool Permits(string method, string path) =>
        (Methods.Count == 0 || Methods.Contains(method, StringComparer.Ordinal))
        && (PathPrefix.Length == 0 || path.StartsWith(PathPrefix, StringComparison.Ordinal));
}
