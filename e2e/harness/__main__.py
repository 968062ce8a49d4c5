"""python3 -m harness [options]: builds the datacenter, pushes a test image to the upstream
registry, distributes it to every host with each system asked for, prints progress and a
summary per run, and writes results.json, results.md and the plots to --out."""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

from . import net, report
from .procs import Processes
from .rollout import REPOSITORY, SYSTEMS, TAG, WARMUP, Rollout
from .services import ROOT, Cluster


def parse(argv):
    p = argparse.ArgumentParser(prog="e2e/run", description=__doc__)
    p.add_argument("--racks", type=int, default=2)
    p.add_argument("--hosts-per-rack", type=int, default=3)
    p.add_argument("--size-mb", type=int, default=64, help="image size in MiB")
    p.add_argument("--systems", default="rackswarm",
                   help="comma-separated, in order: " + ", ".join(SYSTEMS))
    p.add_argument("--host-rate", default="100mbit", help="each host's link, each direction")
    p.add_argument("--uplink-rate", default="200mbit", help="each rack's uplink")
    p.add_argument("--seeder-rate", default="200mbit",
                   help="the seeders' link (both replicas share it)")
    p.add_argument("--fault", choices=["agents", "control"],
                   help="runs each system twice, without and with faults: 'agents' sends the"
                   " image to 4 hosts, then to the others while some agents are killed and"
                   " restarted; 'control' kills a tracker, a seeder and Redis mid-run")
    p.add_argument("--loopback", action="store_true",
                   help="no namespaces or shaping (the default when not root)")
    p.add_argument("--timeout", type=int, default=0,
                   help="seconds a distribution may take (default: 10x the bound + 120)")
    p.add_argument("--out", help="directory for results.json, results.md and the plots")
    p.add_argument("--label", default="", help="names this run in the plots' titles")
    for service in ("tracker", "seeder", "agent"):
        p.add_argument("--%s-env" % service, action="append", default=[], metavar="KEY=VALUE",
                       help="extra environment for every %s (repeatable)" % service)
    p.add_argument("--keep-logs", action="store_true",
                   help="keep the work directory (logs, caches) even when all went well")
    return p.parse_args(argv)


def main(argv):
    args = parse(argv)
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = [s for s in systems if s not in SYSTEMS]
    if unknown:
        sys.exit("unknown system(s) %s; choose from %s" % (unknown, ", ".join(SYSTEMS)))
    shaped = not args.loopback and net.can_use_namespaces()
    if not shaped and not args.loopback:
        print("not root or no network namespaces: running on 127.0.0.1 without shaping",
              flush=True)
    topology = dict(racks=args.racks, hosts_per_rack=args.hosts_per_rack,
                    host_rate=args.host_rate, uplink_rate=args.uplink_rate,
                    seeder_rate=args.seeder_rate)
    dc = net.Datacenter(**topology) if shaped else net.Loopback(**topology)
    work = tempfile.mkdtemp(prefix="rackswarm-e2e.")
    procs = Processes(work)
    overrides = {service: dict(kv.split("=", 1) for kv in getattr(args, service + "_env"))
                 for service in ("tracker", "seeder", "agent")}
    cluster = Cluster(dc, procs, work, overrides)

    def interrupted(signum, _frame):
        raise KeyboardInterrupt("signal %d" % signum)

    signal.signal(signal.SIGTERM, interrupted)
    ok = False
    try:
        dc.build()
        n = len(dc.hosts)
        print("datacenter: %d racks x %d hosts%s; work directory %s" % (
            args.racks, args.hosts_per_rack,
            "; host links %s, rack uplinks %s, seeders %s" % (
                args.host_rate, args.uplink_rate, args.seeder_rate) if shaped
            else " on 127.0.0.1, unshaped", work), flush=True)
        cluster.start_registry()
        push_image(cluster, WARMUP, 8, work)
        manifest = push_image(cluster, REPOSITORY, args.size_mb, work)
        image_bytes = sum(d["size"] for d in [manifest["config"]] + manifest["layers"])
        bound = (report.lower_bound(image_bytes, n, args.host_rate, args.uplink_rate,
                                    args.seeder_rate) if shaped else None)
        timeout = args.timeout or int(10 * (bound or 30) + 120)
        print("image %s/%s:%s: %d blobs, %.1f MiB%s" % (
            cluster.registry, REPOSITORY, TAG, 1 + len(manifest["layers"]),
            image_bytes / 2**20, "; lower bound %.1f s" % bound if bound else ""), flush=True)
        rollout = Rollout(cluster, image_bytes, timeout)
        results = []
        for system in systems:
            if args.fault:
                clean = rollout.run(system, args.fault, inject=False)
                print(report.summary(clean, image_bytes, bound), flush=True)
                results.append(clean)
            result = rollout.run(system, args.fault)
            results.append(result)
            print(report.summary(result, image_bytes, bound), flush=True)
            if args.fault:
                print(report.fault_cost(clean, result), flush=True)
        rows = [r for r in (report.row(r, image_bytes, bound) for r in results) if r]
        text = report.table(rows, bound)
        print("\n" + text, flush=True)
        if args.out:
            write_out(args, results, rows, text, image_bytes, bound, shaped)
        ok = all(not report.failures(r) for r in results)
        if not ok:
            print("FAILED: not every host got every blob; logs in " + work, flush=True)
        return 0 if ok else 1
    except KeyboardInterrupt:
        print("\ninterrupted; stopping everything", flush=True)
        return 130
    finally:
        procs.stop_all()
        cluster.remove_hosts_files()
        dc.destroy()
        if ok and not args.keep_logs:
            shutil.rmtree(work, ignore_errors=True)


def push_image(cluster, repository, size_mb, work):
    pushed = subprocess.run(cluster.dc.upstream.command(
        [sys.executable, "-m", "harness.image", cluster.registry, repository, TAG,
         str(size_mb), os.path.join(work, "image")]),
        cwd=os.path.join(ROOT, "e2e"), capture_output=True, text=True)
    if pushed.returncode != 0:
        raise RuntimeError("pushing the test image failed:\n" + pushed.stderr)
    return json.loads(pushed.stdout)


def write_out(args, results, rows, text, image_bytes, bound, shaped):
    os.makedirs(args.out, exist_ok=True)
    label = args.label or "%dx%d %dMiB" % (args.racks, args.hosts_per_rack, args.size_mb)
    with open(os.path.join(args.out, "results.json"), "a") as f:
        f.write(json.dumps({"label": label, "image_bytes": image_bytes, "bound": bound,
                            "shaped": shaped, "host_rate": args.host_rate,
                            "uplink_rate": args.uplink_rate, "seeder_rate": args.seeder_rate,
                            "rows": rows, "results": results}) + "\n")
    with open(os.path.join(args.out, "results.md"), "a") as f:
        f.write("### %s\n\n%s\n" % (label, text))
    for path in report.plots(results, image_bytes, args.out, label) or []:
        print("plot: " + path, flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
