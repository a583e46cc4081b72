"""SIM card dispenser: the CardDispenser interface over a pluggable command transport, and a
simulator of the mechanism (stock, positions, jams)."""
