"""In-process device simulators behind the device interfaces (for flows, UI and demos)."""
