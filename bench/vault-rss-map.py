#!/usr/bin/env python3
"""Where one command's peak resident memory goes: the Java heap, the start-up cache, malloc, the JIT's code…

    bench/vault-rss-map.py ./opsledger vault check --repo R --read-data
    OPSLEDGER_NO_CDS=1 bench/vault-rss-map.py ./opsledger vault backup --repo R --allow-same-device TREE

Runs the command (its output discarded) with -XX:NativeMemoryTracking=summary added to OPSLEDGER_JAVA_OPTS, reads
/proc/PID/smaps_rollup of its java process every 20 ms for the peak, and every PERIOD seconds (default 2) takes
`jcmd PID System.map` (each mapping's resident bytes and what the JVM uses it for) and `VM.native_memory summary`,
keeping those taken at the highest resident size. Prints the peak, then that sample by kind: JAVAHEAP, CDS (the AOT
cache or CDS archive the JVM maps), CODE, META and CLASS (classes loaded beyond the cache), STACK, the JVM's own text
(libjvm.so), other files, and anonymous memory the JVM does not name: the C library's malloc arenas (the JVM's own
mallocs, NMT's "malloc" line, and those of zstd and the JDK's native code) with what they keep freed. NMT costs a
little memory itself (≈1 MB); jcmd's attach adds a thread. Figures of docs/performance.md, "Thirty-eighth session".
"""
import collections
import importlib.util
import os
import re
import subprocess
import sys
import threading
import time

JCMD = os.path.join(os.environ.get('JAVA_HOME', '/usr/lib/jvm/temurin-25-jdk-amd64'), 'bin', 'jcmd')
_spec = importlib.util.spec_from_file_location('thread_cpu', os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                                          'vault-thread-cpu.py'))
thread_cpu = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(thread_cpu)  # its descendants(): the processes under the command


def resident_kib(pid):
    for line in open(f'/proc/{pid}/smaps_rollup'):
        if line.startswith('Rss:'):
            return int(line.split()[1])
    return 0


def jcmd(pid, *what):
    return subprocess.run([JCMD, str(pid), *what], capture_output=True, text=True, timeout=60).stdout


def by_kind(system_map):
    """System.map's mappings → resident bytes per kind."""
    lines = system_map.split('\n')
    header = next(i for i, line in enumerate(lines) if line.startswith('from '))
    info, file = lines[header].index('info'), lines[header].index('file')
    kinds = collections.Counter()
    for line in lines[header + 2:]:
        if not line.startswith('0x'):
            continue
        rss = int(line[:info].split()[3])
        kind, name = line[info:file].strip() or '-', line[file:].strip()
        if kind.startswith('STACK'):
            kind = 'STACK'
        elif kind == '-' and name == '-':
            kind = 'anonymous: malloc arenas, native libraries'
        elif kind == '-':
            kind = 'libjvm.so' if name.endswith('/libjvm.so') else 'other files (libraries, lib/modules, locale)'
        kinds[kind] += rss
    return kinds


def main(command):
    env = dict(os.environ)
    env['OPSLEDGER_JAVA_OPTS'] = (env.get('OPSLEDGER_JAVA_OPTS', '') + ' -XX:NativeMemoryTracking=summary').strip()
    period = float(os.environ.get('PERIOD', '2'))
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    start, java, peak, best, taking = time.time(), None, (0, 0.0), {'rss': -1}, threading.Lock()

    def sample(pid):
        try:
            system_map, nmt = jcmd(pid, 'System.map'), jcmd(pid, 'VM.native_memory', 'summary')
            rss = resident_kib(pid)
            if system_map and rss > best['rss']:
                best.update(rss=rss, at=time.time() - start, map=system_map, nmt=nmt)
        except (OSError, subprocess.SubprocessError, StopIteration, ValueError):
            pass  # the command ended meanwhile
        finally:
            taking.release()

    last = -period
    while child.poll() is None:
        if java is None:
            java = next((p for p in thread_cpu.descendants(child.pid) if open_comm(p).startswith('java')), None)
        if java is not None:
            try:
                rss, at = resident_kib(java), time.time() - start
            except OSError:
                break
            if rss > peak[0]:
                peak = (rss, at)
            if at - last >= period and taking.acquire(blocking=False):
                last = at
                threading.Thread(target=sample, args=(java,)).start()
        time.sleep(0.02)
    taking.acquire()
    print(f'exit {child.wait()}: peak RSS {peak[0] / 1024:.1f} MiB at {peak[1]:.1f} s', flush=True)
    if best['rss'] < 0:
        print('no System.map was taken (a command shorter than PERIOD?)')
        return
    print(f'sample at {best["at"]:.1f} s, RSS {best["rss"] / 1024:.1f} MiB:')
    for kind, rss in by_kind(best['map']).most_common():
        if rss >= 64 * 1024:
            print(f'  {rss / 1048576:7.1f} MiB  {kind}')
    for label, pattern in (('NMT malloc, in use and peak', r'malloc: (\d+)KB #\d+, peak=(\d+)KB'),
                           ("the JIT's arenas, in use and peak", r'- +Compiler .*\n(?:.*\n){0,3}?\s+\(arena=(\d+)KB #\d+\) \(peak=(\d+)KB'),
                           ('direct buffers (NMT Other), in use', r'- +Other \(reserved=\d+KB, committed=(\d+)KB')):
        m = re.search(pattern, best['nmt'])
        if m:
            print(f'  {label}: ' + ' / '.join(f'{int(v) / 1024:.1f}' for v in m.groups()) + ' MiB')


def open_comm(pid):
    try:
        return open(f'/proc/{pid}/comm').read()
    except OSError:
        return ''


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
