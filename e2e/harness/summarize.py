"""python3 -m harness.summarize DIR: one table and two plots over every run in DIR/results.json
(what e2e/bench/rollout.sh prints and BENCHMARKS.md shows)."""

import json
import os
import sys

from .report import fmt, save


def load(directory):
    with open(os.path.join(directory, "results.json")) as f:
        return [json.loads(line) for line in f if line.strip()]


def table(runs):
    out = ["| hosts | system | p50 s | p99 s | max s | bound s | p99 / bound"
           " | max rack uplink in (x image) | upstream (x image) | CPU idle | failed |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for run in runs:
        for r in run["rows"]:
            out.append("| %d | %s | %.1f | %.1f | %.1f | %s | %s | %s | %s | %.0f%% | %d |" % (
                r["hosts"], r["system"], r["p50"], r["p99"], r["max"],
                fmt(run["bound"], "%.1f"), fmt(r["ratio"], "%.2fx"),
                fmt(r["uplink_max"], "%.2f"), fmt(r["upstream"], "%.2f"),
                100 * r["cpu_idle"], r["failed"]))
    return "\n".join(out)


def plot(runs, directory):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    systems = []
    for run in runs:
        for r in run["rows"]:
            if r["system"] not in systems:
                systems.append(r["system"])
    paths = []
    for key, label, name in (("ratio", "p99 completion / lower bound", "rollout-ratio.png"),
                             ("uplink_max", "max bytes into a rack / image size",
                              "rollout-uplink.png")):
        fig, ax = plt.subplots(figsize=(6, 4))
        for system in systems:
            points = sorted((r["hosts"], r[key]) for run in runs for r in run["rows"]
                            if r["system"] == system and r[key] is not None)
            if points:
                ax.plot([p[0] for p in points], [p[1] for p in points], marker="o",
                        label=system)
        ax.axhline(1.0, color="grey", linestyle=":", linewidth=1)
        ax.set_xlabel("hosts")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.legend()
        paths.append(save(plt, fig, os.path.join(directory, name)))
    return paths


def main(directory):
    runs = load(directory)
    first = runs[0]
    print("image %.0f MiB; host links %s, rack uplinks %s, seeders %s\n" % (
        first["image_bytes"] / 2**20, first["host_rate"], first["uplink_rate"],
        first["seeder_rate"]))
    print(table(runs))
    for path in plot(runs, directory):
        print("plot: " + path)


if __name__ == "__main__":
    main(sys.argv[1])
