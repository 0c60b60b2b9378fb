"""A power-cut layer for SQLite: writes not made durable by ``fsync`` are lost.

An SQLite VFS shim (https://sqlite.org/vfs.html) registered as the default
VFS of the process's ``libsqlite3`` — the same library the standard
``sqlite3`` module (and so SQLAlchemy, the station store and the SQLite
server) uses. It wraps the platform VFS ("unix"):

- ``xWrite`` / ``xTruncate`` of the main database, its rollback journal and
  its WAL go to an in-memory overlay (per file path, shared by every
  connection of the process); ``xRead`` / ``xFileSize`` see the overlay, as
  reads see the OS page cache.
- ``xSync`` writes the overlay of that file to disk and ``fsync``\\ s it: only
  then do the bytes exist on disk.
- Locks, shared memory (WAL index), deletes and everything else pass
  through to the platform VFS.

So the files on disk hold at every moment exactly what a machine would hold
after a power cut at that moment, and the cut itself is ``SIGKILL`` of the
process (the overlay dies with it). A deleted file stays deleted (the
platform VFS syncs the directory when SQLite asks it to).

Why not ``apsw``: its wheels bundle their own SQLite, so a VFS registered
there is invisible to the ``sqlite3`` module the product uses; a FUSE layer
(LazyFS) is not on a package registry. This shim needs only ``ctypes``.

Use: call :func:`install` before the first connection, in the process that
will be cut (see ``tests/store/powercut_child.py``). No other process may
have the file open across the cut (a power cut ends them all; a survivor
would keep trusting the WAL index in shared memory). The process leaves
through ``os._exit`` at interpreter exit: SQLite must not call back into
Python while the interpreter is being torn down. Linux/glibc, 64-bit.
"""
from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import os
import sys
import threading

VFS_NAME = b"powercut"
BLOCK = 4096

SQLITE_OK = 0
SQLITE_IOERR_SHORT_READ = 522
SQLITE_IOERR_WRITE = 778
SQLITE_IOERR_FSYNC = 1034
OPEN_DURABLE = 0x00000100 | 0x00000800 | 0x00004000 | 0x00080000  # MAIN_DB, MAIN_JOURNAL, SUPER_JOURNAL, WAL

c_int64 = ctypes.c_longlong
vp = ctypes.c_void_p

F_CLOSE = ctypes.CFUNCTYPE(ctypes.c_int, vp)
F_READ = ctypes.CFUNCTYPE(ctypes.c_int, vp, vp, ctypes.c_int, c_int64)
F_WRITE = ctypes.CFUNCTYPE(ctypes.c_int, vp, vp, ctypes.c_int, c_int64)
F_TRUNCATE = ctypes.CFUNCTYPE(ctypes.c_int, vp, c_int64)
F_SYNC = ctypes.CFUNCTYPE(ctypes.c_int, vp, ctypes.c_int)
F_FILESIZE = ctypes.CFUNCTYPE(ctypes.c_int, vp, ctypes.POINTER(c_int64))
F_INT = ctypes.CFUNCTYPE(ctypes.c_int, vp, ctypes.c_int)
F_CHECKRES = ctypes.CFUNCTYPE(ctypes.c_int, vp, ctypes.POINTER(ctypes.c_int))
F_FCNTL = ctypes.CFUNCTYPE(ctypes.c_int, vp, ctypes.c_int, vp)
F_NOARG = ctypes.CFUNCTYPE(ctypes.c_int, vp)
F_SHMMAP = ctypes.CFUNCTYPE(ctypes.c_int, vp, ctypes.c_int, ctypes.c_int, ctypes.c_int, vp)
F_SHMLOCK = ctypes.CFUNCTYPE(ctypes.c_int, vp, ctypes.c_int, ctypes.c_int, ctypes.c_int)
F_SHMBARRIER = ctypes.CFUNCTYPE(None, vp)
F_FETCH = ctypes.CFUNCTYPE(ctypes.c_int, vp, c_int64, ctypes.c_int, vp)
F_UNFETCH = ctypes.CFUNCTYPE(ctypes.c_int, vp, c_int64, vp)


class IoMethods(ctypes.Structure):
    """``struct sqlite3_io_methods`` (versions 1–3)."""

    _fields_ = [("iVersion", ctypes.c_int), ("xClose", F_CLOSE), ("xRead", F_READ), ("xWrite", F_WRITE),
                ("xTruncate", F_TRUNCATE), ("xSync", F_SYNC), ("xFileSize", F_FILESIZE), ("xLock", F_INT),
                ("xUnlock", F_INT), ("xCheckReservedLock", F_CHECKRES), ("xFileControl", F_FCNTL),
                ("xSectorSize", F_NOARG), ("xDeviceCharacteristics", F_NOARG), ("xShmMap", F_SHMMAP),
                ("xShmLock", F_SHMLOCK), ("xShmBarrier", F_SHMBARRIER), ("xShmUnmap", F_INT),
                ("xFetch", F_FETCH), ("xUnfetch", F_UNFETCH)]


# File names stay raw pointers: SQLite keeps the pointer (URI parameters and the WAL name live
# after the name in the same buffer), so a copied string would dangle.
F_OPEN = ctypes.CFUNCTYPE(ctypes.c_int, vp, vp, vp, ctypes.c_int, ctypes.POINTER(ctypes.c_int))
F_DELETE = ctypes.CFUNCTYPE(ctypes.c_int, vp, vp, ctypes.c_int)


class Vfs(ctypes.Structure):
    """``struct sqlite3_vfs`` (the fields this shim touches; the rest are copied as pointers)."""

    _fields_ = [("iVersion", ctypes.c_int), ("szOsFile", ctypes.c_int), ("mxPathname", ctypes.c_int),
                ("pNext", vp), ("zName", ctypes.c_char_p), ("pAppData", vp), ("xOpen", F_OPEN),
                ("xDelete", F_DELETE), ("rest", vp * 14)]


HEADER = ctypes.sizeof(vp)  # our sqlite3_file: pMethods, then the platform file


class Overlay:
    """Unsynced state of one file: dirty ``blocks`` (index → bytearray), the
    logical ``size`` and ``floor`` (disk bytes at or past it are stale)."""

    def __init__(self, path: str):
        self.path = path
        self.blocks: dict[int, bytearray] = {}
        self.size: int | None = None
        self.floor: int | None = None
        self.fd = os.open(path, os.O_RDWR)

    def disk_size(self) -> int:
        return os.fstat(self.fd).st_size

    def logical_size(self) -> int:
        return self.disk_size() if self.size is None else self.size

    def _block(self, index: int) -> bytearray:
        data = self.blocks.get(index)
        if data is not None:
            return data
        data = bytearray(os.pread(self.fd, BLOCK, index * BLOCK).ljust(BLOCK, b"\0"))
        if self.floor is not None and self.floor < (index + 1) * BLOCK:
            cut = max(0, self.floor - index * BLOCK)
            data[cut:] = bytes(BLOCK - cut)
        return data

    def _begin(self) -> None:
        if self.size is None:
            self.size = self.floor = self.disk_size()

    def write(self, data: bytes, offset: int) -> None:
        self._begin()
        pos = 0
        while pos < len(data):
            index, within = divmod(offset + pos, BLOCK)
            take = min(BLOCK - within, len(data) - pos)
            block = self._block(index)
            block[within:within + take] = data[pos:pos + take]
            self.blocks[index] = block
            pos += take
        self.size = max(self.size, offset + len(data))

    def truncate(self, size: int) -> None:
        self._begin()
        self.size = size
        self.floor = min(self.floor, size)
        for index in [i for i in self.blocks if i * BLOCK >= size]:
            del self.blocks[index]
        last = size // BLOCK
        if last in self.blocks and size % BLOCK:
            self.blocks[last][size % BLOCK:] = bytes(BLOCK - size % BLOCK)

    def read(self, amount: int, offset: int) -> tuple[bytes, bool]:
        """``(bytes, short)``: ``amount`` bytes (zero-filled past the end) and whether the read was short."""
        end = min(offset + amount, self.logical_size())
        out = bytearray()
        pos = offset
        while pos < end:
            index, within = divmod(pos, BLOCK)
            take = min(BLOCK - within, end - pos)
            if self.size is None:
                out += os.pread(self.fd, take, pos)
            else:
                out += self._block(index)[within:within + take]
            pos += take
        short = len(out) < amount
        return bytes(out.ljust(amount, b"\0")), short

    def sync(self) -> None:
        """Make the overlay durable: write, truncate to the logical size, ``fsync``."""
        if self.size is not None:
            for index in sorted(self.blocks):
                start = index * BLOCK
                if start < self.size:
                    os.pwrite(self.fd, bytes(self.blocks[index][:self.size - start]), start)
            os.ftruncate(self.fd, self.size)
            self.blocks.clear()
            self.size = self.floor = None
        os.fsync(self.fd)

    def close(self) -> None:
        os.close(self.fd)


class PowerCutVfs:
    """The registered shim (one per process; see :func:`install`)."""

    def __init__(self, lib: ctypes.CDLL):
        self.lib = lib
        lib.sqlite3_vfs_find.restype = ctypes.POINTER(Vfs)
        lib.sqlite3_vfs_find.argtypes = [ctypes.c_char_p]
        self.base = lib.sqlite3_vfs_find(None).contents
        self.lock = threading.RLock()
        self.overlays: dict[str, Overlay] = {}
        self.files: dict[int, tuple[ctypes.POINTER(IoMethods), str | None]] = {}
        self.syncs = 0
        self.methods = IoMethods(
            2, F_CLOSE(self._close), F_READ(self._read), F_WRITE(self._write), F_TRUNCATE(self._truncate),
            F_SYNC(self._sync), F_FILESIZE(self._filesize), F_INT(self._pass("xLock")),
            F_INT(self._pass("xUnlock")), F_CHECKRES(self._pass("xCheckReservedLock")),
            F_FCNTL(self._pass("xFileControl")), F_NOARG(self._pass("xSectorSize")),
            F_NOARG(self._pass("xDeviceCharacteristics")), F_SHMMAP(self._pass("xShmMap")), F_SHMLOCK(self._pass("xShmLock")),
            F_SHMBARRIER(self._pass("xShmBarrier")), F_INT(self._pass("xShmUnmap")),
            F_FETCH(0), F_UNFETCH(0))
        self.vfs = Vfs()
        ctypes.memmove(ctypes.byref(self.vfs), ctypes.byref(self.base), ctypes.sizeof(Vfs))
        self.vfs.iVersion = self.base.iVersion
        self.vfs.szOsFile = HEADER + self.base.szOsFile
        self.vfs.pNext = None
        self.vfs.zName = VFS_NAME
        self.vfs.xOpen = F_OPEN(self._open)
        self.vfs.xDelete = F_DELETE(self._delete)
        self._keep = (self.vfs.xOpen, self.vfs.xDelete)

    # -- helpers ------------------------------------------------------------
    def _real(self, p: int) -> tuple[ctypes.POINTER(IoMethods), int]:
        methods, _ = self.files[p]
        return methods, p + HEADER

    def _overlay(self, p: int) -> Overlay | None:
        _, path = self.files[p]
        if path is None:
            return None
        overlay = self.overlays.get(path)
        if overlay is None:
            overlay = self.overlays[path] = Overlay(path)
        return overlay

    def _pass(self, name: str):
        def call(p, *args):
            methods, real = self._real(p)
            fn = getattr(methods.contents, name)
            return fn(real, *args)
        return call

    # -- vfs ------------------------------------------------------------------
    def _open(self, _vfs, name, p, flags, out_flags):
        ctypes.c_void_p.from_address(p).value = None
        rc = self.base.xOpen(ctypes.addressof(self.base), name, p + HEADER, flags, out_flags)
        real_methods = ctypes.c_void_p.from_address(p + HEADER).value
        if rc != SQLITE_OK or not real_methods:
            return rc
        path = os.path.realpath(ctypes.string_at(name).decode()) if name and flags & OPEN_DURABLE else None
        with self.lock:
            self.files[p] = (ctypes.cast(real_methods, ctypes.POINTER(IoMethods)), path)
        ctypes.c_void_p.from_address(p).value = ctypes.addressof(self.methods)
        return SQLITE_OK

    def _delete(self, _vfs, name, sync_dir):
        path = os.path.realpath(ctypes.string_at(name).decode())
        with self.lock:
            overlay = self.overlays.pop(path, None)
            if overlay is not None:
                overlay.close()
        return self.base.xDelete(ctypes.addressof(self.base), name, sync_dir)

    # -- files ------------------------------------------------------------------
    def _close(self, p):
        with self.lock:
            methods, real = self._real(p)
            rc = methods.contents.xClose(real)
            self.files.pop(p, None)
            return rc

    def _read(self, p, buf, amount, offset):
        with self.lock:
            overlay = self._overlay(p)
            if overlay is None:
                methods, real = self._real(p)
                return methods.contents.xRead(real, buf, amount, offset)
            data, short = overlay.read(amount, offset)
            ctypes.memmove(buf, data, amount)
            return SQLITE_IOERR_SHORT_READ if short else SQLITE_OK

    def _write(self, p, buf, amount, offset):
        with self.lock:
            overlay = self._overlay(p)
            if overlay is None:
                methods, real = self._real(p)
                return methods.contents.xWrite(real, buf, amount, offset)
            overlay.write(ctypes.string_at(buf, amount), offset)
            return SQLITE_OK

    def _truncate(self, p, size):
        with self.lock:
            overlay = self._overlay(p)
            if overlay is None:
                methods, real = self._real(p)
                return methods.contents.xTruncate(real, size)
            overlay.truncate(size)
            return SQLITE_OK

    def _sync(self, p, flags):
        with self.lock:
            overlay = self._overlay(p)
            methods, real = self._real(p)
            try:
                if overlay is not None:
                    overlay.sync()
                    self.syncs += 1
            except OSError:
                return SQLITE_IOERR_FSYNC
            return methods.contents.xSync(real, flags)  # also syncs the directory when SQLite asked for it

    def _filesize(self, p, out):
        with self.lock:
            overlay = self._overlay(p)
            if overlay is None:
                methods, real = self._real(p)
                return methods.contents.xFileSize(real, out)
            out[0] = overlay.logical_size()
            return SQLITE_OK


_INSTALLED: PowerCutVfs | None = None


def install(library: str | None = None) -> PowerCutVfs:
    """Register the shim as the default VFS of this process's SQLite (idempotent).

    ``library``: path of the shared object that holds the SQLite in use —
    default the system ``libsqlite3`` of the ``sqlite3`` module (the SQLite
    server); the station store passes the SQLCipher extension module
    (``sqlcipher3._sqlite3``), whose bundled SQLite exports the same API.
    Raises ``RuntimeError`` when the ``sqlite3`` module does not use the
    shared ``libsqlite3`` (a statically linked build).
    """
    global _INSTALLED
    if _INSTALLED is not None:
        return _INSTALLED
    import sqlite3

    name = library or ctypes.util.find_library("sqlite3")
    if not name:
        raise RuntimeError("libsqlite3 no encontrada")
    lib = ctypes.CDLL(name)
    lib.sqlite3_libversion.restype = ctypes.c_char_p
    if library is None and lib.sqlite3_libversion().decode() != sqlite3.sqlite_version:
        raise RuntimeError("el módulo sqlite3 no usa la libsqlite3 compartida")
    shim = PowerCutVfs(lib)
    lib.sqlite3_vfs_register.argtypes = [ctypes.POINTER(Vfs), ctypes.c_int]
    rc = lib.sqlite3_vfs_register(ctypes.byref(shim.vfs), 1)
    if rc != SQLITE_OK:
        raise RuntimeError(f"sqlite3_vfs_register: {rc}")
    _INSTALLED = shim
    atexit.register(_exit_now)
    return shim


def _exit_now() -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
