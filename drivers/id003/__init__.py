"""JCM ID-003 bill acceptor: pure frame codec, polling driver and a pseudo-terminal simulator."""
