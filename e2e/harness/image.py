"""Builds a test image of random bytes and pushes it to a registry (run inside the registry's
namespace: python3 -m harness.image REGISTRY REPOSITORY TAG SIZE_MB WORKDIR).

The image: a config, a 1 MiB layer (below the agent's BitTorrent threshold, so it takes the
HTTP path) and the rest of SIZE_MB in layers of at most 256 MiB. Prints the manifest's JSON.
"""

import hashlib
import json
import os
import sys
import urllib.request

SMALL = 1 << 20
MAX_LAYER = 256 << 20
CHUNK = 1 << 20


def layer_sizes(total_mb):
    rest = max(0, (total_mb << 20) - SMALL)
    count = max(1, -(-rest // MAX_LAYER))
    sizes = [rest // count] * count
    sizes[-1] += rest - sum(sizes)
    return [SMALL] + [s for s in sizes if s > 0]


def write_random(path, size):
    digest = hashlib.sha256()
    with open(path, "wb") as f:
        left = size
        while left:
            chunk = os.urandom(min(CHUNK, left))
            digest.update(chunk)
            f.write(chunk)
            left -= len(chunk)
    return "sha256:" + digest.hexdigest()


def push_blob(base, repository, path, digest):
    start = urllib.request.urlopen(urllib.request.Request(
        "%s/v2/%s/blobs/uploads/" % (base, repository), method="POST"), timeout=30)
    location = start.headers["Location"]
    if not location.startswith("http"):
        location = base + location
    separator = "&" if "?" in location else "?"
    size = os.path.getsize(path)
    with open(path, "rb") as body:
        urllib.request.urlopen(urllib.request.Request(
            location + separator + "digest=" + digest, data=body, method="PUT",
            headers={"Content-Type": "application/octet-stream",
                     "Content-Length": str(size)}), timeout=600).read()
    return {"digest": digest, "size": size}


def main(registry, repository, tag, size_mb, work):
    base = "http://" + registry
    os.makedirs(work, exist_ok=True)
    layers = []
    for i, size in enumerate(layer_sizes(int(size_mb))):
        path = os.path.join(work, "layer-%d" % i)
        digest = write_random(path, size)
        layers.append(dict(push_blob(base, repository, path, digest),
                           mediaType="application/vnd.oci.image.layer.v1.tar+gzip"))
        os.remove(path)
    config_bytes = json.dumps({"architecture": "amd64", "os": "linux",
                               "rootfs": {"type": "layers", "diff_ids": [
                                   l["digest"] for l in layers]}}).encode()
    config_path = os.path.join(work, "config")
    with open(config_path, "wb") as f:
        f.write(config_bytes)
    config = dict(push_blob(base, repository, config_path,
                            "sha256:" + hashlib.sha256(config_bytes).hexdigest()),
                  mediaType="application/vnd.oci.image.config.v1+json")
    manifest = {"schemaVersion": 2,
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": config, "layers": layers}
    urllib.request.urlopen(urllib.request.Request(
        "%s/v2/%s/manifests/%s" % (base, repository, tag), data=json.dumps(manifest).encode(),
        method="PUT", headers={"Content-Type": manifest["mediaType"]}), timeout=30).read()
    print(json.dumps(manifest))


if __name__ == "__main__":
    main(*sys.argv[1:])
