"""Customer transaction flows: explicit state machines journalled before every irreversible step."""
