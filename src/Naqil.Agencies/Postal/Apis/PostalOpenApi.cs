using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Naqil.Agencies.Postal.Apis;

/// <summary>
/// The OpenAPI 3.1 description of a post's API, written by hand so it says what the code
/// enforces (the S10 pattern, the EMSEVT codes, the problem codes) and nothing it does not.
/// </summary>
internal static class PostalOpenApi
{
    /// <summary>The refusals each operation can answer with; the document lists them by status.</summary>
    public static readonly (string Path, string Method, PostalError[] Errors)[] Refusals =
    [
        ("/items", "get", [PostalError.MalformedRequest, PostalError.UnknownOffice]),
        ("/items", "post", [PostalError.MalformedItemId, PostalError.MalformedRequest, PostalError.UnknownOffice, PostalError.NotAnOfficeOfExchange,
            PostalError.WrongPost, PostalError.FutureTime, PostalError.ItemExists, PostalError.TooLarge]),
        ("/items/{itemId}", "get", [PostalError.MalformedItemId, PostalError.ItemNotFound]),
        ("/items/{itemId}/events", "post", [PostalError.MalformedItemId, PostalError.MalformedRequest, PostalError.UnknownEventCode, PostalError.UnknownOffice,
            PostalError.NotAnOfficeOfExchange, PostalError.WrongPost, PostalError.OutOfOrder, PostalError.FutureTime, PostalError.ItemNotFound, PostalError.TooLarge]),
        ("/events/ems", "post", [PostalError.MalformedItemId, PostalError.MalformedRequest, PostalError.UnknownEventCode, PostalError.WrongPost, PostalError.UnknownTopic,
            PostalError.OutOfOrder, PostalError.HistoryConflict, PostalError.FutureTime, PostalError.ItemNotFound, PostalError.TooLarge]),
        ("/publications", "get", [PostalError.MalformedRequest]),
    ];

    public static string Document(Post post)
    {
        ArgumentNullException.ThrowIfNull(post);
        var problemCodes = new JsonArray([.. Enum.GetValues<PostalError>().Where(e => e != PostalError.None).Select(e => (JsonNode)PostalProblems.Describe(e).Code)]);
        var eventCodes = new JsonArray([.. EmsEvents.All.Select(e => (JsonNode)e.Code.ToString())]);
        var statuses = new JsonArray([.. EmsEvents.All.Select(e => (JsonNode)e.Status)]);
        var offices = new JsonArray([.. post.Offices.Select(o => (JsonNode)o.Code)]);
        var document = JsonNode.Parse($$"""
            {
              "openapi": "3.1.0",
              "info": {
                "title": "{{post.Name}} EMS items",
                "version": "1.0",
                "description": "The operator and tracking API of the post of {{post.Country}}: items are UPU S10 ids, events are EMSEVT codes (EMA..EMI). Events cross to the other post over Naqil publish/subscribe: this post publishes its own, and receives the other post's at /events/ems. See docs/postal.md."
              },
              "paths": {
                "/items": {
                  "get": {
                    "summary": "List items by the office and status of their last event",
                    "parameters": [
                      { "name": "office", "in": "query", "schema": { "$ref": "#/components/schemas/Office" } },
                      { "name": "status", "in": "query", "schema": { "$ref": "#/components/schemas/Status" } },
                      { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 200, "default": 50 } }
                    ],
                    "responses": {
                      "200": { "description": "The items", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ItemList" } } } }
                    }
                  },
                  "post": {
                    "summary": "Accept an item: EMA for one posted here, EMD for one arriving from abroad (also onto the origin's events received from the bus)",
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/AcceptItem" } } } },
                    "responses": {
                      "201": { "$ref": "#/components/responses/Item", "description": "Accepted" },
                      "200": { "$ref": "#/components/responses/Item", "description": "Accepted already, the same way; nothing stored" }
                    }
                  }
                },
                "/items/{itemId}": {
                  "get": {
                    "summary": "Track an item: its events in time order",
                    "parameters": [ { "$ref": "#/components/parameters/ItemId" } ],
                    "responses": { "200": { "$ref": "#/components/responses/Item" } }
                  }
                },
                "/items/{itemId}/events": {
                  "post": {
                    "summary": "Record one of this post's events; the same event twice is stored once (200)",
                    "parameters": [ { "$ref": "#/components/parameters/ItemId" } ],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/RecordEvent" } } } },
                    "responses": {
                      "201": { "$ref": "#/components/responses/Item", "description": "Recorded (and queued for publication when the other post needs it)" },
                      "200": { "$ref": "#/components/responses/Item", "description": "Recorded already; nothing stored" }
                    }
                  }
                },
                "/events/ems": {
                  "post": {
                    "operationId": "receiveEmsEvent",
                    "summary": "Receive one of the other post's EMS events, as this post's Naqil gateway delivers it from the bus",
                    "description": "One request per event, in publication order, redelivered until answered. 2xx acknowledges (also for an event already applied); a 4xx refusal is for an event that can never be applied, and the gateway sets it aside; a 5xx is retried.",
                    "parameters": [
                      { "name": "Naqil-Id", "in": "header", "schema": { "type": "string", "format": "uuid" }, "description": "The event's id, the same at every redelivery" },
                      { "name": "Naqil-Client", "in": "header", "schema": { "type": "string" }, "description": "The publishing subsystem, such as IQ/GOV/POST/ems; its first segment must be recordedBy" },
                      { "name": "Naqil-Service", "in": "header", "schema": { "type": "string" }, "description": "The topic, such as IQ/GOV/POST/ems/item-events; must be one of the post's partner topics when it has any" },
                      { "name": "Naqil-Subscriber", "in": "header", "schema": { "type": "string" } },
                      { "name": "Naqil-Published", "in": "header", "schema": { "type": "string", "format": "date-time" } },
                      { "name": "Naqil-Purpose", "in": "header", "schema": { "type": "string" } }
                    ],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/EmsEvent" } } } },
                    "responses": {
                      "201": { "$ref": "#/components/responses/Item", "description": "Applied: the event and any of its history not yet here were stored" },
                      "200": { "$ref": "#/components/responses/Item", "description": "Already here (a redelivery); nothing stored" }
                    }
                  }
                },
                "/publications": {
                  "get": {
                    "summary": "This post's events queued for its gateway: pending, published (202) or failed (refused for good), the latest first",
                    "parameters": [
                      { "name": "state", "in": "query", "schema": { "type": "string", "enum": ["pending", "published", "failed"] } },
                      { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 200, "default": 50 } }
                    ],
                    "responses": {
                      "200": { "description": "The publications", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/PublicationList" } } } }
                    }
                  }
                },
                "/offices": {
                  "get": { "summary": "The post's offices", "responses": { "200": { "description": "The offices", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/PostOffice" } } } } } } }
                }
              },
              "components": {
                "parameters": {
                  "ItemId": { "name": "itemId", "in": "path", "required": true, "schema": { "$ref": "#/components/schemas/ItemId" } }
                },
                "responses": {
                  "Item": { "description": "The item", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Item" } } } },
                  "Problem": { "description": "A refusal; nothing was stored", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
                  "Failure": { "description": "The post's store failed; nothing was stored, and the request may be sent again" }
                },
                "schemas": {
                  "ItemId": { "type": "string", "pattern": "^[A-Z]{2}[0-9]{9}[A-Z]{2}$", "description": "UPU S10: two letters, eight digits, the check digit (weights 8 6 4 2 3 5 9 7, mod 11), the posting country", "examples": ["EE123456785SY"] },
                  "EventCode": { "type": "string" },
                  "Status": { "type": "string" },
                  "Office": { "type": "string" },
                  "PostOffice": {
                    "type": "object",
                    "properties": { "code": { "type": "string" }, "name": { "type": "string" }, "nameArabic": { "type": "string" }, "officeOfExchange": { "type": "boolean" } }
                  },
                  "AcceptItem": {
                    "type": "object", "required": ["itemId", "office", "time"],
                    "properties": {
                      "itemId": { "$ref": "#/components/schemas/ItemId" },
                      "destination": { "type": "string", "pattern": "^[A-Z]{2}$", "description": "Required for an item posted here" },
                      "office": { "$ref": "#/components/schemas/Office" },
                      "time": { "type": "string", "format": "date-time" }
                    }
                  },
                  "RecordEvent": {
                    "type": "object", "required": ["code", "office", "time"],
                    "properties": {
                      "code": { "$ref": "#/components/schemas/EventCode" },
                      "office": { "$ref": "#/components/schemas/Office" },
                      "time": { "type": "string", "format": "date-time", "description": "With its offset; at most 5 minutes ahead of the post's clock" }
                    }
                  },
                  "Event": {
                    "type": "object",
                    "properties": {
                      "code": { "$ref": "#/components/schemas/EventCode" },
                      "time": { "type": "string", "format": "date-time" },
                      "office": { "type": "string" },
                      "officeName": { "type": ["string", "null"] },
                      "officeNameArabic": { "type": ["string", "null"] },
                      "event": { "type": "string" },
                      "eventArabic": { "type": "string" },
                      "recordedBy": { "type": "string", "pattern": "^[A-Z]{2}$", "description": "The country of the post that recorded the event: the item's origin for EMA..EMC, its destination for EMD..EMI" }
                    }
                  },
                  "EmsEventEntry": {
                    "type": "object", "required": ["code", "office", "time"],
                    "properties": {
                      "code": { "$ref": "#/components/schemas/EventCode" },
                      "office": { "type": "string", "pattern": "^[A-Z0-9]{1,16}$", "description": "The recording post's office, as it names it" },
                      "time": { "type": "string", "format": "date-time" }
                    }
                  },
                  "EmsEvent": {
                    "type": "object", "required": ["itemId", "origin", "destination", "recordedBy", "event", "history"],
                    "description": "One event as a post publishes it: history is the publishing post's events of the item in order, ending with event (see docs/postal.md)",
                    "properties": {
                      "itemId": { "$ref": "#/components/schemas/ItemId" },
                      "origin": { "type": "string", "pattern": "^[A-Z]{2}$" },
                      "destination": { "type": "string", "pattern": "^[A-Z]{2}$" },
                      "recordedBy": { "type": "string", "pattern": "^[A-Z]{2}$" },
                      "event": { "$ref": "#/components/schemas/EmsEventEntry" },
                      "history": { "type": "array", "minItems": 1, "items": { "$ref": "#/components/schemas/EmsEventEntry" } }
                    }
                  },
                  "Publication": {
                    "type": "object",
                    "properties": {
                      "seq": { "type": "integer" },
                      "naqilId": { "type": "string", "format": "uuid" },
                      "itemId": { "$ref": "#/components/schemas/ItemId" },
                      "code": { "$ref": "#/components/schemas/EventCode" },
                      "state": { "type": "string", "enum": ["pending", "published", "failed"] },
                      "attempts": { "type": "integer" },
                      "lastError": { "type": ["string", "null"] },
                      "queued": { "type": "string", "format": "date-time" },
                      "updated": { "type": ["string", "null"], "format": "date-time" }
                    }
                  },
                  "PublicationList": {
                    "type": "object",
                    "properties": {
                      "topic": { "type": ["string", "null"] },
                      "count": { "type": "integer" },
                      "publications": { "type": "array", "items": { "$ref": "#/components/schemas/Publication" } }
                    }
                  },
                  "Item": {
                    "type": "object",
                    "properties": {
                      "itemId": { "$ref": "#/components/schemas/ItemId" },
                      "origin": { "type": "string" },
                      "destination": { "type": "string" },
                      "status": { "$ref": "#/components/schemas/Status" },
                      "office": { "type": "string" },
                      "events": { "type": "array", "items": { "$ref": "#/components/schemas/Event" } }
                    }
                  },
                  "ItemList": {
                    "type": "object",
                    "properties": {
                      "count": { "type": "integer" },
                      "items": { "type": "array", "items": { "type": "object" } }
                    }
                  },
                  "Problem": {
                    "type": "object",
                    "properties": { "type": { "type": "string" }, "title": { "type": "string" }, "status": { "type": "integer" }, "detail": { "type": "string" }, "code": { "type": "string" } }
                  }
                }
              }
            }
            """)!;
        var schemas = document["components"]!["schemas"]!;
        schemas["EventCode"]!["enum"] = eventCodes;
        schemas["Status"]!["enum"] = statuses;
        schemas["Office"]!["enum"] = offices;
        schemas["Problem"]!["properties"]!["code"]!["enum"] = problemCodes;
        foreach (var (path, method, errors) in Refusals)
        {
            var responses = document["paths"]![path]![method]!["responses"]!;
            foreach (var byStatus in errors.Select(PostalProblems.Describe).GroupBy(d => d.Status))
            {
                responses[byStatus.Key.ToString(CultureInfo.InvariantCulture)] = new JsonObject
                {
                    ["$ref"] = "#/components/responses/Problem",
                    ["description"] = string.Join("; ", byStatus.Select(d => $"{d.Code}: {d.Title}")),
                };
            }

            responses["500"] = new JsonObject { ["$ref"] = "#/components/responses/Failure" };
        }

        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
