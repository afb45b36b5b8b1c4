"""A private network on one machine: network namespaces joined by a bridge, and its faults.

Each node of the simulated cluster is a network namespace of its own with one veth into a
"switch" namespace that holds a Linux bridge. Addresses are ``10.<a>.<b>.0/24`` with ``a``
and ``b`` drawn per run; they exist only inside these namespaces, so nothing on them can
leave the machine. Every name carries the prefix ``bcl`` and a per-run id, so runs may
overlap; :func:`remove_stale` deletes what a crashed run of this machine left behind.

Faults (no ``netem`` qdisc exists on this kernel, see docs/benchmarks.md):

- **loss**: nftables in the node's namespace drops a share of the packets to and from one
  address and port (``numgen random mod 100 < N drop``), in both directions;
- **cut off**: the same rule dropping every packet: a partition, not a refusal, so open
  connections hang as they would across a dead switch;
- **latency**: a userspace TCP relay in the node's namespace (``bench/delayrelay.py``) that
  holds every chunk for a set time in each direction;
- **link down/up**: ``ip link set eth0 down`` in the node's namespace.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import random
import shutil
import signal
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

PREFIX = "bcl"
NETNS_DIR = Path("/run/netns")
CLONE_NEWNET = 0x40000000
FAULT_TABLE = "bulletin_fault"
# The namespace this program started in: the machine's, whose routes lead off the machine.
STARTED_IN = os.stat("/proc/self/ns/net").st_ino


class NetError(Exception):
    """A namespace, link or rule could not be made."""


def run(*argv: str, timeout: float = 20.0, check: bool = True) -> str:
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL
    )
    if check and done.returncode != 0:
        raise NetError(f"{' '.join(argv)}: {done.stderr.strip() or done.returncode}")
    return done.stdout


def missing_tools() -> list[str]:
    """What this machine lacks for the cluster: each item says what and how to get it.

    Beyond the binaries, it makes a namespace pair with a veth and loads an nftables rule with
    ``numgen random`` in it: a kernel without network namespaces, veth or nf_tables fails here.
    """
    missing = []
    if os.geteuid() != 0:
        missing.append("root (network namespaces need CAP_SYS_ADMIN and CAP_NET_ADMIN)")
    for tool, package in (("ip", "iproute2"), ("nft", "nftables")):
        if shutil.which(tool) is None:
            missing.append(f"{tool} (apt-get install {package})")
    if missing:
        return missing
    probe = f"{PREFIX}p{os.getpid():x}{random.randrange(1 << 16):04x}"  # noqa: S311
    try:
        run("ip", "netns", "add", probe)
        run("ip", "netns", "add", probe + "b")
        run(
            *("ip", "link", "add", "eth0", "netns", probe, "type", "veth"),
            *("peer", "name", "eth0", "netns", probe + "b"),
        )
        _nft(probe, f"add table inet {FAULT_TABLE}")
        _nft(probe, f"add chain inet {FAULT_TABLE} out {{ type filter hook output priority 0; }}")
        _nft(probe, f"add rule inet {FAULT_TABLE} out numgen random mod 100 < 5 drop")
    except (NetError, OSError, subprocess.SubprocessError) as exc:
        missing.append(f"network namespaces, veth and nftables with numgen: {exc}")
    finally:
        for name in (probe, probe + "b"):
            run("ip", "netns", "del", name, check=False)
    return missing


def _nft(namespace: str, command: str) -> None:
    run("ip", "netns", "exec", namespace, "nft", command)


def remove_stale() -> list[str]:
    """Delete namespaces of this prefix whose run is gone (its pid no longer exists), and end
    the processes left in them."""
    removed = []
    for path in NETNS_DIR.glob(f"{PREFIX}*") if NETNS_DIR.exists() else []:
        pid = _owner_pid(path.name)
        if pid is not None and _alive(pid):
            continue
        # What the dead run started in there (servers, relays) is still running: end it.
        for leftover in run("ip", "netns", "pids", path.name, check=False).split():
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(leftover), signal.SIGKILL)
        run("ip", "netns", "del", path.name, check=False)
        removed.append(path.name)
    return removed


def _owner_pid(name: str) -> int | None:
    """``bcl<pid hex>x<run hex>-node``: the pid of the run that made it."""
    head = name[len(PREFIX) :].split("x", 1)[0]
    try:
        return int(head, 16)
    except ValueError:
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def enter(namespace: str) -> None:
    """Move the calling thread (call it before starting others) into ``namespace``."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(NETNS_DIR / namespace, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise NetError(f"setns into {namespace}: {os.strerror(ctypes.get_errno())}")
    finally:
        os.close(fd)


@dataclass
class Node:
    name: str  # short: front, app1, data
    namespace: str
    address: str


@dataclass
class ClusterNet:
    """The namespaces, the bridge and the addresses of one run; ``close`` removes them all."""

    node_names: Iterable[str]
    run_id: str = field(
        default_factory=lambda: f"{os.getpid():x}x{random.randrange(1 << 16):04x}"  # noqa: S311
    )
    nodes: dict[str, Node] = field(default_factory=dict)
    made: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        rng = random.Random()  # noqa: S311 - a subnet, not a secret
        self.subnet = f"10.{rng.randrange(64, 250)}.{rng.randrange(1, 250)}"
        self.switch = f"{PREFIX}{self.run_id}-sw"

    def build(self) -> ClusterNet:
        try:
            self._add_namespace(self.switch)
            run("ip", "-n", self.switch, "link", "add", "br0", "type", "bridge")
            run("ip", "-n", self.switch, "link", "set", "br0", "up")
            for number, name in enumerate(self.node_names, start=2):
                namespace = f"{PREFIX}{self.run_id}-{name}"
                self._add_namespace(namespace)
                port = f"p{number}"
                run(
                    *("ip", "link", "add", "eth0", "netns", namespace, "type", "veth"),
                    *("peer", "name", port, "netns", self.switch),
                )
                run("ip", "-n", self.switch, "link", "set", port, "master", "br0", "up")
                address = f"{self.subnet}.{number}"
                run("ip", "-n", namespace, "addr", "add", f"{address}/24", "dev", "eth0")
                run("ip", "-n", namespace, "link", "set", "eth0", "up")
                run("ip", "-n", namespace, "link", "set", "lo", "up")
                # Thousands of readers through one front: room for their ports.
                run(
                    *("ip", "netns", "exec", namespace, "sysctl", "-q", "-w"),
                    "net.ipv4.ip_local_port_range=10000 65000",
                )
                self.nodes[name] = Node(name, namespace, address)
        except BaseException:
            self.close()
            raise
        return self

    def _add_namespace(self, namespace: str) -> None:
        run("ip", "netns", "add", namespace)
        self.made.append(namespace)

    def close(self) -> None:
        for namespace in reversed(self.made):
            run("ip", "netns", "del", namespace, check=False)
        self.made.clear()

    # --- faults -------------------------------------------------------------------------

    def drop(self, node: str, peer: str, port: int, percent: int) -> None:
        """Drop ``percent`` % of the packets between ``node`` and ``peer``'s ``port``, both
        ways (100: a partition)."""
        namespace = self.nodes[node].namespace
        address = self.nodes[peer].address
        self.heal(node)
        _nft(namespace, f"add table inet {FAULT_TABLE}")
        for chain, hook in (("out", "output"), ("in", "input")):
            _nft(
                namespace,
                f"add chain inet {FAULT_TABLE} {chain} {{ type filter hook {hook} priority 0; }}",
            )
        chance = "" if percent >= 100 else f"numgen random mod 100 < {percent} "
        _nft(
            namespace,
            f"add rule inet {FAULT_TABLE} out ip daddr {address} tcp dport {port} {chance}drop",
        )
        _nft(
            namespace,
            f"add rule inet {FAULT_TABLE} in ip saddr {address} tcp sport {port} {chance}drop",
        )

    def heal(self, node: str) -> None:
        """Remove every drop rule of ``node``."""
        namespace = self.nodes[node].namespace
        with contextlib.suppress(NetError):
            _nft(namespace, f"delete table inet {FAULT_TABLE}")

    def link(self, node: str, up: bool) -> None:
        run("ip", "-n", self.nodes[node].namespace, "link", "set", "eth0", "up" if up else "down")

    def exec_prefix(self, node: str) -> list[str]:
        """Put before a command to run it inside ``node``'s namespace."""
        return ["ip", "netns", "exec", self.nodes[node].namespace]


def require_own_namespace() -> None:
    """Refuse to talk to a cluster address from the machine's own network namespace.

    The cluster's 10.x addresses exist only inside the run's namespaces; from the machine's
    namespace a connection to one would follow its default route off the machine.
    """
    if os.stat("/proc/thread-self/ns/net").st_ino == STARTED_IN:
        raise NetError("refusing to reach a cluster address from the machine's own namespace")


def wait_listening(address: str, port: int, timeout: float) -> bool:
    """From the calling thread's namespace (one of the run's): does ``address:port``
    accept connections?"""
    import socket

    require_own_namespace()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection((address, port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False
