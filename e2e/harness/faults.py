"""Faults injected while an image is being distributed, once the hosts have about a third of
it: what a rollout meets when nodes reboot, pods are rescheduled, or Redis loses its data."""

import threading
import time

from .services import SEEDERS

THRESHOLD = 0.3
DOWN_SECONDS = 5


class Faults:
    def __init__(self, cluster, run):
        self.cluster = cluster
        self.procs = cluster.procs
        self.run = run
        self.events = []
        self.thread = None
        self.started = None

    def tick(self, elapsed, pulls, image_bytes):
        if self.thread is not None:
            return
        done = sum(min(p.bytes, image_bytes) for p in pulls) / (image_bytes * len(pulls))
        if done >= THRESHOLD:
            self.started = time.monotonic() - elapsed
            self.thread = threading.Thread(target=self.inject, daemon=True)
            self.thread.start()

    def join(self):
        if self.thread is not None:
            self.thread.join()

    def event(self, text):
        self.events.append("%5.1f s: %s" % (time.monotonic() - self.started, text))
        print("  fault  " + self.events[-1], flush=True)

    def inject(self):
        raise NotImplementedError


class AgentFaults(Faults):
    """SIGKILL the agents of some hosts (a node crashing), start them again after a pause."""

    def __init__(self, cluster, run, victims):
        super().__init__(cluster, run)
        self.victims = victims

    def inject(self):
        names = ["%s-agent-%s" % (self.run, h.name) for h in self.victims]
        for name in names:
            self.procs.kill(name)
        self.event("killed the agents of " + ", ".join(h.name for h in self.victims))
        time.sleep(DOWN_SECONDS)
        for name in names:
            self.procs.restart(name)
        for host, name in zip(self.victims, names):
            self.procs.await_http(name, host, self.cluster.agent_url(host) + "/q/health/ready")
        self.event("their agents are back (same caches)")


class ControlFaults(Faults):
    """SIGKILL one tracker replica, one seeder and Redis; Redis comes back empty, the tracker
    and the seeder (same volume) come back as their controllers would restart them."""

    def inject(self):
        c = self.cluster
        tracker = "%s-tracker-0" % self.run
        seeder = "%s-%s" % (self.run, SEEDERS[0])
        redis = "%s-redis" % self.run
        for name in (tracker, seeder, redis):
            self.procs.kill(name)
        self.event("killed tracker-0, seeder-0 and Redis")
        time.sleep(1)
        self.procs.restart(redis)
        self.event("Redis restarted without its data")
        time.sleep(DOWN_SECONDS)
        self.procs.restart(tracker)
        self.procs.restart(seeder)
        svc = c.dc.services
        self.procs.await_http(tracker, svc, c.tracker_url(0) + "/q/health/ready")
        self.procs.await_http(seeder, svc, c.seeder_url(0) + "/q/health/ready")
        self.event("tracker-0 and seeder-0 are back")
