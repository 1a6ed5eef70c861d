"""Where records go: standard output, a device or pipe written as it is, or a file that
appears whole or not at all.

A file is written to a temporary file in its folder and renamed into place at the end, so
a run that fails, is interrupted or killed never leaves a torn file. On Linux the
temporary file has no name until it is complete (`O_TMPFILE`, published with `linkat`),
so even a SIGKILL leaves nothing behind; elsewhere it is a hidden `.evx-*.tmp` file,
removed on every error and signal evx can see. A new file gets the mode the umask gives,
as any file the user creates; a file replaced keeps its mode.
"""
from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from typing import IO, Callable, Iterator

from ..errors import ClosedPipe, OutputError

STANDARD_OUTPUT = "standard output"
_PROC_FD = "/proc/self/fd"
_AT_FDCWD, _AT_EMPTY_PATH = -100, 0x1000      # from <fcntl.h> (Linux)


class Output:
    """An open output; use `writing()` around each write so that a failure (a full disk)
    becomes an OutputError naming the output."""

    def __init__(self, path: str | None):
        self.path = None if path in (None, "-") else path
        self.name = STANDARD_OUTPUT if self.path is None else self.path
        self.stream: IO[str] = sys.stdout
        self._fd: int | None = None         # the temporary file, while it is one
        self._temp_name: str | None = None  # its name, when it has one
        self._link: Linker | None = None    # how an unnamed temporary file gets its name

    # -- opening -----------------------------------------------------------------------------

    def open(self) -> "Output":
        if self.path is None:
            return self
        try:
            if os.path.exists(self.path) and not os.path.isfile(self.path):
                # a device or a pipe (/dev/null, a FIFO): write to it, never rename over it
                self.stream = open(self.path, "w", encoding="utf-8", newline="\n")
                return self
            self._open_temporary()
            self.stream = os.fdopen(self._fd, "w", encoding="utf-8", newline="\n", closefd=False)
        except OSError as err:
            self.discard()
            raise self.error(err) from None
        return self

    def _open_temporary(self) -> None:
        folder = os.path.dirname(os.path.abspath(self.path))
        try:
            existing = os.stat(self.path).st_mode
        except FileNotFoundError:
            existing = None
        self._fd, self._link = _unnamed_file(folder)
        if self._fd is None:
            self._fd, self._temp_name = _named_file(folder)
        if existing is not None:
            os.fchmod(self._fd, stat.S_IMODE(existing))

    # -- writing -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        try:
            yield
        except OSError as err:
            raise self.error(err) from None

    def error(self, err: OSError) -> OutputError:
        message = f"cannot write {self.name}: {err.strerror or err}"
        if self.path is None:
            _silence_standard_output()
            if isinstance(err, BrokenPipeError):
                return ClosedPipe(message)
        return OutputError(message)

    # -- closing -----------------------------------------------------------------------------

    def commit(self) -> None:
        """Make what was written the output: flushed, and for a file synced and put in place."""
        with self.writing():
            self.stream.flush()
            if self._fd is None:
                if self.path is not None:
                    self.stream.close()
                return
            os.fsync(self._fd)
            self.stream.close()
            self._publish()

    def _publish(self) -> None:
        if self._temp_name is None:             # an unnamed file: name it, then rename it over
            if _named(self._link, self._fd, self.path):   # the target, unless there is one to replace
                self._close_fd()
                return
            folder = os.path.dirname(os.path.abspath(self.path))
            while True:
                self._temp_name = _free_name(folder)
                if _named(self._link, self._fd, self._temp_name):
                    break
        self._close_fd()
        os.replace(self._temp_name, self.path)
        self._temp_name = None

    def discard(self) -> None:
        """Leave no trace of a file that was not finished."""
        if self._fd is not None:
            with contextlib.suppress(Exception):
                self.stream.close()
            self._close_fd()
        elif self.path is not None and self.stream is not sys.stdout:
            with contextlib.suppress(Exception):
                self.stream.close()
        if self._temp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._temp_name)
            self._temp_name = None

    def _close_fd(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None

    def __enter__(self) -> "Output":
        return self.open()

    def __exit__(self, kind, value, tb) -> None:
        if kind is None:
            try:
                self.commit()
            except BaseException:
                self.discard()
                raise
        else:
            self.discard()


def open_output(path: str | None) -> Output:
    """An Output for `-o PATH` (None or '-': standard output), to use as a context manager."""
    return Output(path)


Linker = Callable[[int, str], None]


def _unnamed_file(folder: str) -> tuple[int | None, Linker | None]:
    """A file in `folder` with no name yet and the way to name it when it is done, or
    (None, None) where this system or file system cannot make one or name it."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None:
        return None, None
    try:
        fd = os.open(folder, flag | os.O_WRONLY | os.O_CLOEXEC, 0o666)
    except OSError as err:
        if err.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT, errno.ENOTDIR,
                         errno.EACCES, errno.EPERM):
            return None, None   # no O_TMPFILE here; a named file may still do (or say why not)
        raise
    link = _working_linker(folder)
    if link is None:
        os.close(fd)
        return None, None
    return fd, link


def _working_linker(folder: str) -> Linker | None:
    """The first way of naming an unnamed file that works in `folder`, tried on an empty one."""
    for link in (_link_empty_path, _link_proc_fd):
        try:
            probe = os.open(folder, os.O_TMPFILE | os.O_WRONLY | os.O_CLOEXEC, 0o600)
        except OSError:
            return None
        try:
            name = _free_name(folder)
            link(probe, name)
            os.unlink(name)
            return link
        except OSError:
            continue
        finally:
            os.close(probe)
    return None


def _link_empty_path(fd: int, target: str) -> None:
    """linkat(fd, "", AT_FDCWD, target, AT_EMPTY_PATH)."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.linkat(fd, b"", _AT_FDCWD, os.fsencode(target), _AT_EMPTY_PATH) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), target)


def _link_proc_fd(fd: int, target: str) -> None:
    os.link(f"{_PROC_FD}/{fd}", target, follow_symlinks=True)


def _named(link: Linker, fd: int, target: str) -> bool:
    """Give the unnamed file `fd` the name `target`; False when that name is taken."""
    try:
        link(fd, target)
    except FileExistsError:
        return False
    return True


def _named_file(folder: str) -> tuple[int, str]:
    while True:
        name = _free_name(folder)
        try:
            return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666), name
        except FileExistsError:
            continue


def _free_name(folder: str) -> str:
    return os.path.join(folder, f".evx-{os.urandom(6).hex()}.tmp")


def _silence_standard_output() -> None:
    """After standard output failed, point it at /dev/null so that the interpreter's own
    flush at exit does not fail again with a traceback."""
    with contextlib.suppress(Exception):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
