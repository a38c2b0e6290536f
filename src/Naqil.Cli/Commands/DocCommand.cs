using System.CommandLine;
using Naqil.Cli.Documents;
using Naqil.Documents.Validation;

namespace Naqil.Cli.Commands;

/// <summary><c>naqil doc verify | sign</c>: check a sealed PDF or a detached signature offline; sign any file detached (CAdES B-T).</summary>
internal static class DocCommand
{
    public static Command Create()
    {
        var command = new Command("doc", "Verify a sealed document (PAdES PDF or a file with its .p7s) offline, or sign a file with a detached CAdES signature");
        command.Subcommands.Add(Verify());
        command.Subcommands.Add(Sign());
        return command;
    }

    /// <summary>Whether <paramref name="result"/> is of <c>naqil doc verify</c>, whose argument errors exit with <see cref="DocCommands.Refused"/>.</summary>
    public static bool IsVerify(ParseResult result) =>
        result.CommandResult.Command.Name == "verify" && result.CommandResult.Parent is System.CommandLine.Parsing.CommandResult { Command.Name: "doc" };

    private static Command Verify()
    {
        var file = new Argument<FileInfo>("file") { Description = "The sealed PDF, or with --detached the signed file" };
        var detached = new Option<FileInfo?>("--detached") { Description = "A detached CAdES signature (.p7s, DER or PEM) over FILE" };
        var trust = new Option<FileInfo[]>("--trust")
        {
            Description = "Trust anchors: root certificates (PEM, several to a file, or DER); repeat or list several",
            AllowMultipleArgumentsPerToken = true,
        };
        var revocation = new Option<FileInfo[]>("--revocation")
        {
            Description = "OCSP responses or CRLs (DER or PEM) to use beside what the file carries (a .p7s carries none)",
            AllowMultipleArgumentsPerToken = true,
        };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON (fields in docs/documents.md)" };
        var maxBytes = new Option<long>("--max-bytes")
        {
            Description = $"Refuse inputs larger than this, unread (default {ValidationOptions.DefaultMaxInputBytes})",
            DefaultValueFactory = _ => ValidationOptions.DefaultMaxInputBytes,
        };
        var command = new Command("verify", "Validate every signature offline (ETSI EN 319 102-1); exit 0 TOTAL-PASSED, 1 TOTAL-FAILED, 2 INDETERMINATE, 3 refused")
        {
            file, detached, trust, revocation, json, maxBytes,
        };
        command.SetAction(result => DocCommands.Verify(
            result.GetValue(file)!.FullName,
            result.GetValue(detached)?.FullName,
            [.. (result.GetValue(trust) ?? []).Select(f => f.FullName)],
            [.. (result.GetValue(revocation) ?? []).Select(f => f.FullName)],
            result.GetValue(json),
            result.GetValue(maxBytes),
            result.InvocationConfiguration.Output,
            result.InvocationConfiguration.Error));
        return command;
    }

    private static Command Sign()
    {
        var file = new Argument<FileInfo>("file") { Description = "The file to sign (any kind)" };
        var certificate = new Option<FileInfo>("--cert") { Description = "The signer's certificate (PEM)", Required = true };
        var key = new Option<FileInfo>("--key") { Description = "Its ECDSA P-256 private key (PEM, PKCS#8 or SEC1, unencrypted)", Required = true };
        var chain = new Option<FileInfo?>("--chain") { Description = "The CA certificates above it (PEM), to carry in the signature" };
        var tsa = new Option<string>("--tsa") { Description = "The RFC 3161 TSA, e.g. the registry's http://127.0.0.1:4100/tsa", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the detached signature (.p7s, DER)", Required = true };
        var command = new Command("sign", "Sign FILE with a detached CAdES baseline B-T signature (signing-certificate-v2 and a signature timestamp); exit 0, or 1 on failure")
        {
            file, certificate, key, chain, tsa, output,
        };
        command.SetAction((result, cancellationToken) => DocCommands.SignAsync(
            result.GetValue(file)!.FullName,
            result.GetValue(certificate)!.FullName,
            result.GetValue(key)!.FullName,
            result.GetValue(chain)?.FullName,
            result.GetValue(tsa)!,
            result.GetValue(output)!.FullName,
            result.InvocationConfiguration.Output,
            result.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }
}
