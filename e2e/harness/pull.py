"""Pulls an image as containerd would, from one host: the manifest, then the config and layers,
three at a time, each checked against its digest (python3 -m harness.pull BASE REGISTRY
REPOSITORY TAG [RETRIES]). Prints JSON lines: {"bytes": n} while it runs, {"manifest": seconds}
when it has the manifest, {"retry": "..."} when an attempt failed and another begins, then
{"done": seconds, "bytes": n, "blobs": k, "attempts": a}, or {"error": "..."} and exit status 1.
"""

import hashlib
import json
import sys
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

ACCEPT = ("application/vnd.oci.image.manifest.v1+json,"
          "application/vnd.docker.distribution.manifest.v2+json")
TIMEOUT = 120


class Progress:
    def __init__(self):
        self.bytes = 0
        self.lock = threading.Lock()

    def add(self, n):
        with self.lock:
            self.bytes += n


def fetch_blob(base, ns, repository, descriptor, progress):
    url = "%s/v2/%s/blobs/%s?ns=%s" % (base, repository, descriptor["digest"], ns)
    digest = hashlib.sha256()
    size = 0
    with urllib.request.urlopen(url, timeout=TIMEOUT) as r:
        while True:
            chunk = r.read(1 << 20)
            if not chunk:
                break
            digest.update(chunk)
            size += len(chunk)
            progress.add(len(chunk))
    got = "sha256:" + digest.hexdigest()
    if got != descriptor["digest"] or size != descriptor["size"]:
        raise RuntimeError("blob %s: got %d bytes with digest %s"
                           % (descriptor["digest"], size, got))


def pull(base, ns, repository, tag, progress, start):
    request = urllib.request.Request("%s/v2/%s/manifests/%s?ns=%s"
                                     % (base, repository, tag, ns), headers={"Accept": ACCEPT})
    with urllib.request.urlopen(request, timeout=TIMEOUT) as r:
        manifest = json.loads(r.read())
    print(json.dumps({"manifest": time.monotonic() - start}), flush=True)
    blobs = [manifest["config"]] + manifest["layers"]
    with ThreadPoolExecutor(3) as pool:
        for f in [pool.submit(fetch_blob, base, ns, repository, d, progress) for d in blobs]:
            f.result()
    return len(blobs)


def main(base, registry, repository, tag, retries="0"):
    """retries: how often a failed pull starts again (after 2 s), as the kubelet retries."""
    ns = urllib.parse.quote(registry, safe="")
    start = time.monotonic()
    progress = Progress()
    stop = threading.Event()

    def report():
        while not stop.wait(0.5):
            print(json.dumps({"bytes": progress.bytes}), flush=True)

    reporter = threading.Thread(target=report, daemon=True)
    reporter.start()
    attempts = 0
    while True:
        attempts += 1
        try:
            blobs = pull(base, ns, repository, tag, progress, start)
            break
        except Exception as e:  # reported to the harness, which fails the run
            message = "%s: %s" % (type(e).__name__, e)
            if attempts > int(retries):
                stop.set()
                print(json.dumps({"error": message}), flush=True)
                sys.exit(1)
            print(json.dumps({"retry": message}), flush=True)
            time.sleep(2)
    stop.set()
    print(json.dumps({"done": time.monotonic() - start, "bytes": progress.bytes,
                      "blobs": blobs, "attempts": attempts}), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
