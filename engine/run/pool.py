"""The life of `--jobs` worker processes: they end with their parent, whatever ends it.

A worker is forked from the run's main process. If the main process is killed (SIGKILL,
or SIGTERM before it could stop them), nothing would otherwise stop its workers: they
would wait for work forever. On Linux the kernel ends each worker when its parent dies
(`prctl(PR_SET_PDEATHSIG)`); elsewhere, or where that call fails, a thread in the worker
watches its parent's id and ends the worker when it changes.
"""
from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from typing import Any

PR_SET_PDEATHSIG = 1        # from <linux/prctl.h>
WATCH_INTERVAL = 0.5        # seconds between looks at the parent, for the portable watch
JOIN_SECONDS = 2.0          # how long a stopped worker is waited for


def start_worker(parent: int) -> None:
    """Run first in each worker: Ctrl-C and SIGTERM are the parent's to handle (it stops the
    workers), and the worker ends when the parent does."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if not _die_with_parent():
        watch_parent(parent)
    if os.getppid() != parent:      # the parent died before the worker was ready to notice
        os._exit(1)


def _die_with_parent() -> bool:
    """Ask Linux to kill this process when its parent dies; False where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def watch_parent(parent: int, interval: float = WATCH_INTERVAL) -> threading.Thread:
    """A daemon thread that ends this process as soon as its parent is no longer `parent`
    (an orphan is adopted by another process, so its parent id changes)."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)
    thread = threading.Thread(target=watch, name="evx-parent-watch", daemon=True)
    thread.start()
    return thread


def stop_pool(pool: Any) -> None:
    """End a process pool now, its running work abandoned: for a run that is interrupted,
    terminated or closed early, which has no use for what the workers are doing."""
    # ProcessPoolExecutor keeps its processes and its call queue in private attributes: read
    # them defensively. The queue's feeder thread may be blocked writing work into a pipe that
    # no worker will read again; without this, shutting the pool down (and the interpreter's
    # exit) would wait for that thread forever.
    call_queue = getattr(pool, "_call_queue", None)
    with contextlib.suppress(Exception):
        call_queue.cancel_join_thread()
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    deadline = time.monotonic() + JOIN_SECONDS
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(max(deadline - time.monotonic(), 0.01))
            if process.is_alive():
                process.kill()
                process.join(JOIN_SECONDS)
    # A worker stopped halfway through sending a result leaves the pool's manager thread
    # waiting for the rest of it. Once this process holds the results pipe's only write end,
    # closing it gives that thread an end of file, after which it sees the pool broken and
    # ends: waiting for it here then leaves nothing for the interpreter to wake at exit.
    result_queue = getattr(pool, "_result_queue", None)
    with contextlib.suppress(Exception):
        result_queue._writer.close()
    pool.shutdown(wait=True, cancel_futures=True)
