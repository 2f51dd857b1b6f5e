#!/usr/bin/env python3
"""CPU the full-screen wizard uses while it waits for a key, and whether it redraws at once
after a suspension (SIGTSTP, then SIGCONT as `fg` sends it).

usage: python3 benches/idle_cpu.py target/release/hostwiz [SECONDS]

Starts the wizard in a 100x30 pseudo-terminal, waits for its first frame, then reads over
SECONDS (default 30) of idle: the CPU time of all its threads in nanoseconds
(/proc/PID/task/*/schedstat), utime + stime in clock ticks (/proc/PID/stat) and the times its
threads woke up (voluntary context switches, /proc/PID/task/*/status). Then it suspends and
continues the wizard and times until the whole frame is drawn again.
"""

import os
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from terminal_timings import NEEDLE, cpu_ticks, start, until  # noqa: E402


def cpu_ns(pid):
    return sum(
        int(open(f"/proc/{pid}/task/{t}/schedstat").read().split()[0])
        for t in os.listdir(f"/proc/{pid}/task")
    )


def wakeups(pid):
    total = 0
    for t in os.listdir(f"/proc/{pid}/task"):
        for line in open(f"/proc/{pid}/task/{t}/status"):
            if line.startswith("voluntary_ctxt_switches"):
                total += int(line.split()[1])
    return total


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    hostwiz = os.path.abspath(sys.argv[1])
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 30
    home = tempfile.mkdtemp()
    env = dict(os.environ, TERM="xterm-256color", XDG_STATE_HOME=home, XDG_CONFIG_HOME=home)
    wizard = [hostwiz, "wizard", "--preset", "k8s-ha-worker", "--out", os.path.join(home, "out")]
    pid, fd = start(wizard, env)
    if not until(fd, NEEDLE):
        sys.exit("idle_cpu.py: the wizard never drew its first frame")
    time.sleep(1)
    ns, ticks, woke = cpu_ns(pid), cpu_ticks(pid), wakeups(pid)
    time.sleep(seconds)
    ns, ticks, woke = cpu_ns(pid) - ns, cpu_ticks(pid) - ticks, wakeups(pid) - woke
    print(
        f"idle wizard over {seconds:g} s: {ns / 1e6:.2f} ms of CPU "
        f"({ns / seconds / 1e9 * 100:.4f} % of a core), {ticks} clock ticks, {woke} wake-ups"
    )
    os.kill(pid, signal.SIGTSTP)
    time.sleep(0.5)
    t0 = time.perf_counter()
    os.kill(pid, signal.SIGCONT)
    redrawn = until(fd, NEEDLE)
    elapsed = (time.perf_counter() - t0) * 1000
    print(f"after SIGTSTP + SIGCONT: {'redrawn' if redrawn else 'NOT redrawn'} in {elapsed:.1f} ms")
    os.kill(pid, signal.SIGTERM)
    os.waitpid(pid, 0)


if __name__ == "__main__":
    main()
