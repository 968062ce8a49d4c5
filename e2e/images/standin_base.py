"""A stand-in for the images' base (Eclipse Temurin's JRE), built here from the machine's own
JDK, because no base image can be fetched on the project's machines. It has what the real base
gives the services and nothing else: a JRE at /opt/java/openjdk (jlink, as Temurin makes its
JRE), the shared libraries it and libtorrent4j load, /tmp, and a passwd file. Written as a
`docker save` archive, which Jib takes as a base with tar://."""

import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile

JAVA_HOME_IN_IMAGE = "/opt/java/openjdk"
# The modules of a JRE as Temurin ships it that the services use.
MODULES = ["java.se", "jdk.unsupported", "jdk.crypto.ec", "jdk.management", "jdk.naming.dns",
           "jdk.zipfs", "jdk.localedata"]


def build(jdk, out_tar, work, extra_libraries=()):
    """Writes the stand-in base to out_tar and returns its tag."""
    rootfs = os.path.join(work, "rootfs")
    shutil.rmtree(rootfs, ignore_errors=True)
    jre = rootfs + JAVA_HOME_IN_IMAGE
    os.makedirs(os.path.dirname(jre))
    subprocess.run([os.path.join(jdk, "bin", "jlink"), "--add-modules", ",".join(MODULES),
                    "--strip-debug", "--no-man-pages", "--no-header-files",
                    "--output", jre], check=True)
    objects = [os.path.join(jre, "bin", "java")] + list(extra_libraries)
    for d, _, files in os.walk(jre):
        objects += [os.path.join(d, f) for f in files if f.endswith(".so")]
    for lib in sorted(shared_libraries(objects)):
        if lib.startswith(jre + "/"):
            continue
        target = rootfs + lib
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(os.path.realpath(lib), target)
    os.makedirs(os.path.join(rootfs, "tmp"))
    os.chmod(os.path.join(rootfs, "tmp"), 0o1777)
    os.makedirs(os.path.join(rootfs, "etc"), exist_ok=True)
    with open(os.path.join(rootfs, "etc", "passwd"), "w") as f:
        f.write("root:x:0:0:root:/root:/sbin/nologin\n"
                "default:x:185:0:rackswarm:/tmp:/sbin/nologin\n")
    tag = "standin/eclipse-temurin:17-jre-jammy"
    write_archive(rootfs, out_tar, tag, {
        "Env": ["PATH=%s/bin:/usr/bin:/bin" % JAVA_HOME_IN_IMAGE,
                "JAVA_HOME=" + JAVA_HOME_IN_IMAGE]})
    return tag


def shared_libraries(objects):
    """Every library the objects load, as ldd resolves them here, and the loader."""
    found = set()
    for obj in objects:
        out = subprocess.run(["ldd", obj], capture_output=True, text=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if "=>" in parts and len(parts) >= 3 and parts[2].startswith("/"):
                found.add(parts[2])
            elif parts and parts[0].startswith("/"):
                found.add(parts[0])
    return found


def write_archive(rootfs, out_tar, tag, config):
    layer = io.BytesIO()
    with tarfile.open(fileobj=layer, mode="w") as t:
        for name in sorted(os.listdir(rootfs)):
            t.add(os.path.join(rootfs, name), arcname=name)
    layer_bytes = layer.getvalue()
    diff_id = "sha256:" + hashlib.sha256(layer_bytes).hexdigest()
    image_config = json.dumps({
        "architecture": "amd64", "os": "linux", "config": config,
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created_by": "e2e/images/standin_base.py"}]}).encode()
    config_name = hashlib.sha256(image_config).hexdigest() + ".json"
    manifest = json.dumps([{"Config": config_name, "RepoTags": [tag],
                            "Layers": ["layer.tar"]}]).encode()
    with tarfile.open(out_tar, "w") as t:
        for name, data in (("layer.tar", layer_bytes), (config_name, image_config),
                           ("manifest.json", manifest)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
