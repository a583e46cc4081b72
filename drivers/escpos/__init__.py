"""ESC/POS receipt printer: pure status codec and renderer, serial_for_url driver, simulator."""
