"""Device drivers: interfaces, protocol codecs, transports and protocol simulators."""
