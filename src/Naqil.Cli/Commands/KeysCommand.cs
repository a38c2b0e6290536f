using System.CommandLine;
using Naqil.Cli.Keys;

namespace Naqil.Cli.Commands;

/// <summary><c>naqil keys generate | csr | list</c>: keys in a PKCS#11 token, named by RFC 7512 URIs (docs/keys.md).</summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var command = new Command("keys", "Keys in a PKCS#11 token (an HSM, or SoftHSM2): generate one, write a certificate request for it, list them with their certificates' expiry");
        command.Subcommands.Add(Generate());
        command.Subcommands.Add(Csr());
        command.Subcommands.Add(List());
        return command;
    }

    private static Argument<string> Uri(string description) => new("uri") { Description = description };

    private static Command Generate()
    {
        var uri = Uri("The key's pkcs11: URI: token=, object= (its label), module-path= and pin-source=file:/path or env:NAME");
        var command = new Command("generate", "Generate an ECDSA P-256 key pair in the token (private half sensitive, never extractable); prints its public key") { uri };
        command.SetAction(result => KeysCommands.Generate(result.GetValue(uri)!, result.InvocationConfiguration.Output, result.InvocationConfiguration.Error));
        return command;
    }

    private static Command Csr()
    {
        var uri = Uri("The key's pkcs11: URI");
        var subject = new Option<string>("--subject") { Description = "The subject, e.g. \"CN=SY/GOV/CIVREG gateway signing\"", Required = true };
        var output = new Option<FileInfo?>("--out") { Description = "Where to write the PEM request (default: standard output)" };
        var command = new Command("csr", "Write a PKCS#10 certificate request signed by the key in the token, for the registry's CA (POST /admin/v1/certificates)") { uri, subject, output };
        command.SetAction(result => KeysCommands.Csr(result.GetValue(uri)!, result.GetValue(subject)!, result.GetValue(output)?.FullName, result.InvocationConfiguration.Output, result.InvocationConfiguration.Error));
        return command;
    }

    private static Command List()
    {
        var uri = Uri("The token's pkcs11: URI (token=, module-path=, pin-source=; object= is not needed)");
        var certificates = new Option<FileInfo[]>("--certificates")
        {
            Description = "PEM certificates to match to the keys, to show whose they are and when they expire",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("list", "List the token's EC key pairs: label, id, public key fingerprint, and the certificate of each among --certificates with its expiry") { uri, certificates };
        command.SetAction(result => KeysCommands.List(result.GetValue(uri)!, [.. (result.GetValue(certificates) ?? []).Select(f => f.FullName)], result.InvocationConfiguration.Output, result.InvocationConfiguration.Error));
        return command;
    }
}
