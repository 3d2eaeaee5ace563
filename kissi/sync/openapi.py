"""The sync endpoints, as OpenAPI 3 path items, for the service's document at /api/v1/openapi.json.

The API's document is assembled by the web layer; it merges :data:`PATHS` and
:data:`COMPONENTS` (see docs/sync.md for the body format, which JSON Schema cannot say).
"""

_BATCH = {"application/x-kissi-sync": {"schema": {
    "type": "string", "format": "binary",
    "description": "Raw DEFLATE of a JSON head and an id blob (docs/sync.md, 'Wire format')."}}}
# 401 unknown token, 403 revoked device, 422 malformed batch or a refused entry (named in
# the message; nothing was written)
_ERRORS = {code: {"$ref": "#/components/responses/SyncError"} for code in ("401", "403", "422")}
_BEARER = [{"deviceToken": []}]

PATHS = {
    "/api/v1/sync/enroll": {"post": {
        "operationId": "syncEnroll", "tags": ["sync"],
        "summary": "Redeem a one-time enrollment code (hub role)",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["code"],
            "properties": {"code": {"type": "string", "example": "K7QXM-4PD2A"},
                           "node_id": {"type": "string", "format": "uuid"},
                           "name": {"type": "string", "maxLength": 80}}}}}},
        "responses": {
            "200": {"description": "Enrolled", "content": {"application/json": {"schema": {
                "type": "object", "required": ["node_id", "token", "scope_kind", "scope_id", "hub_node"],
                "properties": {"node_id": {"type": "string", "format": "uuid"}, "token": {"type": "string"},
                               "scope_kind": {"enum": ["shop", "cooperative"]},
                               "scope_id": {"type": "string", "format": "uuid"},
                               "hub_node": {"type": "string", "format": "uuid"}}}}}},
            "422": {"$ref": "#/components/responses/SyncError"},
        }}},
    "/api/v1/sync/push": {"post": {
        "operationId": "syncPush", "tags": ["sync"], "security": _BEARER,
        "summary": "Send change-log entries; applied in one transaction, idempotent on replay",
        "requestBody": {"required": True, "content": _BATCH,
                        "description": "A batch; head {to: last local seq, t: device ms, c: its pull cursor}"},
        "responses": {"200": {"description": "Committed: head {a: acknowledged position, t: hub time ms,"
                                             " k: device skew ms, n: applied, r: restamped changes,"
                                             " m: entries for the device wait after c}",
                              "content": _BATCH}, **_ERRORS}}},
    "/api/v1/sync/pull": {"get": {
        "operationId": "syncPull", "tags": ["sync"], "security": _BEARER,
        "summary": "Entries after a cursor, in the device's scope, not made by it",
        "parameters": [
            {"name": "c", "in": "query", "schema": {"type": "integer", "minimum": 0}, "description": "cursor"},
            {"name": "n", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
            {"name": "t", "in": "query", "schema": {"type": "integer"}, "description": "device wall clock, ms"}],
        "responses": {"200": {"description": "A batch; head {c: next cursor, m: more waiting,"
                                             " a: push position, t: hub time ms}", "content": _BATCH},
                      **{k: v for k, v in _ERRORS.items() if k != "422"}}}},
}

COMPONENTS = {
    "securitySchemes": {"deviceToken": {"type": "http", "scheme": "bearer",
                                        "description": "The token a device got at enrollment"}},
    "responses": {"SyncError": {"description": "The API's one error shape", "content": {"application/json": {
        "schema": {"type": "object", "properties": {"error": {"type": "object", "properties": {
            "code": {"type": "string"}, "message": {"type": "string"}, "field": {"type": ["string", "null"]}}}}}}}}},
}
