#!/usr/bin/env python3
"""The wizard's figures that need a terminal: time from process start to the first full frame,
beside `true` started the same way, and the CPU the wizard uses while it waits for a key.

usage: benches/terminal_timings.py HOSTWIZ [RUNS]

Each run forks a pseudo-terminal of 100x30, starts the program in it and reads its output until
the first frame shows "Contracts" (or, for `true`, until it exits). Prints the median and the
spread of each, and the clock ticks (1/100 s) the idle wizard used over 3 s.
"""

import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time

NEEDLE = b"Contracts"


def start(argv, env):
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        os.execve(argv[0], argv, env)
    return pid, fd


def until(fd, needle):
    """Reads until `needle` shows (or, with None, until the end); False on a 10 s timeout."""
    seen = b""
    while True:
        ready, _, _ = select.select([fd], [], [], 10)
        if not ready:
            return False
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b""
        if not data:
            return needle is None
        seen += data
        if needle is not None and needle in seen:
            return True


def timed(argv, env, needle):
    t0 = time.perf_counter()
    pid, fd = start(argv, env)
    ok = until(fd, needle)
    elapsed = time.perf_counter() - t0
    if needle is not None:
        os.kill(pid, signal.SIGTERM)
    os.waitpid(pid, 0)
    os.close(fd)
    if not ok:
        sys.exit(f"terminal_timings.py: {argv[0]} never showed {needle!r}")
    return elapsed * 1000


def cpu_ticks(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime of every thread


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    hostwiz = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    home = tempfile.mkdtemp()
    env = dict(os.environ, TERM="xterm-256color", XDG_STATE_HOME=home, XDG_CONFIG_HOME=home)
    wizard = [hostwiz, "wizard", "--preset", "k8s-ha-worker", "--out", os.path.join(home, "out")]
    true = ["/bin/true"]
    for _ in range(3):  # warm the page cache
        timed(wizard, env, NEEDLE)
        timed(true, env, None)
    frames, trues = [], []
    for _ in range(runs):  # interleaved, so a disturbance hits both alike
        frames.append(timed(wizard, env, NEEDLE))
        trues.append(timed(true, env, None))
    for name, xs in (("first frame", frames), ("/bin/true in a pty", trues)):
        q = statistics.quantiles(xs, n=10)
        print(f"{name}: median {statistics.median(xs):.2f} ms (p10 {q[0]:.2f}, p90 {q[-1]:.2f}, {runs} runs)")
    print(f"ratio first frame / true: {statistics.median(frames) / statistics.median(trues):.2f}x")

    pid, fd = start(wizard, env)
    until(fd, NEEDLE)
    time.sleep(0.5)
    before = cpu_ticks(pid)
    time.sleep(3)
    idle = cpu_ticks(pid) - before
    os.kill(pid, signal.SIGTERM)
    os.waitpid(pid, 0)
    print(f"idle wizard: {idle} clock ticks of CPU in 3 s")


if __name__ == "__main__":
    main()
