using System.Text.Json.Nodes;
using Naqil.Agencies.Regulator.Numbering;
using Naqil.Agencies.Regulator.Portability;
using Naqil.Agencies.Regulator.Settlement;

namespace Naqil.Agencies.Regulator.Apis;

/// <summary>
/// The OpenAPI 3.1 description of a regulator's API, written by hand so it says what the code
/// enforces (the types, states, steps, reasons and problem codes come from the code's own lists).
/// </summary>
internal static class RegulatorOpenApi
{
    private static readonly RegulatorError[] Caller = [RegulatorError.ClientRequired, RegulatorError.NotPermitted];

    /// <summary>The refusals each operation can answer with, by path and method.</summary>
    public static readonly (string Path, string Method, string Summary, RegulatorError[] Errors)[] Operations =
    [
        ("/numbers/{number}", "get", "Look a number up as typed (0944 123 456, +963944123456, 00963…, Arabic-Indic digits): E.164, validity and reason, type, area, block, block operator, serving operator (portability first)",
            [RegulatorError.MalformedNumber, RegulatorError.UnknownCountryCode]),
        ("/operators", "get", "The operators the regulator licenses", []),
        ("/blocks", "get", "The plan's blocks, filtered by ?type=&state=&operator=", [RegulatorError.MalformedRequest]),
        ("/blocks", "post", "Add a free block {prefix, nsnLength, type, area}; overlapping or nested blocks are refused (the regulator only)",
            [RegulatorError.MalformedRequest, RegulatorError.BlockOverlaps, RegulatorError.TooLarge, .. Caller]),
        ("/blocks/{prefix}", "get", "A block and its dated history", [RegulatorError.BlockNotFound]),
        ("/blocks/{prefix}/state", "post", "Move a block along free → reserved → allocated → withdrawn → quarantine → free {state, operator, note} (the regulator only)",
            [RegulatorError.MalformedRequest, RegulatorError.UnknownOperator, RegulatorError.BlockNotFound, RegulatorError.TransitionNotAllowed, RegulatorError.TooLarge, .. Caller]),
        ("/ports", "post", "A recipient operator asks for a number {number}: submitted, then validated (operators only)",
            [RegulatorError.MalformedNumber, RegulatorError.UnknownCountryCode, RegulatorError.MalformedRequest, RegulatorError.NumberNotAllocated, RegulatorError.NumberInQuarantine,
                RegulatorError.SameOperator, RegulatorError.PortOpen, RegulatorError.TooLarge, .. Caller]),
        ("/ports", "get", "Port requests, the latest first, ?operator= as recipient or donor", []),
        ("/ports/{id}", "get", "A port request and its steps (a validated one past the donor's deadline is accepted first)", [RegulatorError.MalformedRequest, RegulatorError.PortNotFound]),
        ("/ports/{id}/{step}", "post", "A party's step: accept or reject {reason} (the donor), schedule {portAt}, complete, cancel (the recipient); with {from} the state the caller saw, refused if it moved on",
            [RegulatorError.MalformedRequest, RegulatorError.PortNotFound, RegulatorError.TransitionNotAllowed, RegulatorError.StateChanged, RegulatorError.DeadlinePassed, RegulatorError.TooEarly, RegulatorError.TooLarge, .. Caller]),
        ("/links", "get", "International links with utilisation, and the alarms of those above 80%", []),
        ("/links/{id}", "put", "Add or replace a link (the regulator only); a new status fails its destinations over",
            [RegulatorError.MalformedRequest, RegulatorError.TooLarge, .. Caller]),
        ("/links/{id}/status", "post", "A link goes up, degraded or down {status, usedGbps}: the failovers it caused and the destinations left without a route (the regulator only)",
            [RegulatorError.MalformedRequest, RegulatorError.UnknownLink, RegulatorError.TooLarge, .. Caller]),
        ("/routes", "get", "The route table: each destination's routes and active link, and the destinations with none", []),
        ("/routes/{destination}", "get", "The routes of the destination a number or prefix falls under (longest prefix), with recent changes",
            [RegulatorError.MalformedNumber, RegulatorError.UnknownCountryCode, RegulatorError.UnknownDestination]),
        ("/routes/{destination}", "put", "Set a destination's routes {links: [preferred, …]} (the regulator only)",
            [RegulatorError.MalformedRequest, RegulatorError.UnknownCountryCode, RegulatorError.UnknownLink, RegulatorError.TooLarge, .. Caller]),
        ("/route-changes", "get", "Recorded failovers, the latest first, ?destination=", []),
        ("/settlement/statements", "post", "Record this regulator's monthly statement and publish it to the partner over the bus (the regulator only)",
            [RegulatorError.MalformedRequest, RegulatorError.WrongPartner, RegulatorError.TooLarge, .. Caller]),
        ("/settlement/statements", "get", "Statements held: this regulator's (pending, published, failed, local) and the partners' (received)", [RegulatorError.MalformedRequest]),
        ("/settlement/{period}/reconciliation", "get", "Both sides' statements of a month line by line, differences above 1% flagged as disputes, ?partner=",
            [RegulatorError.MalformedRequest, RegulatorError.StatementNotFound]),
        ("/events/settlement", "post", "A partner regulator's statement, as this regulator's gateway delivers it from the partner's topic",
            [RegulatorError.MalformedRequest, RegulatorError.UnknownTopic, RegulatorError.WrongPartner, RegulatorError.TooLarge]),
    ];

    public static string Document(RegulatorProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var paths = new JsonObject();
        foreach (var (path, method, summary, errors) in Operations)
        {
            var responses = new JsonObject { ["200"] = new JsonObject { ["description"] = "The answer, as JSON" } };
            if (method is "post" or "put")
            {
                responses["201"] = new JsonObject { ["description"] = "Created" };
            }

            foreach (var group in errors.Select(RegulatorProblems.Describe).GroupBy(e => e.Status).OrderBy(g => g.Key))
            {
                responses[group.Key.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject
                {
                    ["description"] = "Refused: " + string.Join(", ", group.Select(e => e.Code).Distinct()),
                    ["content"] = new JsonObject { ["application/problem+json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/Problem" } } },
                };
            }

            var parameters = new JsonArray();
            foreach (var name in path.Split('/').Where(s => s.StartsWith('{')).Select(s => s.Trim('{', '}')))
            {
                parameters.Add(new JsonObject { ["name"] = name, ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } });
            }

            var operation = new JsonObject { ["summary"] = summary, ["parameters"] = parameters, ["responses"] = responses };
            if (method is "post" or "put")
            {
                operation["requestBody"] = new JsonObject { ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } } } };
            }

            if (paths[path] is not JsonObject item)
            {
                paths[path] = item = new JsonObject();
            }

            item[method] = operation;
        }

        var document = new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = $"{profile.Name}: numbering plan, portability, international routes, settlement",
                ["version"] = "1.0",
                ["description"] = $"The telecom regulator of {profile.Country} (+{profile.CountryCode}). Callers that change anything are named by Naqil-Client, as the provider gateway forwards it: " +
                    $"the plan, links, routes and statements are {profile.Member}'s to change; each operator takes only its own side of a port request. See docs/regulator.md.",
            },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = new JsonObject
                {
                    ["Problem"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["properties"] = new JsonObject
                        {
                            ["title"] = new JsonObject { ["type"] = "string" },
                            ["status"] = new JsonObject { ["type"] = "integer" },
                            ["detail"] = new JsonObject { ["type"] = "string" },
                            ["code"] = new JsonObject { ["enum"] = new JsonArray([.. System.Enum.GetValues<RegulatorError>().Where(e => e != RegulatorError.None).Select(e => (JsonNode)RegulatorProblems.Describe(e).Code)]) },
                        },
                    },
                    ["NumberType"] = Strings(NumberingPlan.Types.Select(NumberingPlan.Name)),
                    ["BlockState"] = Strings(NumberingPlan.States.Select(NumberingPlan.Name)),
                    ["PortState"] = Strings(System.Enum.GetValues<PortState>().Select(PortRules.Name)),
                    ["PortStep"] = Strings(PortRules.Actions.Select(a => a.Name)),
                    ["RejectReason"] = Strings(PortRules.RejectReasons),
                    ["TrafficType"] = Strings(SettlementStatement.TrafficTypes),
                },
            },
        };
        return document.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });

        static JsonObject Strings(IEnumerable<string> values) => new() { ["type"] = "string", ["enum"] = new JsonArray([.. values.Select(v => (JsonNode)v)]) };
    }
}
