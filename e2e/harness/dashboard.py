"""Checks the Grafana dashboard against the running services: every metric it queries must be
one that a tracker, a seeder or an agent really exports at /q/metrics."""

import json
import os
import re
import subprocess

from .services import ROOT

DASHBOARD = os.path.join(ROOT, "helm", "rackswarm", "files", "dashboard.json")
METRIC = re.compile(r"\b(rackswarm_[a-z0-9_]+)")


def queried():
    with open(DASHBOARD) as f:
        dashboard = json.load(f)
    names = set()
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            names.update(METRIC.findall(target["expr"]))
    return names


def scrape(host, url):
    """The Prometheus text a service at url shows at /q/metrics, asked from host."""
    return subprocess.run(host.command(["curl", "-fs", "-m", "5", url + "/q/metrics"]),
                          capture_output=True, text=True).stdout


def exported(endpoints):
    """endpoints: (host, url) pairs; returns every metric name their /q/metrics show."""
    names = set()
    for host, url in endpoints:
        for line in scrape(host, url).splitlines():
            if line and not line.startswith("#"):
                names.add(re.split(r"[{ ]", line, 1)[0])
    return names


def missing(endpoints):
    return sorted(queried() - exported(endpoints))
