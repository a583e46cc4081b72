"""SIM card reader/writer over PC/SC (pyscard + pcscd), its APDU codec and a vpcd card emulator."""
