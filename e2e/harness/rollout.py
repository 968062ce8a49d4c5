"""One distribution: every host pulls the image at once, through its agent (rackswarm, or
BitTorrent with the tracker's topology policy off) or straight from the seeders over HTTP.
Shows progress per rack while it runs and returns what it measured."""

import json
import os
import subprocess
import sys
import threading
import time

from . import dashboard
from .faults import AgentFaults, ControlFaults
from .services import ROOT

SYSTEMS = {
    # name: (tracker handout policy, representatives per rack, hosts pull through their agent)
    "rackswarm": ("topology", 2, True),
    "rackswarm-r1": ("topology", 1, True),
    # One representative per rack, and each agent told only of its two rack neighbours.
    "rackswarm-chain": ("topology-chain", 1, True),
    "bt-random": ("random", 2, True),
    "http": ("topology", 2, False),
}
REPOSITORY = "e2e/image"
WARMUP = "e2e/warmup"
TAG = "v1"


class HostPull:
    def __init__(self, host):
        self.host = host
        self.bytes = 0
        self.seconds = None
        self.manifest_seconds = None
        self.attempts = 1
        self.error = None


def cpu_times():
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    return fields[3] + fields[4], sum(fields)  # idle + iowait, total


class Rollout:
    def __init__(self, cluster, image_bytes, timeout, out=sys.stdout):
        self.cluster = cluster
        self.dc = cluster.dc
        self.image_bytes = image_bytes
        self.timeout = timeout
        self.out = out

    def run(self, system, fault=None, inject=True):
        """One system on a fresh cluster. fault: None; "agents" (the image reaches 4 hosts,
        then the others while agents are killed and restarted); "control" (a tracker, a seeder
        and Redis die mid-run). inject=False runs the same phases without the faults."""
        policy, representatives, through_agents = SYSTEMS[system]
        hosts = self.dc.hosts
        c = self.cluster
        # Each run has its own processes and state (the agents' caches start empty).
        run = system if fault is None else "%s-%s" % (system, "faults" if inject else "clean")
        try:
            self._say("%s: starting Redis, 2 trackers (policy %s, %d representatives per rack),"
                      " 2 seeders%s" % (system, policy, representatives,
                                        ", %d agents" % len(hosts) if through_agents else ""))
            c.start_control(run, policy, representatives)
            if through_agents:
                c.start_agents(run, hosts)
            # Agents are long-running daemons: a first, small image warms their request paths
            # and BitTorrent session (and the seeders') before the clock starts.
            warm = self._pull_all(hosts, through_agents, WARMUP)
            failed = [p for p in warm if p.error or p.seconds is None]
            if failed:
                raise RuntimeError("warm-up pull failed on %s: %s"
                                   % (failed[0].host.name, failed[0].error))
            self._say("%s: warm-up image on every host in %.1f s; now the measured image"
                      % (system, max(p.seconds for p in warm)))
            if fault is None:
                result = self._distribute(system, hosts, through_agents)
                if through_agents:
                    result["dashboard_missing"] = dashboard.missing(
                        [(c.dc.services, c.tracker_url(0)), (c.dc.services, c.seeder_url(0)),
                         (hosts[0], c.agent_url(hosts[0]))])
                return result
            label = system + (" (%s faults)" % fault if inject else " (%s phases, no faults)"
                              % fault)
            if fault == "control":
                chaos = ControlFaults(c, run) if inject else None
                result = self._distribute(system, hosts, through_agents, chaos)
            else:
                first = spread(hosts, 4)
                rest = [h for h in hosts if h not in first]
                self._say("%s: the image to %d hosts first" % (system, len(first)))
                before = self._distribute(system, first, through_agents)
                self._say("%s: then to %d more%s" % (system, len(rest),
                          ", killing and restarting agents mid-transfer" if inject else ""))
                chaos = (AgentFaults(c, run, spread(rest, 2) + first[:1])
                         if inject else None)
                result = self._distribute(system, rest, through_agents, chaos)
                result["first_phase"] = before
            result["system"] = label
            result["faults"] = chaos.events if chaos else []
            return result
        finally:
            c.stop_run(run)

    def _pull_all(self, hosts, through_agents, repository, display=None, chaos=None):
        """Every host pulls repository:TAG at once; returns when all are done or failed. With
        chaos, pulls retry as the kubelet would and chaos.tick() sees their progress."""
        pulls = [HostPull(h) for h in hosts]
        start = time.monotonic()
        readers = []
        c = self.cluster
        for n, pull in enumerate(pulls):
            base = (c.agent_url(pull.host) if through_agents
                    else c.seeder_url(n % len(c.seeder_ips)))
            p = subprocess.Popen(pull.host.command(
                [sys.executable, "-m", "harness.pull", base, c.registry, repository, TAG,
                 "30" if chaos else "0"]),
                cwd=os.path.join(ROOT, "e2e"), stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, text=True)
            t = threading.Thread(target=self._follow, args=(p, pull), daemon=True)
            t.start()
            readers.append((p, t))
        deadline = start + self.timeout
        while any(t.is_alive() for _, t in readers) and time.monotonic() < deadline:
            if display:
                display.show(time.monotonic() - start, pulls)
            if chaos:
                chaos.tick(time.monotonic() - start, pulls, self.image_bytes)
            time.sleep(1)
        for p, _ in readers:
            if p.poll() is None:
                p.kill()
        for _, t in readers:
            t.join(5)
        for pull in pulls:
            if pull.seconds is None and pull.error is None:
                pull.error = "not done after %d s" % self.timeout
        return pulls

    def _distribute(self, system, hosts, through_agents, chaos=None):
        links_before = self.dc.uplink_bytes()
        upstream_before = self.dc.upstream_bytes()
        idle0, total0 = cpu_times()
        display = Display(self.dc.racks, self.image_bytes, self.out)
        start = time.monotonic()
        pulls = self._pull_all(hosts, through_agents, REPOSITORY, display, chaos)
        if chaos:
            chaos.join()
        wall = time.monotonic() - start
        display.show(wall, pulls, final=True)
        idle1, total1 = cpu_times()
        return {
            "system": system,
            "hosts": [{"host": p.host.name, "rack": p.host.rack, "seconds": p.seconds,
                       "manifest_seconds": p.manifest_seconds, "bytes": p.bytes,
                       "attempts": p.attempts, "error": p.error} for p in pulls],
            "wall": wall,
            "cpu_idle": (idle1 - idle0) / max(1, total1 - total0),
            "uplinks": _delta_links(links_before, self.dc.uplink_bytes()),
            "upstream_bytes": (None if upstream_before is None
                               else self.dc.upstream_bytes() - upstream_before),
            "agents": self._agent_sources(hosts) if through_agents else None,
        }

    def _agent_sources(self, hosts):
        """Bytes each agent's metrics say it fetched, by source (for the log, not the bound)."""
        totals = {}
        for host in hosts:
            out = dashboard.scrape(host, self.cluster.agent_url(host))
            for line in out.splitlines():
                if line.startswith("rackswarm_agent_fetched_bytes_total{"):
                    source = line.split('source="', 1)[1].split('"', 1)[0]
                    totals[source] = totals.get(source, 0) + float(line.rsplit(" ", 1)[1])
        return totals

    @staticmethod
    def _follow(process, pull):
        for line in process.stdout:
            try:
                msg = json.loads(line)
            except ValueError:
                pull.error = line.strip()[:300]
                continue
            if "bytes" in msg:
                pull.bytes = msg["bytes"]
            if "manifest" in msg:
                pull.manifest_seconds = msg["manifest"]
            if "done" in msg:
                pull.seconds = msg["done"]
                pull.attempts = msg.get("attempts", 1)
            if "error" in msg:
                pull.error = msg["error"]
        process.wait()
        if process.returncode != 0 and pull.error is None:
            pull.error = "puller exited with %d" % process.returncode

    def _say(self, text):
        print(text, file=self.out, flush=True)


def spread(hosts, count):
    """count hosts taken round-robin over the racks, so that no rack is left out."""
    racks = {}
    for h in hosts:
        racks.setdefault(h.rack, []).append(h)
    chosen = []
    while len(chosen) < min(count, len(hosts)):
        for members in racks.values():
            taken = [h for h in members if h not in chosen]
            if taken and len(chosen) < count:
                chosen.append(taken[0])
    return chosen


def _delta_links(before, after):
    if before is None:
        return None
    return {rack: (after[rack][0] - before[rack][0], after[rack][1] - before[rack][1])
            for rack in before}


class Display:
    """Progress per rack: one line each, redrawn in place on a terminal, every 5 s otherwise."""

    def __init__(self, racks, image_bytes, out):
        self.racks = racks
        self.image_bytes = image_bytes
        self.out = out
        self.tty = out.isatty()
        self.drawn = 0
        self.last = -10

    def show(self, elapsed, pulls, final=False):
        if not self.tty and not final and elapsed - self.last < 5:
            return
        self.last = elapsed
        lines = []
        for rack in self.racks:
            mine = [p for p in pulls if p.host.rack == rack]
            if not mine:
                continue
            done = sum(1 for p in mine if p.seconds is not None)
            failed = sum(1 for p in mine if p.error is not None)
            fraction = sum(min(p.bytes, self.image_bytes) for p in mine) / (
                self.image_bytes * len(mine))
            bar = "#" * int(fraction * 30)
            lines.append("  %-8s [%-30s] %5.1f%%  %d/%d hosts done%s" % (
                rack, bar, 100 * fraction, done, len(mine),
                ", %d failed" % failed if failed else ""))
        header = "  %6.1f s" % elapsed
        if self.tty and self.drawn:
            self.out.write("\x1b[%dA" % self.drawn)
        self.out.write("\n".join([header] + lines) + "\n")
        self.out.flush()
        self.drawn = len(lines) + 1
