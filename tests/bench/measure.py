#!/usr/bin/env python3
"""Run a command and print "seconds peak_rss_kb exit_status" for it.

  measure.py COMMAND [ARGS...]

The command's output goes to /dev/null; the peak RSS is that of the
command and its children (getrusage RUSAGE_CHILDREN).
"""
import resource
import subprocess
import sys
import time

t0 = time.monotonic()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
dt = time.monotonic() - t0
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("%.3f %d %d" % (dt, rss, r.returncode))
