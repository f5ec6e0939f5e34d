#!/usr/bin/env python3
"""Run a command and print "seconds peak_rss_kb exit_status cpu busy" for
it: wall seconds, the peak RSS and the CPU seconds (user and system) of
the command and its children (getrusage RUSAGE_CHILDREN), and the CPU
seconds the whole machine was busy meanwhile (/proc/stat), which counts
the servers the command talks to as well.

  measure.py [-o] COMMAND [ARGS...]

The command's output goes to /dev/null, or with -o, before that line.
"""
import os
import resource
import subprocess
import sys
import time


def busy():
    """CPU seconds the machine has been busy (all but idle and iowait)."""
    try:
        with open("/proc/stat") as f:
            t = [int(v) for v in f.readline().split()[1:]]
    except OSError:
        return 0.0
    return (sum(t[:8]) - t[3] - t[4]) / os.sysconf("SC_CLK_TCK")


# The difference: the interpreter may have had children of its own.
r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
b0 = busy()
t0 = time.monotonic()
keep = sys.argv[1] == "-o"
r = subprocess.run(sys.argv[1 + keep:],
                   stdout=None if keep else subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
dt = time.monotonic() - t0
b1 = busy()
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
sys.stdout.flush()
cpu = ru.ru_utime + ru.ru_stime - r0.ru_utime - r0.ru_stime
print("%.3f %d %d %.3f %.2f" % (dt, ru.ru_maxrss, r.returncode, cpu, b1 - b0))
