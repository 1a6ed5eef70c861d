"""Which files a rule set may read, and reading them safely.

Each rule set is confined to its own folder: its imports, taxonomy files and lexicons
must lie inside it, whatever other rule sets are loaded with it (unless the user allows
files outside). `evx:news/entities.yml` names a file of the rule sets bundled with evx;
what such a file reads is confined to the bundled folder, always.

Only regular files are read: a FIFO or a device node (`/dev/zero`) would hang the loader
or fill memory. The file is opened without blocking and checked on the open descriptor,
so that nothing can be swapped in between the check and the read.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

BUNDLED_PREFIX = "evx:"
MAX_FILE_BYTES = 256 * 1024 * 1024      # a rule, taxonomy or lexicon file larger than this is refused


class NotReadable(Exception):
    """A file the loader will not or cannot read, with the reason in words."""


@dataclass(frozen=True)
class Folder:
    """The folder a rule set's files must stay in; `strict`: even when outside files are allowed."""
    root: Path
    strict: bool = False
    bundled: bool = False

    def holds(self, path: Path, allow_outside: bool) -> bool:
        return (allow_outside and not self.strict) or real_path(path).is_relative_to(self.root)

    @property
    def name(self) -> str:
        return "the bundled rules' folder" if self.bundled else "the rule set's folder"


def bundled_folder() -> Folder:
    """The folder of the rule sets installed with evx (`evx:` paths start there)."""
    return Folder(real_path(Path(str(resources.files("evx.bundled")))), strict=True, bundled=True)


def real_path(path: Path) -> Path:
    """The path with symlinks followed; a symlink loop stays as it is (reading it then fails
    with its reason) instead of raising, as Path.resolve does."""
    return Path(os.path.realpath(path))


def resolve(target: str, base: Path, folder: Folder) -> tuple[Path, Folder]:
    """The file an import (or a taxonomy or lexicon path) names, and the folder it is confined to.
    `evx:...` is a bundled file; anything else is relative to `base`, the importing file's folder."""
    if target.startswith(BUNDLED_PREFIX):
        bundled = bundled_folder()
        return bundled.root / target[len(BUNDLED_PREFIX):], bundled
    return base / target, folder


def read_regular(path: Path) -> bytes:
    """The bytes of a regular file; NotReadable for anything else (FIFO, device, folder)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise
    except IsADirectoryError:
        raise NotReadable("it is a folder, not a file") from None
    except OSError as err:
        raise NotReadable(err.strerror or str(err)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotReadable(f"it is {_kind(info.st_mode)}, not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise NotReadable(f"it is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        chunks = []
        size = 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_FILE_BYTES:      # it grew while being read
                raise NotReadable(f"it is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as err:
        raise NotReadable(err.strerror or str(err)) from None
    finally:
        os.close(fd)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a plain file"
