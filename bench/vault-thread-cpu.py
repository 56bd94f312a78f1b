#!/usr/bin/env python3
"""CPU seconds of one command's JVM, thread by thread: where a vault command's CPU goes, on a shared machine.

    bench/vault-thread-cpu.py ./opsledger vault check --repo R --read-data
    RUNS=3 bench/vault-thread-cpu.py ./opsledger vault check --repo R --read-data

Runs the command (its output discarded) and reads /proc/PID/task/*/stat of every java process it starts every 20 ms,
keeping each thread's last user + system time; prints one line per run: the seconds of each kind of thread (the main
thread is "java", the JIT's "C1/C2 CompilerThre#", the serial collector runs in "VM Thread"), then their sum. A thread
that ends between two reads loses at most its last 20 ms. A JFR profile (jdk.ExecutionSample) counts a thread in Java
code whether or not it has a core: under load it shows where threads wait for a core as much as where they work;
these are the kernel's CPU counts.
"""
import collections
import os
import re
import subprocess
import sys
import time


def descendants(root):
    """The processes under root, root included (by each process's parent in /proc/PID/stat)."""
    parent = {}
    for pid in filter(str.isdigit, os.listdir('/proc')):
        try:
            stat = open(f'/proc/{pid}/stat').read()
            parent[int(pid)] = int(stat[stat.rindex(')') + 2:].split()[1])
        except (OSError, ValueError):
            pass  # ended meanwhile
    found, changed = {root}, True
    while changed:
        more = {p for p, pp in parent.items() if pp in found} - found
        found |= more
        changed = bool(more)
    return found


def run(command):
    tick = os.sysconf('SC_CLK_TCK')
    cpu = {}  # (pid, tid, name) → seconds so far
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while child.poll() is None:
        for pid in descendants(child.pid):
            try:
                if not open(f'/proc/{pid}/comm').read().startswith('java'):
                    continue
                tids = os.listdir(f'/proc/{pid}/task')
            except OSError:
                continue
            for tid in tids:
                try:
                    stat = open(f'/proc/{pid}/task/{tid}/stat').read()
                except OSError:
                    continue
                name = stat[stat.index('(') + 1:stat.rindex(')')]
                fields = stat[stat.rindex(')') + 2:].split()
                cpu[(pid, tid, name)] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        time.sleep(0.02)
    by_kind = collections.Counter()
    for (_, _, name), seconds in cpu.items():
        by_kind[re.sub(r'\d+$', '#', name)] += seconds
    shown = ' '.join(f'{k}={v:.2f}' for k, v in by_kind.most_common() if v >= 0.02)
    print(f'{shown} total={sum(by_kind.values()):.2f} exit={child.returncode}', flush=True)


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for _ in range(int(os.environ.get('RUNS', '1'))):
        run(sys.argv[1:])
