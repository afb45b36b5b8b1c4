"""Resident memory and CPU time of a server and its worker processes, read with psutil."""

from __future__ import annotations

from dataclasses import dataclass

import psutil


@dataclass(frozen=True)
class Sample:
    rss_bytes: int
    cpu_seconds: float
    processes: int


def _tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def sample(pid: int) -> Sample:
    """Sum RSS and user+system CPU over ``pid`` and its live descendants (the workers).

    ``children_user``/``children_system`` add the CPU of descendants that already exited and
    were reaped, so a worker that died mid-run still counts.
    """
    rss = 0
    cpu = 0.0
    count = 0
    for proc in _tree(pid):
        try:
            with proc.oneshot():
                rss += proc.memory_info().rss
                times = proc.cpu_times()
        except psutil.NoSuchProcess:
            continue
        cpu += times.user + times.system
        if proc.pid == pid:
            cpu += times.children_user + times.children_system
        count += 1
    return Sample(rss_bytes=rss, cpu_seconds=cpu, processes=count)
