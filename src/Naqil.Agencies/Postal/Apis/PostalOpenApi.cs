using System.Text.Json;
using System.Text.Json.Nodes;

namespace Naqil.Agencies.Postal.Apis;

/// <summary>
/// The OpenAPI 3.1 description of a post's API, written by hand so it says what the code
/// enforces (the S10 pattern, the EMSEVT codes, the problem codes) and nothing it does not.
/// </summary>
internal static class PostalOpenApi
{
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
                "description": "The operator and tracking API of the post of {{post.Country}}: items are UPU S10 ids, events are EMSEVT codes (EMA..EMI). See docs/postal.md."
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
                      "200": { "description": "The items", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ItemList" } } } },
                      "default": { "$ref": "#/components/responses/Problem" }
                    }
                  },
                  "post": {
                    "summary": "Accept an item: EMA for one posted here, EMD for one arriving from abroad",
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/AcceptItem" } } } },
                    "responses": {
                      "201": { "$ref": "#/components/responses/Item" },
                      "200": { "$ref": "#/components/responses/Item" },
                      "default": { "$ref": "#/components/responses/Problem" }
                    }
                  }
                },
                "/items/{itemId}": {
                  "get": {
                    "summary": "Track an item: its events in time order",
                    "parameters": [ { "$ref": "#/components/parameters/ItemId" } ],
                    "responses": { "200": { "$ref": "#/components/responses/Item" }, "default": { "$ref": "#/components/responses/Problem" } }
                  }
                },
                "/items/{itemId}/events": {
                  "post": {
                    "summary": "Record an event; the same event twice is stored once (200)",
                    "parameters": [ { "$ref": "#/components/parameters/ItemId" } ],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/RecordEvent" } } } },
                    "responses": {
                      "201": { "$ref": "#/components/responses/Item" },
                      "200": { "$ref": "#/components/responses/Item" },
                      "default": { "$ref": "#/components/responses/Problem" }
                    }
                  }
                },
                "/offices": {
                  "get": { "summary": "The post's offices", "responses": { "200": { "description": "The offices" } } }
                }
              },
              "components": {
                "parameters": {
                  "ItemId": { "name": "itemId", "in": "path", "required": true, "schema": { "$ref": "#/components/schemas/ItemId" } }
                },
                "responses": {
                  "Item": { "description": "The item", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Item" } } } },
                  "Problem": { "description": "A refusal; nothing was stored", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } }
                },
                "schemas": {
                  "ItemId": { "type": "string", "pattern": "^[A-Z]{2}[0-9]{9}[A-Z]{2}$", "description": "UPU S10: two letters, eight digits, the check digit (weights 8 6 4 2 3 5 9 7, mod 11), the posting country", "examples": ["EE123456785SY"] },
                  "EventCode": { "type": "string" },
                  "Status": { "type": "string" },
                  "Office": { "type": "string" },
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
                      "eventArabic": { "type": "string" }
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
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
