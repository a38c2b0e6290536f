namespace Naqil.Agencies.Payments.Apis;

/// <summary>The payment API's OpenAPI 3.1 description, as the registry's catalogue carries it.</summary>
internal static class PaymentsOpenApi
{
    public static string Document() => """
        {
          "openapi": "3.1.0",
          "info": {"title": "Naqil payments", "version": "1", "description": "Payment intents, receipts, refunds and a double-entry ledger (docs/payments.md). Every POST needs an Idempotency-Key header. Amounts are decimal strings in the currency's minor units (SYP 2, IQD 3, JPY 0)."},
          "components": {
            "parameters": {
              "IdempotencyKey": {"name": "Idempotency-Key", "in": "header", "required": true, "schema": {"type": "string", "maxLength": 255}, "description": "The same key and body answer the first answer again (Idempotent-Replayed: true); another body is 422 idempotency-key-reused; a call still running is 409 idempotency-key-in-flight. Kept 24 hours at least."},
              "Id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}
            },
            "schemas": {
              "Money": {"type": "object", "properties": {"value": {"type": "string", "example": "1500.00"}, "minor": {"type": "integer", "format": "int64"}, "currency": {"type": "string", "example": "SYP"}}},
              "CreateIntent": {"type": "object", "required": ["amount", "payeeAccount", "payerNationalId", "reference", "description"], "additionalProperties": false,
                "properties": {"amount": {"type": "string", "pattern": "^(0|[1-9][0-9]*)(\\.[0-9]+)?$"}, "currency": {"type": "string", "default": "SYP"}, "payeeAccount": {"type": "string", "example": "SY/GOV/CIVREG/fees"},
                  "payerNationalId": {"type": "string", "example": "01010000001"}, "reference": {"type": "string", "maxLength": 64},
                  "description": {"type": "object", "required": ["ar", "en"], "properties": {"ar": {"type": "string"}, "en": {"type": "string"}}}}},
              "Intent": {"type": "object", "properties": {"id": {"type": "string"}, "state": {"enum": ["created", "authorised", "captured", "cancelled", "expired"]}, "amount": {"$ref": "#/components/schemas/Money"},
                "payeeAccount": {"type": "string"}, "payerNationalId": {"type": "string"}, "reference": {"type": "string"}, "expires": {"type": "string", "format": "date-time"}, "refunded": {"$ref": "#/components/schemas/Money"}}},
              "Receipt": {"type": "object", "properties": {"paymentId": {"type": "string"}, "issuer": {"type": "string"}, "amount": {"$ref": "#/components/schemas/Money"}, "fee": {"$ref": "#/components/schemas/Money"},
                "net": {"$ref": "#/components/schemas/Money"}, "payeeAccount": {"type": "string"}, "payeeReference": {"type": "string"}, "payerNationalId": {"type": "string"},
                "capturedAt": {"type": "string", "format": "date-time"}, "journalEntry": {"type": "string"}, "naqilId": {"type": "string", "description": "The Naqil-Id of the exchange that captured the payment"}}},
              "Problem": {"type": "object", "properties": {"title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": "string"}, "code": {"type": "string"}}}
            }
          },
          "paths": {
            "/intents": {"post": {"summary": "Create a payment intent", "parameters": [{"$ref": "#/components/parameters/IdempotencyKey"}],
              "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/CreateIntent"}}}},
              "responses": {"201": {"description": "Created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Intent"}}}},
                "400": {"description": "malformed-request, malformed-amount, amount-not-positive, too-many-decimals, idempotency-key-missing"}, "422": {"description": "unknown-currency, unknown-payee, unknown-payer, currency-mismatch, amount-over-limit, idempotency-key-reused"}}}},
            "/intents/{id}": {"get": {"summary": "An intent and its refunds", "parameters": [{"$ref": "#/components/parameters/Id"}], "responses": {"200": {"description": "The intent"}, "404": {"description": "intent-not-found"}}}},
            "/intents/{id}/authorise": {"post": {"summary": "Hold the amount on the payer's account", "parameters": [{"$ref": "#/components/parameters/Id"}, {"$ref": "#/components/parameters/IdempotencyKey"}],
              "responses": {"200": {"description": "Authorised"}, "409": {"description": "wrong-state, intent-expired"}, "422": {"description": "insufficient-funds"}}}},
            "/intents/{id}/capture": {"post": {"summary": "Pay the held amount to the payee; the answer is the receipt", "parameters": [{"$ref": "#/components/parameters/Id"}, {"$ref": "#/components/parameters/IdempotencyKey"}],
              "responses": {"200": {"description": "The receipt", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Receipt"}}}}, "409": {"description": "wrong-state, intent-expired"}}}},
            "/intents/{id}/cancel": {"post": {"summary": "Cancel a created or authorised intent", "parameters": [{"$ref": "#/components/parameters/Id"}, {"$ref": "#/components/parameters/IdempotencyKey"}], "responses": {"200": {"description": "Cancelled"}, "409": {"description": "wrong-state"}}}},
            "/intents/{id}/refunds": {"post": {"summary": "Refund part or all of a captured payment", "parameters": [{"$ref": "#/components/parameters/Id"}, {"$ref": "#/components/parameters/IdempotencyKey"}],
              "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"amount": {"type": "string"}}}}}},
              "responses": {"201": {"description": "Refunded"}, "409": {"description": "wrong-state, refund-exceeds-captured"}, "422": {"description": "insufficient-funds"}}}},
            "/intents/{id}/receipt": {"get": {"summary": "The receipt of a captured payment", "parameters": [{"$ref": "#/components/parameters/Id"}], "responses": {"200": {"description": "The receipt"}, "409": {"description": "wrong-state"}}}},
            "/intents/{id}/entries": {"get": {"summary": "The intent's journal entries", "parameters": [{"$ref": "#/components/parameters/Id"}], "responses": {"200": {"description": "Entries with their postings"}}}},
            "/accounts/{account}": {"get": {"summary": "An account and its balance (the sum of its postings)", "parameters": [{"name": "account", "in": "path", "required": true, "schema": {"type": "string"}}], "responses": {"200": {"description": "The account"}, "404": {"description": "unknown-account"}}}},
            "/statements/{account}": {"get": {"summary": "A payee account's daily statement: captured, fees, refunded, net, and the ledger's movement", "parameters": [{"name": "account", "in": "path", "required": true, "schema": {"type": "string"}}, {"name": "day", "in": "query", "schema": {"type": "string", "format": "date"}}], "responses": {"200": {"description": "The statement"}}}},
            "/ledger/check": {"get": {"summary": "The ledger's check: every entry and currency sums to zero, no account below zero, holds match the authorised intents", "responses": {"200": {"description": "Balanced"}, "500": {"description": "Not balanced"}}}}
          }
        }
        """;
}
