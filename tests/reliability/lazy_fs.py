"""A FUSE file system that loses what was not synced when the power goes: LazyFS's idea
(github.com/dsrhaslab/lazyfs), re-implemented here in Python on mfusepy — no LazyFS code.

LazyFS itself cannot be had here (not packaged for Debian, PyPI or npm; nothing else is
reachable), so this is its core, small enough to read in one sitting:

- The files live in a backing folder (the "platter"). Every write and truncate to a file goes
  into this process's own page cache (4 KiB pages per file, read-modify-write like the kernel's)
  and reaches the backing file only when the file is fsync'ed or fdatasync'ed — never on
  close, never by time.
- `crash`: the power is cut. Every unsynced page and length change is dropped; the mount keeps
  answering but persists nothing more until it is unmounted. The caller then unmounts and
  mounts the backing folder again (the reboot, which also empties the kernel's page cache).
- Metadata (create, unlink, rename, mkdir, chmod) reaches the backing folder at once, as in
  LazyFS: only file data is held. For SQLite in WAL mode that is what matters: a commit is
  durable exactly when its frames in the -wal file were fsync'ed (synchronous=FULL), the
  database file is written and fsync'ed by checkpoints, and the -shm file is never synced (it is
  rebuilt by the first connection after a crash).
- Faults on demand: `fail fsync EIO` (every fsync fails, the data stays unsynced: written back
  later or lost, as the caller decides), `fail write ENOSPC`, `heal`; `sync` writes back all
  unsynced data as a kernel flusher would; `stats` answers counters in JSON.

    python -m tests.reliability.lazy_fs BACKING MOUNTPOINT

runs in the foreground and reads commands from stdin, one a line; each is answered on stdout.
`LazyMount` below drives it from a test. Needs /dev/fuse, libfuse3 (Debian `fuse3`), mfusepy
and root (or fusermount3).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from tests.support.waiting import WaitTimeout, wait_until

PAGE = 4096


def unavailable() -> str | None:
    """Why a lazy mount cannot be made here (None: it can)."""
    if not os.path.exists("/dev/fuse"):
        return "no /dev/fuse"
    if os.geteuid() != 0 and shutil.which("fusermount3") is None:
        return "not root and no fusermount3"
    try:
        import mfusepy  # type: ignore[import-untyped]  # noqa: F401
    except (ImportError, OSError) as exc:  # OSError: libfuse itself is missing
        return f"no FUSE binding: {exc}"
    return None


class _Unsynced:
    """One file's data as the programs see it and the disk does not yet: a page cache."""

    def __init__(self, size: int) -> None:
        self.size = size  # the file's length as the programs see it
        self.floor = size  # backing bytes at or past this were truncated away
        self.pages: dict[int, bytearray] = {}


def _serve(backing: str, mountpoint: str) -> None:
    import mfusepy
    from mfusepy import FuseOSError

    class LazyOps(mfusepy.Operations):  # type: ignore[misc]
        use_ns = True

        def __init__(self) -> None:
            self.root = backing
            self.mutex = threading.RLock()
            self.cache: dict[str, _Unsynced] = {}
            self.powered = True
            self.fail: dict[str, int] = {}
            self.counts = {"writes": 0, "fsyncs": 0, "failed": 0, "dropped_bytes": 0}

        # --- helpers ----------------------------------------------------------------------

        def _real(self, path: str) -> str:
            return self.root + path

        def _backing_page(self, fh: int, entry: _Unsynced, index: int) -> bytearray:
            start = index * PAGE
            want = max(0, min(PAGE, entry.floor - start))
            data = os.pread(fh, want, start) if want else b""
            return bytearray(data) + bytearray(PAGE - len(data))

        def _entry(self, path: str, fh: int) -> _Unsynced:
            entry = self.cache.get(path)
            if entry is None:
                entry = self.cache[path] = _Unsynced(os.fstat(fh).st_size)
            return entry

        def _check(self, op: str) -> None:
            code = self.fail.get(op)
            if code:
                self.counts["failed"] += 1
                raise FuseOSError(code)

        def _writeback(self, path: str, fh: int) -> None:
            entry = self.cache.pop(path, None)
            if entry is None:
                return
            if entry.floor < os.fstat(fh).st_size:
                os.ftruncate(fh, entry.floor)
            for index, page in sorted(entry.pages.items()):
                start = index * PAGE
                length = min(PAGE, entry.size - start)
                if length > 0:
                    os.pwrite(fh, bytes(page[:length]), start)
            os.ftruncate(fh, entry.size)

        # --- control (from stdin) --------------------------------------------------------

        def command(self, words: list[str]) -> str:
            with self.mutex:
                if words == ["crash"]:
                    dropped = sum(len(e.pages) * PAGE for e in self.cache.values())
                    self.counts["dropped_bytes"] += dropped
                    self.cache.clear()
                    self.powered = False
                    return json.dumps({"dropped_bytes": dropped})
                if words == ["sync"]:
                    for path in list(self.cache):
                        fd = os.open(self._real(path), os.O_RDWR)
                        try:
                            self._writeback(path, fd)
                        finally:
                            os.close(fd)
                    return "ok"
                if words[:1] == ["fail"] and len(words) == 3:
                    self.fail[words[1]] = getattr(errno, words[2])
                    return "ok"
                if words == ["heal"]:
                    self.fail.clear()
                    return "ok"
                if words == ["stats"]:
                    unsynced = sum(len(e.pages) for e in self.cache.values()) * PAGE
                    return json.dumps({**self.counts, "unsynced_bytes": unsynced})
            return f"error unknown command {words}"

        # --- metadata: straight to the backing folder -----------------------------------

        def getattr(self, path: str, fh: int | None = None) -> dict[str, Any]:
            try:
                st = os.fstat(fh) if fh is not None else os.lstat(self._real(path))
            except OSError as exc:
                raise FuseOSError(exc.errno) from None
            keys = ("st_mode", "st_nlink", "st_uid", "st_gid", "st_size", "st_blocks")
            attrs: dict[str, Any] = {k: getattr(st, k) for k in keys}
            attrs.update(st_atime=st.st_atime_ns, st_mtime=st.st_mtime_ns,
                         st_ctime=st.st_ctime_ns)  # fmt: skip
            with self.mutex:
                entry = self.cache.get(path)
                if entry is not None:
                    attrs["st_size"] = entry.size
            return attrs

        def readdir(self, path: str, fh: int) -> list[str]:
            return [".", "..", *os.listdir(self._real(path))]

        def mkdir(self, path: str, mode: int) -> int:
            self._powered()
            os.mkdir(self._real(path), mode)
            return 0

        def rmdir(self, path: str) -> int:
            self._powered()
            os.rmdir(self._real(path))
            return 0

        def unlink(self, path: str) -> int:
            self._powered()
            with self.mutex:
                os.unlink(self._real(path))
                self.cache.pop(path, None)
            return 0

        def rename(self, old: str, new: str) -> int:
            self._powered()
            with self.mutex:
                os.rename(self._real(old), self._real(new))
                self.cache.pop(new, None)
                if old in self.cache:
                    self.cache[new] = self.cache.pop(old)
            return 0

        def chmod(self, path: str, mode: int) -> int:
            os.chmod(self._real(path), mode)
            return 0

        def chown(self, path: str, uid: int, gid: int) -> int:
            os.chown(self._real(path), uid, gid)
            return 0

        def utimens(self, path: str, times: tuple[int, int] | None = None) -> int:
            if times is None:
                os.utime(self._real(path))
            else:
                os.utime(self._real(path), ns=times)
            return 0

        def statfs(self, path: str) -> dict[str, int]:
            st = os.statvfs(self._real(path))
            keys = ("f_bsize", "f_frsize", "f_blocks", "f_bfree", "f_bavail", "f_files",
                    "f_ffree", "f_favail", "f_flag", "f_namemax")  # fmt: skip
            return {k: getattr(st, k) for k in keys}

        def _powered(self) -> None:
            if not self.powered:
                raise FuseOSError(errno.EIO)

        # --- files ------------------------------------------------------------------------

        def open(self, path: str, flags: int) -> int:
            try:
                return os.open(self._real(path), os.O_RDWR)
            except PermissionError:
                return os.open(self._real(path), os.O_RDONLY)
            except IsADirectoryError:
                return os.open(self._real(path), os.O_RDONLY)

        def create(self, path: str, mode: int, fi: Any = None) -> int:
            self._powered()
            fd = os.open(self._real(path), os.O_RDWR | os.O_CREAT, mode)
            with self.mutex:
                self.cache.pop(path, None)
            return fd

        def release(self, path: str, fh: int) -> int:
            os.close(fh)
            return 0

        def read(self, path: str, size: int, offset: int, fh: int) -> bytes:
            with self.mutex:
                entry = self.cache.get(path)
                if entry is None:
                    return os.pread(fh, size, offset)
                end = min(offset + size, entry.size)
                if end <= offset:
                    return b""
                out = bytearray()
                for index in range(offset // PAGE, (end - 1) // PAGE + 1):
                    page = entry.pages.get(index)
                    out += page if page is not None else self._backing_page(fh, entry, index)
                first = offset - (offset // PAGE) * PAGE
                return bytes(out[first : first + end - offset])

        def write(self, path: str, data: bytes, offset: int, fh: int) -> int:
            with self.mutex:
                if not self.powered:
                    return len(data)  # the power is off: nothing reaches anything
                self._check("write")
                self.counts["writes"] += 1
                entry = self._entry(path, fh)
                position, view = offset, memoryview(data)
                while view:
                    index, within = divmod(position, PAGE)
                    page = entry.pages.get(index)
                    if page is None:
                        page = entry.pages[index] = self._backing_page(fh, entry, index)
                    n = min(PAGE - within, len(view))
                    page[within : within + n] = view[:n]
                    position, view = position + n, view[n:]
                entry.size = max(entry.size, offset + len(data))
                return len(data)

        def truncate(self, path: str, length: int, fh: int | None = None) -> int:
            with self.mutex:
                if not self.powered:
                    return 0
                self._check("write")
                opened = fh if fh is not None else os.open(self._real(path), os.O_RDWR)
                try:
                    entry = self._entry(path, opened)
                    if length < entry.size:
                        entry.floor = min(entry.floor, length)
                        index, within = divmod(length, PAGE)
                        gone = [i for i in entry.pages if i > index or (i == index and not within)]
                        for i in gone:
                            del entry.pages[i]
                        if within and index in entry.pages:
                            entry.pages[index][within:] = bytearray(PAGE - within)
                    entry.size = length
                finally:
                    if fh is None:
                        os.close(opened)
                return 0

        def fsync(self, path: str, datasync: int, fh: int) -> int:
            with self.mutex:
                if not self.powered:
                    return 0
                self.counts["fsyncs"] += 1
                self._check("fsync")  # the data stays unsynced: written back later, or lost
                self._writeback(path, fh)
                return 0

        def fsyncdir(self, path: str, datasync: int, fh: int) -> int:
            with self.mutex:
                self._check("fsync")
            return 0

    operations = LazyOps()

    def control() -> None:
        for line in sys.stdin:
            answer = operations.command(line.split())
            print(answer, flush=True)

    threading.Thread(target=control, daemon=True).start()
    print("mounting", flush=True)
    mfusepy.FUSE(operations, mountpoint, foreground=True, fsname="lazyfs")


class LazyMount:
    """A lazy file system over `backing`, mounted on `mountpoint`, driven from a test."""

    def __init__(self, backing: Path, mountpoint: Path) -> None:
        self.backing = backing
        self.mountpoint = mountpoint
        self._proc: subprocess.Popen[str] | None = None
        self.reboots = 0
        self.dropped_bytes = 0
        self.log = mountpoint.parent / f"{mountpoint.name}.lazy_fs.log"  # libfuse's chatter

    def mount(self) -> None:
        self.backing.mkdir(parents=True, exist_ok=True)
        self.mountpoint.mkdir(parents=True, exist_ok=True)
        err = self.log.open("ab")
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.lazy_fs", str(self.backing),
             str(self.mountpoint)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
            text=True, cwd=Path(__file__).resolve().parents[2],
        )  # fmt: skip
        err.close()  # the child has its own copy
        assert self._proc.stdout is not None
        assert self._proc.stdout.readline().strip() == "mounting"
        proc = self._proc

        def mounted() -> bool:
            if proc.poll() is not None:
                raise RuntimeError(f"lazy_fs exited before mounting: {self._log()}")
            return os.path.ismount(self.mountpoint)

        try:
            wait_until(mounted, 10, f"lazy_fs to mount {self.mountpoint}", interval=0.005)
        except WaitTimeout as exc:
            raise RuntimeError(f"{exc}: {self._log()}") from exc

    def command(self, *words: str) -> str:
        proc = self._proc
        assert proc is not None
        assert proc.stdin is not None
        assert proc.stdout is not None
        proc.stdin.write(" ".join(words) + "\n")
        proc.stdin.flush()
        answer = proc.stdout.readline().strip()
        if not answer or answer.startswith("error"):
            raise RuntimeError(f"lazy_fs {words}: {answer!r} {self._log()}")
        return answer

    def _log(self) -> str:
        return self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""

    def stats(self) -> dict[str, int]:
        result: dict[str, int] = json.loads(self.command("stats"))
        return result

    def crash(self) -> int:
        """Cut the power: drop everything unsynced. Returns the bytes dropped."""
        dropped = int(json.loads(self.command("crash"))["dropped_bytes"])
        self.dropped_bytes += dropped
        return dropped

    def unmount(self) -> None:
        proc = self._proc
        if proc is None:
            return

        def unmounted() -> bool:  # busy while the kiosk's last file handles close
            done = subprocess.run(
                ["umount", str(self.mountpoint)], capture_output=True, check=False
            )
            return done.returncode == 0 or not os.path.ismount(self.mountpoint)

        try:
            wait_until(unmounted, 5, f"{self.mountpoint} to unmount")
        except WaitTimeout:
            subprocess.run(["umount", "-l", str(self.mountpoint)], check=False)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()
        self._proc = None

    def power_cut_and_reboot(self) -> int:
        """The machine loses power and boots again: unsynced data gone, caches empty."""
        dropped = self.crash()
        self.unmount()
        self.mount()
        self.reboots += 1
        return dropped

    def __enter__(self) -> LazyMount:
        self.mount()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.unmount()


if __name__ == "__main__":
    _serve(sys.argv[1], sys.argv[2])
