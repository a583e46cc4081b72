"""Bank card terminal over nexo Retailer Sale-to-POI JSON: pure codec, thin transports, driver,
and a loopback terminal simulator (docs/protocols.md#bank-card-terminal-nexo)."""
