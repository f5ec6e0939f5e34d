#!/usr/bin/env python3
"""Kill a command with SIGKILL once it has written N lines, at a point it
cannot have passed on its own.

    pipestop.py N COMMAND [ARG...]

The command's standard output is a pipe shrunk to one page.  The first N
lines are read and printed; after that nothing more is read, so a command
that writes more than a page beyond them blocks in its next write and
cannot finish.  It is then killed with SIGKILL.  Exit status: 0 when it
was killed that way, 1 when it had ended on its own (it wrote too little
for the test to mean anything), 2 when N lines did not come within 60
seconds.  Standard error goes to pipestop.err in the current directory.
"""
import fcntl
import os
import select
import signal
import subprocess
import sys
import time

F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)


def main():
    want = int(sys.argv[1])
    r, w = os.pipe()
    try:
        fcntl.fcntl(w, F_SETPIPE_SZ, 4096)
    except OSError:
        pass
    with open("pipestop.err", "wb") as err:
        p = subprocess.Popen(sys.argv[2:], stdout=w, stderr=err)
    os.close(w)
    got, buf = 0, b""
    deadline = time.monotonic() + 60
    while got < want:
        left = deadline - time.monotonic()
        if left <= 0:
            p.kill()
            p.wait()
            sys.stderr.write(f"pipestop: {got} of {want} lines in 60 s\n")
            return 2
        ready, _, _ = select.select([r], [], [], left)
        if not ready:
            continue
        chunk = os.read(r, 1)
        if not chunk:
            break
        buf += chunk
        if chunk == b"\n":
            sys.stdout.write(buf.decode("utf-8", "replace"))
            buf = b""
            got += 1
    sys.stdout.flush()
    # Still running after its N lines: it is stopped in a write to the
    # full pipe, or on its way there.
    alive = p.poll() is None
    if alive:
        p.send_signal(signal.SIGKILL)
    rc = p.wait()
    os.close(r)
    return 0 if alive and rc == -signal.SIGKILL else 1


if __name__ == "__main__":
    sys.exit(main())
