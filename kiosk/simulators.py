"""`kiosk sim NAME`: a device's protocol simulator on its own, driven by typed commands.

A developer points a real driver (or a vendor tool) at the printed port, then inserts notes and
flips fault switches from the keyboard. Commands: insert YUAN · place IDENTITY · remove ·
fault NAME VALUE · faults · jobs · stacked · help · quit.
"""

from __future__ import annotations

import dataclasses
import signal
import sys
from collections.abc import Callable
from typing import Any, TextIO

HELP = """commands:
  insert YUAN          a customer inserts a note (acceptor simulators)
  place [IDENTITY]     put an ID card on the reader: valid, for_life, expired, bad_check
  remove               take the ID card away
  fault NAME VALUE     set a fault switch: on/off, a number, or none
  faults               show every fault switch
  jobs                 receipts printed so far (printer simulators)
  stacked              notes in the cash box (acceptor simulators)
  quit"""


def _value(text: str, current: object) -> object:
    lowered = text.lower()
    if lowered in ("on", "true", "yes"):
        return True
    if lowered in ("off", "false", "no"):
        return False
    if lowered == "none":
        return None
    number = float(text) if "." in text else int(text, 0)
    return float(number) if isinstance(current, float) else number


def _fault(handle: Any, args: list[str], out: TextIO) -> None:
    faults = handle.faults
    names = [f.name for f in dataclasses.fields(faults)]
    if len(args) != 2 or args[0] not in names:
        print(f"fault NAME VALUE, NAME one of: {', '.join(names)}", file=out)
        return
    try:
        setattr(faults, args[0], _value(args[1], getattr(faults, args[0])))
    except ValueError:
        print(f"not a value: {args[1]!r}", file=out)
        return
    print(f"{args[0]} = {getattr(faults, args[0])!r}", file=out)


def _insert(handle: Any, args: list[str], out: TextIO) -> None:
    if not hasattr(handle, "insert_note") or len(args) != 1 or not args[0].isdigit():
        print("insert YUAN (acceptor simulators only)", file=out)
        return
    handle.insert_note(int(args[0]) * 100)
    print(f"inserted ¥{args[0]}", file=out)


def _place(handle: Any, args: list[str], out: TextIO) -> None:
    if not hasattr(handle, "place_card"):
        print("place: ID card reader simulators only", file=out)
        return
    identity = args[0] if args else "valid"
    try:
        handle.place_card(identity)
    except KeyError:
        print(f"no test identity {identity!r}", file=out)
        return
    print(f"card placed: {identity}", file=out)


def _remove(handle: Any, out: TextIO) -> None:
    if not hasattr(handle, "remove_card"):
        print("remove: ID card reader simulators only", file=out)
        return
    handle.remove_card()
    print("card removed", file=out)


def _show(handle: Any, attribute: str, out: TextIO) -> None:
    value = getattr(handle, attribute, None)
    if value is None:
        print(f"this simulator has no {attribute}", file=out)
        return
    for item in value() if callable(value) else value:
        print(item, file=out)


def command_loop(handle: Any, lines: TextIO, out: TextIO) -> bool:
    """Read commands until `quit` (True) or the end of input (False)."""
    commands: dict[str, Callable[[list[str]], None]] = {
        "insert": lambda a: _insert(handle, a, out),
        "place": lambda a: _place(handle, a, out),
        "remove": lambda _a: _remove(handle, out),
        "fault": lambda a: _fault(handle, a, out),
        "faults": lambda _a: print(handle.faults, file=out),
        "jobs": lambda _a: _show(handle, "job_texts", out),
        "stacked": lambda _a: _show(handle, "stacked_fen", out),
        "help": lambda _a: print(HELP, file=out),
    }
    for line in lines:
        words = line.split()
        if not words:
            continue
        if words[0] in ("quit", "exit"):
            return True
        action = commands.get(words[0])
        if action is None:
            print(f"unknown command {words[0]!r}; try help", file=out)
        else:
            action(words[1:])
        out.flush()
    return False


def serve_interactively(url: str, handle: Any, stop: Callable[[], None]) -> int:
    print(f"simulator listening on {url}", flush=True)
    print(HELP, flush=True)
    try:
        if not command_loop(handle, sys.stdin, sys.stdout) and not sys.stdin.isatty():
            signal.pause()  # input ended without quit (a pipe): serve until interrupted
    except KeyboardInterrupt:
        pass
    finally:
        stop()
    return 0
