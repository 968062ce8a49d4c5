"""A datacenter on one machine: racks of hosts in network namespaces, links shaped with tc.

One flat layer-2 network, 10.77.0.0/16. A core namespace holds the core bridge; the upstream
registry and the rackswarm services each hang off it in a namespace of their own. Every rack is
a namespace with a bridge (its top-of-rack switch) joined to the core by one veth pair, the
rack's uplink; every host is a namespace joined to its rack's bridge. Egress on both ends of a
link is shaped with a token bucket (tbf), so a link's rate holds in each direction and the
qdisc's byte counter says what crossed it.

Without root (or without `ip netns`), `Loopback` offers the same interface on 127.0.0.1 with
no shaping and no uplink counters.
"""

import json
import os
import subprocess

SUBNET = "10.77"


def _run(*args):
    done = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(args), done.stderr.strip()))


def rate_bits(text):
    """'50mbit' -> 50_000_000 bits/s (tc's units: kbit, mbit, gbit; bit if none)."""
    units = {"gbit": 10**9, "mbit": 10**6, "kbit": 10**3, "bit": 1}
    for unit, factor in units.items():
        if text.endswith(unit):
            return int(float(text[: -len(unit)]) * factor)
    return int(text)


class Host:
    """One node: where its processes run (a namespace or none) and the address peers use."""

    def __init__(self, name, rack, index, netns, ip):
        self.name = name
        self.rack = rack
        self.index = index
        self.netns = netns
        self.ip = ip

    def command(self, argv):
        """argv as it runs on this host."""
        return (["ip", "netns", "exec", self.netns] + argv) if self.netns else argv


class Datacenter:
    """R racks of H hosts; built by `build()`, removed by `destroy()` (also after a crash)."""

    shaped = True

    def __init__(self, racks, hosts_per_rack, host_rate, uplink_rate, seeder_rate,
                 prefix="rsw"):
        self.prefix = prefix
        self.host_rate = host_rate
        self.uplink_rate = uplink_rate
        self.seeder_rate = seeder_rate
        self.core = prefix + "-core"
        self.upstream = Host("upstream", None, 0, prefix + "-up", SUBNET + ".0.2")
        self.services = Host("services", None, 0, prefix + "-svc", SUBNET + ".0.3")
        self.racks = ["rack-%d" % (r + 1) for r in range(racks)]
        self.hosts = [Host("r%dh%d" % (r + 1, h + 1), "rack-%d" % (r + 1), h,
                           "%s-r%dh%d" % (prefix, r + 1, h + 1),
                           "%s.%d.%d" % (SUBNET, r + 1, h + 1))
                      for r in range(racks) for h in range(hosts_per_rack)]

    def _rack_ns(self, rack):
        return "%s-%s" % (self.prefix, rack.replace("rack-", "r"))

    def namespaces(self):
        return ([self.core, self.upstream.netns, self.services.netns]
                + [self._rack_ns(r) for r in self.racks] + [h.netns for h in self.hosts])

    def destroy(self):
        """Removes every namespace of this prefix, including ones a crashed run left."""
        listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        for line in listed.splitlines():
            name = line.split()[0] if line.split() else ""
            if name.startswith(self.prefix + "-"):
                subprocess.run(["ip", "netns", "del", name], stderr=subprocess.DEVNULL)

    def build(self):
        self.destroy()
        for ns in self.namespaces():
            _run("ip", "netns", "add", ns)
            _run("ip", "-n", ns, "link", "set", "lo", "up")
        _run("ip", "-n", self.core, "link", "add", "core", "type", "bridge")
        _run("ip", "-n", self.core, "link", "set", "core", "up")
        self._attach(self.core, "core", "up0", self.upstream, None)
        self._attach(self.core, "core", "svc0", self.services, self.seeder_rate,
                     down_rate=None)
        for rack in self.racks:
            ns = self._rack_ns(rack)
            _run("ip", "-n", ns, "link", "add", "tor", "type", "bridge")
            _run("ip", "-n", ns, "link", "set", "tor", "up")
            # The uplink: "uplink" inside the rack, "<rack>" on the core bridge.
            side = rack.replace("rack-", "r")
            _run("ip", "-n", ns, "link", "add", "uplink", "type", "veth", "peer", "name", side,
                 "netns", self.core)
            _run("ip", "-n", ns, "link", "set", "uplink", "master", "tor", "up")
            _run("ip", "-n", self.core, "link", "set", side, "master", "core", "up")
            self._shape(ns, "uplink", self.uplink_rate)
            self._shape(self.core, side, self.uplink_rate)
        for host in self.hosts:
            self._attach(self._rack_ns(host.rack), "tor", "h%d" % (host.index + 1), host,
                         self.host_rate, down_rate=self.host_rate)

    def _attach(self, bridge_ns, bridge, port, host, up_rate, down_rate=None):
        _run("ip", "-n", bridge_ns, "link", "add", port, "type", "veth", "peer", "name", "eth0",
             "netns", host.netns)
        _run("ip", "-n", bridge_ns, "link", "set", port, "master", bridge, "up")
        _run("ip", "-n", host.netns, "addr", "add", host.ip + "/16", "dev", "eth0")
        _run("ip", "-n", host.netns, "link", "set", "eth0", "up")
        if up_rate:
            self._shape(host.netns, "eth0", up_rate)
        if down_rate:
            self._shape(bridge_ns, port, down_rate)

    @staticmethod
    def _shape(ns, dev, rate):
        # Offloads would hand tbf 64 KiB super-packets; the bucket holds several of them.
        bits = rate_bits(rate)
        burst = max(256 * 1024, bits // 8 // 100)
        _run("tc", "-n", ns, "qdisc", "add", "dev", dev, "root", "tbf", "rate", rate,
             "burst", str(burst), "latency", "50ms")

    def uplink_bytes(self):
        """{rack: (bytes into the rack, bytes out of it)} from the uplink qdiscs' counters."""
        result = {}
        for rack in self.racks:
            side = rack.replace("rack-", "r")
            into = _qdisc_bytes(self.core, side)
            out = _qdisc_bytes(self._rack_ns(rack), "uplink")
            result[rack] = (into, out)
        return result

    def upstream_bytes(self):
        """Bytes the upstream registry has sent, from its link's counters."""
        out = subprocess.run(["ip", "-n", self.upstream.netns, "-s", "-j", "link", "show",
                              "eth0"], check=True, capture_output=True, text=True).stdout
        return json.loads(out)[0]["stats64"]["tx"]["bytes"]


def _qdisc_bytes(ns, dev):
    out = subprocess.run(["tc", "-n", ns, "-s", "-j", "qdisc", "show", "dev", dev],
                         check=True, capture_output=True, text=True).stdout
    return sum(q.get("bytes", 0) for q in json.loads(out) if q.get("root"))


class Loopback:
    """The same racks and hosts on 127.0.0.1: no namespaces, no shaping, no link counters."""

    shaped = False

    def __init__(self, racks, hosts_per_rack, **_):
        self.racks = ["rack-%d" % (r + 1) for r in range(racks)]
        self.upstream = Host("upstream", None, 0, None, "127.0.0.1")
        self.services = Host("services", None, 0, None, "127.0.0.1")
        self.hosts = [Host("r%dh%d" % (r + 1, h + 1), "rack-%d" % (r + 1), h, None, "127.0.0.1")
                      for r in range(racks) for h in range(hosts_per_rack)]

    def build(self):
        pass

    def destroy(self):
        pass

    def uplink_bytes(self):
        return None

    def upstream_bytes(self):
        return None


def can_use_namespaces():
    if os.geteuid() != 0:
        return False
    probe = "rsw-probe-%d" % os.getpid()
    ok = subprocess.run(["ip", "netns", "add", probe], stderr=subprocess.DEVNULL).returncode == 0
    subprocess.run(["ip", "netns", "del", probe], stderr=subprocess.DEVNULL)
    return ok
