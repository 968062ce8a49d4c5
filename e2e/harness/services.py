"""rackswarm's services on the datacenter: the upstream registry, Redis, two tracker replicas,
two seeder replicas and one agent per host, started from the built jars."""

import os
import shutil
import subprocess

from .procs import free_port

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ORIGIN_SECRET = "e2e-origin-secret-0123456789abcdef"
NODE_SECRET = "e2e-node-secret-0123456789abcdef"
ADMIN = "e2e-admin-token-0123456789abcdef"
SEEDERS = ("seeder-0", "seeder-1")


def jar(module):
    path = os.path.join(ROOT, module, "target", "quarkus-app", "quarkus-run.jar")
    if not os.path.exists(path):
        raise RuntimeError("%s is not built: run mvn -DskipTests install" % path)
    return path


def java_home():
    java = os.path.realpath(shutil.which("java"))
    return os.path.dirname(os.path.dirname(java))


def jvm_options(module):
    """The JVM options the module's image starts with (src/main/jib/etc/rackswarm/jvm.options)."""
    return "@" + os.path.join(ROOT, module, "src", "main", "jib", "etc", "rackswarm",
                              "jvm.options")


class Cluster:
    """What runs where, and the addresses each part is reached at."""

    def __init__(self, dc, procs, work, overrides=None):
        self.overrides = overrides or {}
        self.dc = dc
        self.procs = procs
        self.work = work
        self.libjsig = os.path.join(java_home(), "lib", "libjsig.so")
        svc = dc.services
        # Under namespaces each seeder has its own address, so "{name}" in the replica URL
        # template resolves (through /etc/netns/<ns>/hosts) like a StatefulSet's pod names.
        self.seeder_ips = ([svc.ip, svc.ip] if not dc.shaped
                           else [svc.ip, svc.ip.rsplit(".", 1)[0] + ".4"])
        self.registry_port = free_port()
        self.seeder_port = free_port()
        self.seeder_ports = ([self.seeder_port, free_port()] if not dc.shaped
                             else [self.seeder_port, self.seeder_port])
        self.registry = "%s:%d" % (dc.upstream.ip, self.registry_port)
        self.tracker_ports = [free_port(), free_port()]
        self.redis_port = free_port()
        self.agent_ports = {}

    # -- the upstream registry: started once, holds the test image for every run --

    def start_registry(self):
        config = os.path.join(self.work, "registry.yml")
        with open(config, "w") as f:
            f.write("version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n"
                    "    rootdirectory: %s\n  delete:\n    enabled: true\nhttp:\n  addr: %s\n"
                    % (os.path.join(self.work, "registry"), self.registry))
        self.procs.start("registry", self.dc.upstream, ["docker-registry", "serve", config])
        self.procs.await_http("registry", self.dc.upstream, "http://%s/v2/" % self.registry)

    # -- Redis, trackers and seeders: started fresh for each run --

    def seeder_url(self, i):
        return "http://%s:%d" % (self.seeder_ips[i], self.seeder_ports[i])

    def tracker_url(self, i):
        return "http://%s:%d" % (self.dc.services.ip, self.tracker_ports[i])

    def start_control(self, run, policy="topology", representatives=2):
        """Redis, two trackers sharing it (handout policy as given), two seeders."""
        svc = self.dc.services
        state = os.path.join(self.work, run)
        os.makedirs(state, exist_ok=True)
        if self.dc.shaped:
            self._hosts_file()
            subprocess.run(["ip", "-n", svc.netns, "addr", "add", self.seeder_ips[1] + "/16",
                            "dev", "eth0"], stderr=subprocess.DEVNULL)
        self.procs.start(run + "-redis", svc, [
            "redis-server", os.path.join(ROOT, "k8s", "redis", "rackswarm-redis.conf"),
            "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", state])
        for i, port in enumerate(self.tracker_ports):
            self.procs.start("%s-tracker-%d" % (run, i), svc, [
                "java", jvm_options("tracker-service"), "-Xmx256m", "-jar", jar("tracker-service")], {
                "RACKSWARM_TRACKER_ORIGIN_SECRETS": ORIGIN_SECRET,
                "RACKSWARM_TRACKER_NODE_SECRETS": NODE_SECRET,
                # As the chart sets it: only rackswarm's clients announce, at the interval.
                "RACKSWARM_TRACKER_CLIENT_ANNOUNCE_GAP": "0s",
                "RACKSWARM_TRACKER_ADMIN_TOKEN": ADMIN,
                "RACKSWARM_TRACKER_HANDOUT_POLICY": policy,
                "RACKSWARM_TRACKER_REPRESENTATIVES": str(representatives),
                "QUARKUS_REDIS_HOSTS": "redis://127.0.0.1:%d" % self.redis_port,
                "QUARKUS_HTTP_HOST": svc.ip, "PORT": str(port),
                **self.overrides.get("tracker", {})})
        for i, name in enumerate(SEEDERS):
            self.procs.start("%s-%s" % (run, name), svc, [
                "java", jvm_options("seeder-service"), "-Xmx512m", "-jar", jar("seeder-service")], {
                "LD_PRELOAD": self.libjsig,
                "RACKSWARM_SEEDER_CACHE_DIR": os.path.join(state, name),
                "RACKSWARM_SEEDER_DEFAULT_REGISTRY": self.registry,
                "RACKSWARM_SEEDER_UPSTREAM_REGISTRIES": self.registry,
                "RACKSWARM_SEEDER_PLAIN_HTTP_REGISTRIES": self.registry,
                "RACKSWARM_SEEDER_TRACKER_URL": self.tracker_url(i),
                "RACKSWARM_SEEDER_TRACKER_ADMIN_TOKEN": ADMIN,
                "RACKSWARM_SEEDER_ORIGIN_SECRET": ORIGIN_SECRET,
                "RACKSWARM_SEEDER_REPLICA_NAME": name,
                # One owner per blob, so upstream serves each blob once; on loopback, where
                # the replicas cannot be told apart by name, both own every blob.
                "RACKSWARM_SEEDER_REPLICAS": ",".join(SEEDERS) if self.dc.shaped else "",
                "RACKSWARM_SEEDER_OWNERS": "1",
                "RACKSWARM_SEEDER_REPLICA_URL_TEMPLATE": "http://{name}:%d" % self.seeder_port,
                "RACKSWARM_SEEDER_PEER_HOST": self.seeder_ips[i],
                "RACKSWARM_SEEDER_PEER_PORT": str(6881 + i if self.dc.shaped else free_port()),
                "QUARKUS_HTTP_HOST": self.seeder_ips[i], "PORT": str(self.seeder_ports[i]),
                **self.overrides.get("seeder", {})})
        for i in range(len(self.tracker_ports)):
            self.procs.await_http("%s-tracker-%d" % (run, i), svc,
                                  self.tracker_url(i) + "/q/health/ready")
        for i, name in enumerate(SEEDERS):
            self.procs.await_http("%s-%s" % (run, name), svc,
                                  self.seeder_url(i) + "/q/health/ready")

    def _hosts_file(self):
        # `ip netns exec` mounts /etc/netns/<ns>/hosts over /etc/hosts for what it runs.
        lines = "127.0.0.1 localhost\n" + "".join(
            "%s %s\n" % (ip, name) for ip, name in zip(self.seeder_ips, SEEDERS))
        for host in [self.dc.services] + self.dc.hosts:
            d = os.path.join("/etc/netns", host.netns)
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "hosts"), "w") as f:
                f.write(lines)

    def stop_run(self, run):
        self.procs.stop_all([n for n in self.procs.running if n.startswith(run + "-")])

    # -- agents: one per host --

    def agent_url(self, host):
        return "http://127.0.0.1:%d" % self.agent_ports[host.name]

    def start_agents(self, run, hosts):
        state = os.path.join(self.work, run)
        for n, host in enumerate(hosts):
            port = 5080 if self.dc.shaped else free_port()
            self.agent_ports[host.name] = port
            self.start_agent(run, host, n % len(SEEDERS), port, state)
        for host in hosts:
            self.procs.await_http("%s-agent-%s" % (run, host.name), host,
                                  self.agent_url(host) + "/q/health/ready")

    def start_agent(self, run, host, seeder, port, state):
        self.procs.start("%s-agent-%s" % (run, host.name), host, [
            "java", jvm_options("agent"), "-jar", jar("agent")], {
            "LD_PRELOAD": self.libjsig,
            "RACKSWARM_AGENT_CACHE_DIR": os.path.join(state, "agent-" + host.name),
            "RACKSWARM_AGENT_SEEDER_URL": self.seeder_url(seeder),
            "RACKSWARM_AGENT_NODE_NAME": host.name,
            "RACKSWARM_AGENT_NODE_SECRET": NODE_SECRET,
            "RACKSWARM_AGENT_TOPOLOGY_SOURCE": "config",
            "RACKSWARM_AGENT_TOPOLOGY_REGION": "e2e",
            "RACKSWARM_AGENT_TOPOLOGY_ZONE": "zone-1",
            "RACKSWARM_AGENT_TOPOLOGY_RACK": host.rack,
            "RACKSWARM_AGENT_PEER_HOST": host.ip,
            "RACKSWARM_AGENT_PEER_PORT": str(6881 if self.dc.shaped else free_port()),
            "RACKSWARM_AGENT_RUNTIME_CONTAINERD_CERTS_DIR": os.path.join(
                state, "certs.d-" + host.name),
            "QUARKUS_HTTP_HOST": "127.0.0.1", "PORT": str(port),
            **self.overrides.get("agent", {})})

    def remove_hosts_files(self):
        for host in [self.dc.services] + self.dc.hosts:
            if host.netns:
                shutil.rmtree(os.path.join("/etc/netns", host.netns), ignore_errors=True)
