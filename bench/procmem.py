"""Peak memory of a process tree, sampled from ``/proc``.

``TreeSampler(pid)`` polls every ``interval`` seconds in a background thread: it finds every
live descendant of ``pid`` (by parent pid, so dbt, the scoring workers and anything they start
are included) and adds up their resident set sizes. It keeps the largest sum seen and the
largest single process seen (with its command name). Sampling can miss a spike shorter than
the interval; the kernel's own high-water mark of the largest single process (``ru_maxrss``
from ``wait4``) is reported beside it by the caller as a cross-check.

The sum of RSS counts pages shared between processes (libraries, copy-on-write) once per
process, so it is an upper bound on what the tree holds.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field

PAGE = os.sysconf("SC_PAGE_SIZE")


def _read_stat(pid: str) -> tuple[int, str, int] | None:
    """(parent pid, command name, RSS bytes) of one process, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            raw = fh.read()
    except OSError:
        return None
    head, _, tail = raw.rpartition(b")")
    comm = head.partition(b"(")[2].decode(errors="replace")
    fields = tail.split()
    # fields[0] is the state (field 3 of stat); ppid is field 4, rss (pages) field 24.
    return int(fields[1]), comm, int(fields[21]) * PAGE


def tree_rss(root: int) -> tuple[int, int, str, int]:
    """(sum of RSS, largest RSS, its command name, process count) of ``root`` and descendants."""
    children: dict[int, list[int]] = {}
    info: dict[int, tuple[str, int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        stat = _read_stat(entry)
        if stat is None:
            continue
        ppid, comm, rss = stat
        pid = int(entry)
        children.setdefault(ppid, []).append(pid)
        info[pid] = (comm, rss)
    total = largest = count = 0
    largest_name = ""
    stack = [root]
    while stack:
        pid = stack.pop()
        if pid in info:
            comm, rss = info[pid]
            total += rss
            count += 1
            if rss > largest:
                largest, largest_name = rss, comm
        stack.extend(children.get(pid, ()))
    return total, largest, largest_name, count


@dataclass
class TreeSampler:
    """Background sampler of a process tree's memory; use as a context manager."""

    pid: int
    interval: float = 0.2
    peak_total: int = 0
    peak_single: int = 0
    peak_single_name: str = ""
    max_processes: int = 0
    samples: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            total, single, name, count = tree_rss(self.pid)
            self.samples += 1
            self.peak_total = max(self.peak_total, total)
            self.max_processes = max(self.max_processes, count)
            if single > self.peak_single:
                self.peak_single, self.peak_single_name = single, name
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeSampler:
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def figures(self) -> dict[str, object]:
        mb = 1024 * 1024
        return {
            "peak_tree_rss_mb": round(self.peak_total / mb, 1),
            "peak_single_rss_mb": round(self.peak_single / mb, 1),
            "peak_single_process": self.peak_single_name,
            "max_processes": self.max_processes,
            "samples": self.samples,
        }
