"""The readers of the cluster benchmark, and their check per fault.

The load processes are the soak benchmark's (``bench/soakclient.py``: browsers' EventSource,
resuming with ``Last-Event-ID``), pointed at the front; only the check differs. Every change
is attributed to the window of the run its change-log row was written in (a fault's
"during" or "after", or the baseline), so each fault gets its own count of lost, duplicated
and out-of-order events and its own delays, and each heal its own recovery time.
"""

from __future__ import annotations

import itertools
import multiprocessing
import time
from array import array
from collections import Counter
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from soakclient import Fingerprint, SoakSpec, SoakState, run_soak_process


@dataclass(frozen=True)
class Window:
    label: str  # "baseline", "redis-cut during", ...
    start_ns: int
    end_ns: int


@dataclass(frozen=True)
class Heal:
    label: str  # the fault
    at_ns: int  # when the fault ended (for a killed node: when it was killed)
    seq: int  # the first public change logged after that moment


def _window_of(windows: list[Window], at_ns: int) -> str:
    for window in windows:
        if window.start_ns <= at_ns < window.end_ns:
            return window.label
    return windows[-1].label if windows and at_ns >= windows[-1].end_ns else "before"


def verify_windows(
    state: SoakState,
    expected: dict[int, Fingerprint],
    superseded: set[int],
    published_ns: dict[int, int],
    logged_ns: dict[int, int],
    windows: list[Window],
    heals: list[Heal],
) -> dict[str, Any]:
    """Per window: lost, duplicated and out-of-order events, delays; per heal: recovery.

    A delay is from the publish request (or, for a change whose request is not known, its
    change-log row) to the reader having parsed the event, for every delivery: events a
    reader got late because its node died and it resumed elsewhere count with their full
    delay. A superseded change is optional, as in the soak (a resume replays the present).
    Recovery of a heal: how long after it the last reader had the first change logged after
    it (and so, in order, every change before: one normal delivery is part of the figure).
    """
    label_of = {seq: _window_of(windows, logged_ns[seq]) for seq in expected}
    required = [seq for seq in sorted(expected) if seq not in superseded]
    counts: dict[str, Counter[str]] = {w.label: Counter() for w in windows}
    delays: dict[str, array[int]] = {w.label: array("q") for w in windows}
    after_commit: dict[str, array[int]] = {w.label: array("q") for w in windows}
    recovered_ns = dict.fromkeys((h.label for h in heals), 0)
    examples: list[str] = []
    for number, reader in enumerate(state.readers):
        seqs = reader.seqs.tolist()
        got = Counter(seqs)
        problems = Counter[str]()
        for seq in required:
            if seq not in got:
                problems["lost"] += 1
                counts[label_of[seq]]["lost"] += 1
        for seq, times in got.items():
            if times > 1 and seq in label_of:
                problems["duplicated"] += times - 1
                counts[label_of[seq]]["duplicated"] += times - 1
            if seq not in label_of:
                problems["unexpected"] += 1
        for before, after in itertools.pairwise(seqs):
            if after <= before:
                problems["out_of_order"] += 1
                counts[label_of.get(after, windows[0].label)]["out_of_order"] += 1
        if problems and len(examples) < 5:
            examples.append(f"reader {number}: {dict(problems)}, dead={reader.dead}")
        recv = reader.recv_ns
        for index, seq in enumerate(seqs):
            label = label_of.get(seq)
            if label is None:
                continue
            counts[label]["received"] += 1
            sent = published_ns.get(seq, logged_ns[seq])
            delays[label].append(recv[index] - sent)
            after_commit[label].append(recv[index] - logged_ns[seq])
        for heal in heals:
            first = next((recv[i] for i, seq in enumerate(seqs) if seq >= heal.seq), None)
            if first is None:
                recovered_ns[heal.label] = -1  # never recovered
            elif recovered_ns[heal.label] >= 0:
                recovered_ns[heal.label] = max(recovered_ns[heal.label], first - heal.at_ns)
    for label in counts:
        counts[label]["expected"] = sum(1 for s in required if label_of[s] == label) * len(
            state.readers
        )
    return {
        "readers": len(state.readers),
        "counts": {label: dict(c) for label, c in counts.items()},
        "delays_ns": {label: d.tobytes() for label, d in delays.items()},
        "after_commit_ns": {label: d.tobytes() for label, d in after_commit.items()},
        "recovered_ns": recovered_ns,
        "examples": examples,
        "reconnects": state.reconnects,
        "server_closed": state.server_closed,
        "failed_attempts": state.failed_attempts,
        "connect_failed": state.connect_failed,
        "dead": sum(r.dead for r in state.readers),
        "resets": state.resets,
        "errors": dict(state.errors.most_common(8)),
    }


class ReaderGroup:
    """The load processes (forked: they inherit the caller's network namespace)."""

    def __init__(self, specs: list[SoakSpec]) -> None:
        ctx = multiprocessing.get_context("fork")
        self.conns: list[Connection] = []
        self.procs: list[BaseProcess] = []
        self.inbox: list[dict[str, Any]] = []
        for spec in specs:
            parent_end, child_end = ctx.Pipe()
            proc = ctx.Process(
                target=run_soak_process, args=(spec, child_end, verify_windows), daemon=True
            )
            proc.start()
            child_end.close()
            self.conns.append(parent_end)
            self.procs.append(proc)
            self.inbox.append({})

    def send(self, message: Any) -> None:
        for conn, box in zip(self.conns, self.inbox, strict=True):
            if "gone" not in box:
                try:
                    conn.send(message)
                except OSError:
                    box["gone"] = True

    def await_all(self, kind: str, timeout: float) -> list[Any]:
        deadline = time.monotonic() + timeout
        while True:
            pending = [
                c
                for c, box in zip(self.conns, self.inbox, strict=True)
                if kind not in box and "gone" not in box
            ]
            left = deadline - time.monotonic()
            if not pending or left <= 0:
                return [box[kind] for box in self.inbox if kind in box]
            for ready in wait(pending, timeout=left):
                assert isinstance(ready, Connection)
                box = self.inbox[self.conns.index(ready)]
                try:
                    message_kind, payload = ready.recv()
                except (EOFError, OSError):
                    box["gone"] = True
                    continue
                box[str(message_kind)] = payload

    def stop(self) -> None:
        for conn in self.conns:
            conn.close()
        for proc in self.procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=5)
