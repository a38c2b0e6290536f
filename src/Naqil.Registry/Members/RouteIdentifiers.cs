using System.Diagnostics.CodeAnalysis;
using Naqil.Identifiers;

namespace Naqil.Registry.Members;

/// <summary>
/// Turns route segments into identifiers through the Core parsers, and refuses identifiers of
/// another instance: a registry is the authority of its own instance only.
/// </summary>
internal static class RouteIdentifiers
{
    public static bool TryMember(string ownInstance, string instance, string memberClass, string code, [NotNullWhen(true)] out MemberId? id, [NotNullWhen(false)] out string? error) =>
        MemberId.TryParse($"{instance}/{memberClass}/{code}", out id, out error) && IsOwn(ownInstance, id.Instance, out error);

    /// <summary>A member identifier written whole, as in a request body.</summary>
    public static bool TryMember(string ownInstance, string? text, [NotNullWhen(true)] out MemberId? id, [NotNullWhen(false)] out string? error) =>
        MemberId.TryParse(text, out id, out error) && IsOwn(ownInstance, id.Instance, out error);

    public static bool TrySubsystem(string ownInstance, string instance, string memberClass, string member, string code, [NotNullWhen(true)] out SubsystemId? id, [NotNullWhen(false)] out string? error) =>
        SubsystemId.TryParse($"{instance}/{memberClass}/{member}/{code}", out id, out error) && IsOwn(ownInstance, id.Instance, out error);

    public static bool TryService(string ownInstance, string instance, string memberClass, string member, string subsystem, string code, [NotNullWhen(true)] out ServiceId? id, [NotNullWhen(false)] out string? error) =>
        ServiceId.TryParse($"{instance}/{memberClass}/{member}/{subsystem}/{code}", out id, out error) && IsOwn(ownInstance, id.Instance, out error);

    public static bool TryGateway(string ownInstance, string instance, string memberClass, string member, string code, [NotNullWhen(true)] out MemberId? id, [NotNullWhen(false)] out string? error)
    {
        if (!TryMember(ownInstance, instance, memberClass, member, out id, out error))
        {
            return false;
        }

        error = Identifier.CheckSegment(code, "gateway code");
        return error is null;
    }

    /// <summary>A partner is another instance: a valid instance code that is not this registry's own.</summary>
    public static bool TryPartner(string ownInstance, string instance, [NotNullWhen(false)] out string? error)
    {
        error = Identifier.CheckInstance(instance);
        if (error is null && instance == ownInstance)
        {
            error = $"the instance segment '{instance}' is this registry's own instance; a partner is another instance";
        }

        return error is null;
    }

    private static bool IsOwn(string ownInstance, string instance, [NotNullWhen(false)] out string? error)
    {
        error = instance == ownInstance
            ? null
            : $"the instance segment '{instance}' is not this registry's instance {ownInstance}; register {instance} identifiers at {instance}'s own registry";
        return error is null;
    }
}
