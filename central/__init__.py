"""Reference central backend: the HTTP API kiosks deliver their outbox to, plus ops queries.

Imports nothing from the kiosk side (kiosk/, drivers/, ui/, offline_queue/); the contract
between the two is the OpenAPI document committed as central/openapi.json.
"""

API_VERSION = "1"
