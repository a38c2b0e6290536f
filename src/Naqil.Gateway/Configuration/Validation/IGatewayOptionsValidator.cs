namespace Naqil.Gateway.Configuration.Validation;

/// <summary>
/// Checks one concern of a gateway's configuration (as YARP's route validators each check one
/// part of a route). Each failure is one sentence naming the key, such as
/// <c>Gateway:Services:0:Backend</c>, and the fix.
/// </summary>
internal interface IGatewayOptionsValidator
{
    void Validate(GatewayOptions options, List<string> failures);
}
