"""Processes the harness starts: each on its host (namespace), logging to a file, stopped by PID."""

import os
import signal
import socket
import subprocess
import time


class Processes:
    def __init__(self, logs):
        self.logs = logs
        self.running = {}
        self.commands = {}

    def kill(self, name):
        """SIGKILL, as a node or pod dies: no shutdown hooks run."""
        p = self.running.pop(name, None)
        if p is not None and p.poll() is None:
            p.kill()
            p.wait()

    def restart(self, name):
        """Starts what ran under name again, with the same command and environment."""
        host, argv, env = self.commands[name]
        return self.start(name, host, argv, env)

    def start(self, name, host, argv, env=None):
        self.commands[name] = (host, argv, env)
        log = open(os.path.join(self.logs, name + ".log"), "ab")
        full_env = dict(os.environ)
        full_env.update(env or {})
        # `ip netns exec` execs the program, so the PID is the service's own.
        p = subprocess.Popen(host.command(argv), env=full_env, stdout=log,
                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        self.running[name] = p
        return p

    def stop(self, name, grace=10):
        p = self.running.pop(name, None)
        if p is None or p.poll() is not None:
            return
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(grace)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()

    def stop_all(self, names=None):
        targets = [n for n in list(self.running) if names is None or n in names]
        for name in targets:
            p = self.running.get(name)
            if p and p.poll() is None:
                p.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for name in targets:
            p = self.running.pop(name)
            try:
                p.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def log_tail(self, name, lines=30):
        path = os.path.join(self.logs, name + ".log")
        try:
            with open(path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""

    def await_http(self, name, host, url, timeout=180):
        """Waits until url answers 2xx from inside host's namespace; fails with the log tail."""
        deadline = time.monotonic() + timeout
        probe = host.command(["curl", "-fs", "-m", "2", "-o", "/dev/null", url])
        while time.monotonic() < deadline:
            p = self.running.get(name)
            if p is not None and p.poll() is not None:
                raise RuntimeError("%s exited with %d:\n%s" % (name, p.returncode,
                                                                 self.log_tail(name)))
            if subprocess.run(probe, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode == 0:
                return
            time.sleep(0.5)
        raise RuntimeError("%s not up at %s after %d s:\n%s" % (name, url, timeout,
                                                                  self.log_tail(name)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

