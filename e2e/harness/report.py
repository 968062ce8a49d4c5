"""What a run means: the lower bound of the topology, the summary, the table and the plots."""

import math
import os

from .net import rate_bits


def lower_bound(image_bytes, hosts, host_rate, uplink_rate, seeder_rate):
    """Seconds no distribution can beat: the seeders must send the image once, the slowest
    host must receive it, all hosts together must receive N copies from what seeders and hosts
    can upload, and each rack must receive it through its uplink."""
    f = float(image_bytes)
    up_seeders = rate_bits(seeder_rate) / 8
    down = rate_bits(host_rate) / 8
    up_hosts = hosts * rate_bits(host_rate) / 8
    bound = max(f / up_seeders, f / down, hosts * f / (up_seeders + up_hosts))
    if uplink_rate:
        bound = max(bound, f / (rate_bits(uplink_rate) / 8))
    return bound


def percentile(values, p):
    """Nearest-rank percentile, as Kraken reports p50/p99 over hosts."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def failures(result):
    failed = [h for h in result["hosts"] if h["error"] is not None or h["seconds"] is None]
    if result.get("dashboard_missing"):
        failed.append({"host": "dashboard", "error": "queries metrics no service exports: "
                       + ", ".join(result["dashboard_missing"])})
    return failed


def row(result, image_bytes, bound):
    times = [h["seconds"] for h in result["hosts"] if h["seconds"] is not None]
    if not times:
        return None
    p50, p99, top = percentile(times, 50), percentile(times, 99), max(times)
    uplinks = result["uplinks"]
    into = max(v[0] for v in uplinks.values()) / image_bytes if uplinks else None
    upstream = (result["upstream_bytes"] / image_bytes
                if result["upstream_bytes"] is not None else None)
    return {"system": result["system"], "hosts": len(result["hosts"]), "p50": p50,
            "p99": p99, "max": top, "ratio": p99 / bound if bound else None,
            "uplink_max": into, "upstream": upstream, "cpu_idle": result["cpu_idle"],
            "failed": len(failures(result))}


def fmt(value, spec):
    return "n/a" if value is None else spec % value


def table(rows, bound):
    head = ("| system | hosts | p50 s | p99 s | max s | p99 / bound | max rack uplink in (x image)"
            " | upstream (x image) | CPU idle | failed |\n"
            "|---|---|---|---|---|---|---|---|---|---|\n")
    body = "".join("| %s | %d | %.1f | %.1f | %.1f | %s | %s | %s | %.0f%% | %d |\n" % (
        r["system"], r["hosts"], r["p50"], r["p99"], r["max"], fmt(r["ratio"], "%.2fx"),
        fmt(r["uplink_max"], "%.2f"), fmt(r["upstream"], "%.2f"), 100 * r["cpu_idle"],
        r["failed"]) for r in rows)
    return head + body + ("\nlower bound: %.1f s\n" % bound if bound else "")


def summary(result, image_bytes, bound):
    """The demo's closing lines for one run."""
    lines = []
    times = [h["seconds"] for h in result["hosts"] if h["seconds"] is not None]
    lines.append("%s: %d of %d hosts have every blob, digests verified"
                 % (result["system"], len(result["hosts"]) - len(failures(result)),
                    len(result["hosts"])))
    if times:
        slowest = max(times)
        lines.append("  wall time      %.1f s (slowest host %.1f s, p50 %.1f s)"
                     % (result["wall"], slowest, percentile(times, 50)))
        manifests = [h["manifest_seconds"] for h in result["hosts"]
                     if h.get("manifest_seconds") is not None]
        if manifests:
            lines.append("  manifest       p50 %.2f s, max %.2f s after the pull began"
                         % (percentile(manifests, 50), max(manifests)))
        if bound:
            lines.append("  lower bound    %.1f s for this topology; slowest host / bound = %.2fx"
                         % (bound, slowest / bound))
    mib = image_bytes / 2**20
    if result["upstream_bytes"] is not None:
        lines.append("  upstream sent  %.1f MiB = %.2f x the image (%.0f MiB)"
                     % (result["upstream_bytes"] / 2**20, result["upstream_bytes"] / image_bytes,
                        mib))
    if result["uplinks"]:
        for rack, (into, out) in sorted(result["uplinks"].items()):
            lines.append("  %-8s uplink in %.2f x image, out %.2f x image (tc counters)"
                         % (rack, into / image_bytes, out / image_bytes))
    if result["agents"]:
        total = sum(result["agents"].values()) or 1
        lines.append("  agents fetched " + ", ".join(
            "%s %.0f%%" % (k, 100 * v / total) for k, v in sorted(result["agents"].items())))
    lines.append("  CPU idle       %.0f%%" % (100 * result["cpu_idle"]))
    if result.get("first_phase"):
        first = [h["seconds"] for h in result["first_phase"]["hosts"] if h["seconds"]]
        if first:
            lines.append("  first %d hosts  done in %.1f s; the rest above"
                         % (len(first), max(first)))
    for event in result.get("faults", []):
        lines.append("  fault at " + event)
    retried = [h for h in result["hosts"] if h.get("attempts", 1) > 1]
    if retried:
        lines.append("  pulls retried  " + ", ".join(
            "%s (%d attempts)" % (h["host"], h["attempts"]) for h in retried))
    for h in failures(result):
        lines.append("  FAILED %s: %s" % (h["host"], h["error"]))
    return "\n".join(lines)


def fault_cost(clean, faulty):
    """How much later the slowest host finished because of the faults."""
    def slowest(r):
        times = [h["seconds"] for h in r["hosts"] if h["seconds"] is not None]
        return max(times) if times else None
    a, b = slowest(clean), slowest(faulty)
    if a is None or b is None:
        return "  time cost of the faults: n/a (a run did not finish)"
    return ("  time cost of the faults: slowest host %.1f s against %.1f s without (%+.1f s,"
            " %.2fx)" % (b, a, b - a, b / a))


def plots(results, image_bytes, out_dir, label):
    """completion CDF per system, and bytes into each rack per system; None without
    matplotlib."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    paths = []
    fig, ax = plt.subplots(figsize=(6, 4))
    for r in results:
        times = sorted(h["seconds"] for h in r["hosts"] if h["seconds"] is not None)
        if times:
            ax.step(times, [(i + 1) / len(r["hosts"]) for i in range(len(times))],
                    where="post", label=r["system"])
    ax.set_xlabel("completion time (s)")
    ax.set_ylabel("fraction of hosts done")
    ax.set_title("completion CDF, " + label)
    ax.grid(alpha=0.3)
    ax.legend()
    paths.append(save(plt, fig, os.path.join(out_dir, "rollout-cdf-%s.png"
                                             % label.replace(" ", ""))))
    with_links = [r for r in results if r["uplinks"]]
    if with_links:
        racks = sorted(with_links[0]["uplinks"])
        fig, ax = plt.subplots(figsize=(6, 4))
        width = 0.8 / len(with_links)
        for i, r in enumerate(with_links):
            ax.bar([x + i * width for x in range(len(racks))],
                   [r["uplinks"][k][0] / image_bytes for k in racks], width, label=r["system"])
        ax.axhline(1.0, color="grey", linestyle=":", linewidth=1)
        ax.set_xticks([x + width * (len(with_links) - 1) / 2 for x in range(len(racks))])
        ax.set_xticklabels(racks)
        ax.set_ylabel("bytes into the rack / image size")
        ax.set_title("rack uplink traffic, " + label)
        ax.legend()
        paths.append(save(plt, fig, os.path.join(out_dir, "rollout-uplinks-%s.png"
                                                 % label.replace(" ", ""))))
    return paths


def save(plt, fig, path):
    """Writes a finished figure as a PNG and frees it; returns the path."""
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
