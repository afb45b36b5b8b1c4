"""A Bulletin cluster on one machine, in network namespaces, with faults injected under load.

Three app nodes (``bulletin serve --workers 2`` each), a data node (PostgreSQL and Redis of
the run's own) and nginx on a front node (deploy/nginx/bulletin.conf) balancing readers,
each node a network namespace joined by a bridge (``bench/clusternet.py``). Readers stream
through the front while a newsroom publishes entries, edits and deletes through it, and one
app node meets, in turn (each fault, then a quiet period):

- ``redis-slow``: 300 ms more latency each way and 5 % packet loss between it and Redis;
- ``redis-cut``: cut off from Redis (every packet dropped) for 15 s;
- ``postgres-cut``: cut off from PostgreSQL;
- ``link-down``: its network link down, then up again;
- ``killed``: the node killed (SIGKILL), the front moving its readers to the others.

Afterwards every reader's record is checked against the change log: per fault, events lost,
duplicated and out of order (all must be 0), the reader-visible delay's p99 during the fault
and after it, and the recovery time. Markdown on standard output, ``--json`` for a file.

    .venv/bin/python bench/cluster.py --readers 2000 --during 15 --after 10   # benchmark
    .venv/bin/python bench/cluster.py --short --json out.json                 # make test
    .venv/bin/python bench/cluster.py --check     # can this machine run it? (exit 0 or 3)

Root only. Every address is inside the run's own namespaces; every namespace, process and
the temporary folder are removed at the end, also on Ctrl-C, and namespaces a crashed run
left behind are removed at the start.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import http.client
import json
import math
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bulletin_target import SLUG
from clusterclient import Heal, ReaderGroup, Window
from clustercosts import (
    database_counters,
    per_change,
    redis_counters,
    stuck_sessions,
    tree_rss,
)
from clusternet import ClusterNet, enter, missing_tools, remove_stale
from clusternodes import (
    FRONT_PORT,
    HOST_NAME,
    POSTGRES_PORT,
    REDIS_PORT,
    AppNode,
    DataNode,
    Front,
    NodeError,
    Processes,
    app_env,
    nginx_binary,
    postgres_bindir,
    wait_for_app,
)
from clusterreport import report
from soakclient import SoakSpec
from soakreport import Action
from soakserver import Publisher, change_log, log

FAULTS = ("redis-slow", "redis-cut", "postgres-cut", "link-down", "killed")
APPS = ("app1", "app2", "app3")
VICTIM = "app3"
REDIS_DELAY_MS = 300
REDIS_LOSS_PERCENT = 5


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--check", action="store_true", help="Only say whether this machine can run it.")
    p.add_argument(
        "--short", action="store_true", help="The make-test form: 60 readers, short phases."
    )
    p.add_argument("--readers", type=int, default=2000, help="SSE readers (default 2000).")
    p.add_argument(
        "--faults",
        default=",".join(FAULTS),
        help=f"Comma-separated, in order (default all: {','.join(FAULTS)}).",
    )
    p.add_argument("--baseline", type=float, default=10.0, help="Seconds before the first fault.")
    p.add_argument("--during", type=float, default=15.0, help="Seconds each fault lasts.")
    p.add_argument("--after", type=float, default=10.0, help="Quiet seconds after each fault.")
    p.add_argument(
        "--redis-cut", type=float, default=15.0, help="Seconds app3 is cut off from Redis."
    )
    p.add_argument("--interval", type=float, default=0.5, help="Seconds between new entries.")
    p.add_argument("--load-procs", type=int, default=0, help="Load processes (default 1/1000).")
    p.add_argument("--drain-timeout", type=float, default=60.0)
    p.add_argument("--json", dest="json_path", help="Also write the figures to this file.")
    args = p.parse_args(argv)
    if args.short:
        args.readers, args.baseline, args.during, args.after = 60, 2.0, 4.0, 3.0
        args.redis_cut = 8.0
    args.faults = [f for f in args.faults.split(",") if f]
    unknown = sorted(set(args.faults) - set(FAULTS))
    if unknown:
        p.error(f"unknown fault(s) {unknown}: choose from {', '.join(FAULTS)}")
    if args.readers < 1 or args.interval <= 0:
        p.error("--readers must be at least 1 and --interval more than 0")
    if args.load_procs <= 0:
        args.load_procs = max(1, math.ceil(args.readers / 1000))
    return args


def what_is_missing() -> list[str]:
    missing = missing_tools()
    if nginx_binary() is None:
        missing.append("nginx (apt-get install nginx-light)")
    if shutil.which("redis-server") is None:
        missing.append("redis-server (apt-get install redis-server)")
    if postgres_bindir() is None:
        missing.append("PostgreSQL server binaries (apt-get install postgresql)")
    if shutil.which("openssl") is None:
        missing.append("openssl (apt-get install openssl)")
    return missing


class FrontPublisher(Publisher):
    """The soak's newsroom, publishing through the front; a failed request is tried again
    (nginx sends the next one to another node), at most 4 times, 5 s each."""

    def __init__(self, front: str, token: str, seed: int) -> None:
        super().__init__(FRONT_PORT, token, seed)
        self.front = front
        self.headers["Host"] = HOST_NAME

    def _request(
        self, kind: str, method: str, path: str, payload: Any, extra: dict[str, str]
    ) -> tuple[Action, bytes]:
        body = json.dumps(payload).encode() if payload is not None else None
        at = time.time_ns()
        for attempt in range(4):
            conn = http.client.HTTPConnection(self.front, FRONT_PORT, timeout=5)
            try:
                conn.request(method, path, body=body, headers={**self.headers, **extra})
                response = conn.getresponse()
                status, answer = response.status, response.read()
            except OSError as exc:
                status, answer = 0, str(exc).encode()
            finally:
                conn.close()
            if status not in (0, 502, 503, 504) or attempt == 3:
                break
            time.sleep(0.2)
        action = Action(kind, at, (time.time_ns() - at) / 1e6, status, None)
        self.actions.append(action)
        if status not in (200, 201, 204) and len(self.errors) < 20:
            self.errors.append(f"{kind}: {status} {answer[:200]!r}")
        return action, answer


class Cluster:
    """Everything the run started; ``close`` removes it all (also from atexit)."""

    def __init__(self, readers: int) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="bulletin-cluster-"))
        self.folder.chmod(0o711)  # PostgreSQL runs as its own user and must reach its folder
        self.net = ClusterNet(("front", *APPS, "data"))
        self.processes = Processes(self.folder)
        self.readers = readers
        self.data: DataNode | None = None
        self.apps: dict[str, AppNode] = {}
        self.closed = False
        atexit.register(self.close)

    def start(self) -> tuple[int, str]:
        """Build the network and start every node; the blog's seq and an API token."""
        self.net.build()
        log(f"network {self.net.subnet}.0/24 in namespaces {self.net.switch[:-3]}-*")
        # From here on this process is a client on the front node: every connection it makes
        # stays inside the run's namespaces (servers start in theirs through `ip netns exec`).
        enter(self.net.nodes["front"].namespace)
        self.data = DataNode(self.net, self.processes, self.folder)
        self.data.start()
        front = self.net.nodes["front"].address
        env = app_env(self.folder, self.data.database_url, front)
        for name in APPS:
            node = AppNode(name, self.net, self.processes, {**env})
            node.env["BULLETIN_DATA_DIR"] = str(self.folder / name)
            (self.folder / name).mkdir()
            node.start_relay(self.data.address)
            self.apps[name] = node
        first = self.apps["app1"]
        first.bulletin("migrate", "--no-input", "-v", "0")
        seq, token = first.set_up_blog()
        for name, node in self.apps.items():
            node.serve(scheduler=name == "app1")
        Front(self.net, self.processes, self.folder).start(
            [node.address for node in self.apps.values()], self.readers
        )
        for name, node in self.apps.items():
            if not wait_for_app(node.address):
                raise NodeError(
                    f"{name} did not answer: {self.processes.log_tail(name + '-serve')}"
                )
        return seq, token

    def costs(self) -> dict[str, int]:
        """The data node's counters (see bench/clustercosts.py)."""
        assert self.data is not None
        return {
            **database_counters(self.data.database_url),
            **redis_counters(self.data.address, REDIS_PORT),
        }

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.processes.stop_all()
        if self.data is not None:
            self.data.stop()
        self.net.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- faults: (start, heal) for each; heal None means there is nothing to undo ----------

    def fault(self, name: str) -> tuple[Callable[[], None], Callable[[], None] | None]:
        victim = self.apps[VICTIM]
        if name == "redis-slow":

            def start() -> None:
                victim.set_redis_delay(REDIS_DELAY_MS)
                self.net.drop(VICTIM, "data", REDIS_PORT, REDIS_LOSS_PERCENT)

            def heal() -> None:
                self.net.heal(VICTIM)
                victim.set_redis_delay(0)

            return start, heal
        if name == "redis-cut":
            return (
                lambda: self.net.drop(VICTIM, "data", REDIS_PORT, 100),
                lambda: self.net.heal(VICTIM),
            )
        if name == "postgres-cut":
            return (
                lambda: self.net.drop(VICTIM, "data", POSTGRES_PORT, 100),
                lambda: self.net.heal(VICTIM),
            )
        if name == "link-down":
            return lambda: self.net.link(VICTIM, up=False), lambda: self.net.link(VICTIM, up=True)
        return victim.kill, None


def fault_plan(args: argparse.Namespace) -> list[tuple[str, float, float]]:
    """(fault, start, end of its "during" window) in seconds after publishing starts."""
    plan = []
    at = args.baseline
    for name in args.faults:
        during = args.redis_cut if name == "redis-cut" else args.during
        plan.append((name, at, at + during))
        at += during + args.after
    return plan


class FaultRunner(threading.Thread):
    """Starts and heals the faults on time while the main thread publishes."""

    def __init__(self, cluster: Cluster, plan: list[tuple[str, float, float]], t0: float) -> None:
        super().__init__(daemon=True)
        self.cluster = cluster
        self.plan = plan
        self.t0 = t0
        # (fault, started, ended, recovery counted from), time_ns
        self.happened: list[tuple[str, int, int, int]] = []
        self.error: BaseException | None = None
        self.stuck: dict[str, dict[str, int]] = {}
        self.halt = threading.Event()

    def _sleep_until(self, at: float) -> bool:
        return not self.halt.wait(max(0.0, self.t0 + at - time.monotonic()))

    def run(self) -> None:
        try:
            for name, start_at, end_at in self.plan:
                start, heal = self.cluster.fault(name)
                if not self._sleep_until(start_at):
                    return
                started = time.time_ns()
                start()
                log(f"fault {name} on {VICTIM}")
                # Halfway through, what the database holds for the cut-off node.
                finished = self._sleep_until((start_at + end_at) / 2)
                if finished:
                    assert self.cluster.data is not None
                    with contextlib.suppress(Exception):
                        self.stuck[name] = stuck_sessions(self.cluster.data.database_url)
                    finished = self._sleep_until(end_at)
                if heal is not None:
                    heal()
                if not finished:
                    return
                # A killed node stays dead: its readers' recovery counts from the kill.
                ended = time.time_ns()
                self.happened.append((name, started, ended, ended if heal else started))
                log(f"fault {name} ended")
        except BaseException as exc:  # reported by the main thread
            self.error = exc


def timeline(seconds: float, interval: float) -> list[tuple[float, str, int]]:
    plan: list[tuple[float, str, int]] = []
    for number in range(int(seconds / interval)):
        at = number * interval
        plan.append((at, "create", number))
        if number % 5 == 4:
            plan.append((at + 0.4 * interval, "edit", number))
        if number % 10 == 9:
            plan.append((at + 0.7 * interval, "delete", number))
    return plan


def windows_and_heals(
    happened: list[tuple[str, int, int, int]],
    start_ns: int,
    end_ns: int,
    logged_ns: dict[int, int],
) -> tuple[list[Window], list[Heal]]:
    """The run cut into baseline, then each fault's "during" and "after"; the heals."""
    windows = []
    heals = []
    edge, label = start_ns, "baseline"
    for name, started, ended, recover_from in happened:
        windows.append(Window(label, edge, started))
        windows.append(Window(f"{name} during", started, ended))
        later = [seq for seq, at in logged_ns.items() if at >= recover_from]
        heals.append(Heal(name, recover_from, min(later, default=max(logged_ns, default=0))))
        edge, label = ended, f"{name} after"
    windows.append(Window(label, edge, max(end_ns, edge) + 1))
    return windows, heals


def run(args: argparse.Namespace, cluster: Cluster) -> dict[str, Any]:
    since, token = cluster.start()
    front = cluster.net.nodes["front"].address
    publisher = FrontPublisher(front, token, seed=1)
    for number in range(5):  # first requests of each node, unmeasured
        publisher.create(-1 - number)
    assert cluster.data is not None
    since = max(change_log(cluster.data.database_url, 0)[0], default=since)
    publisher.actions.clear()
    shares = [
        args.readers // args.load_procs + (1 if i < args.readers % args.load_procs else 0)
        for i in range(args.load_procs)
    ]
    plan = fault_plan(args)
    seconds = plan[-1][2] + args.after if plan else args.baseline
    specs = [
        SoakSpec(
            host=front,
            port=FRONT_PORT,
            path=f"/live/{SLUG}/events?since={since}",
            since=since,
            readers=share,
            connect_concurrency=100,
            connect_timeout=15.0,
            churn_per_minute=0.0,
            pause_seconds=(0.5, 3.0),
            max_seconds=300 + args.readers / 50 + seconds + args.drain_timeout,
            seed=number,
        )
        for number, share in enumerate(shares)
    ]
    nginx_pid = cluster.processes.running["nginx"].pid
    nginx_idle = tree_rss(nginx_pid)
    group = ReaderGroup(specs)
    faults: FaultRunner | None = None
    try:
        ready = group.await_all("ready", 60 + args.readers / 50)
        connected = sum(r["connected"] for r in ready)
        log(f"{connected} of {args.readers} readers connected; running for {seconds:.0f} s")
        nginx_busy = tree_rss(nginx_pid)
        costs_before = cluster.costs()
        group.send("go")
        start_ns = time.time_ns()
        t0 = time.monotonic()
        faults = FaultRunner(cluster, plan, t0)
        faults.start()
        for at, kind, number in timeline(seconds, args.interval):
            time.sleep(max(0.0, t0 + at - time.monotonic()))
            getattr(publisher, kind)(number)
        time.sleep(max(0.0, t0 + seconds - time.monotonic()))
        end_ns = time.time_ns()
        costs_after = cluster.costs()
        faults.join(timeout=30)
        if faults.error is not None:
            raise faults.error
        assert cluster.data is not None
        expected, logged_ns, superseded = change_log(cluster.data.database_url, since)
        by_fingerprint = {fp: seq for seq, fp in expected.items()}
        published_ns = {}
        for action in publisher.actions:
            if action.fingerprint is not None and action.fingerprint in by_fingerprint:
                published_ns[by_fingerprint[action.fingerprint]] = action.at_ns
        target = max(expected, default=since)
        log(f"{len(expected)} changes; waiting for every reader to have seq {target}")
        group.send(("drain", target, args.drain_timeout))
        drained = group.await_all("drained", args.drain_timeout + 30)
        windows, heals = windows_and_heals(faults.happened, start_ns, end_ns, logged_ns)
        group.send(("verify", expected, superseded, published_ns, logged_ns, windows, heals))
        results = group.await_all("result", 120 + args.readers / 100)
    finally:
        if faults is not None:
            faults.halt.set()
        group.stop()
    return {
        "readers": args.readers,
        "connected": connected,
        "changes": len(expected),
        "results": results,
        "drained": drained,
        "faults": faults.happened,
        "plan": plan,
        "windows": [w.label for w in windows],
        "publish_errors": publisher.errors,
        "publish_requests": len(publisher.actions),
        "publish_ms": {
            w.label: sorted(a.ms for a in publisher.actions if w.start_ns <= a.at_ns < w.end_ns)
            for w in windows
        },
        "load_processes_lost": args.load_procs - len(results),
        "subnet": cluster.net.subnet,
        "costs_per_change": per_change(costs_before, costs_after, len(expected)),
        "stuck": faults.stuck,
        "redis_subscribers": costs_after.get("subscribers", 0),
        "front_nginx_kb_per_reader": (nginx_busy - nginx_idle) / 1024 / max(1, connected),
    }


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    missing = what_is_missing()
    if args.check or missing:
        print(json.dumps({"missing": missing}))
        return 3 if missing else 0
    for name in remove_stale():
        log(f"removed {name}, left by a run that is gone")
    signal.signal(signal.SIGTERM, _interrupt)
    cluster = Cluster(args.readers)
    try:
        outcome = run(args, cluster)
    except (NodeError, OSError) as exc:
        log(f"failed: {exc}")
        return 2
    except KeyboardInterrupt:
        log("interrupted; every namespace and process of the run was removed")
        return 130
    finally:
        cluster.close()
    text, data, ok = report(args, argv, outcome)
    print(text)
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(data, indent=2, default=str))
    log("every reader got every change once, in order" if ok else "CHECK FAILED: see above")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
