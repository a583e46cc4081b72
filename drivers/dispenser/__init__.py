"""SIM card dispenser: the CardDispenser interface over a pluggable command transport, a
simulator of the mechanism (stock, positions, jams), and the Creator CRT-591-M serial driver
(`crt591_*`: codec, link, driver, pty simulator, settings and builder)."""
