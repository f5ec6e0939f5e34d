#!/usr/bin/env python3
"""Small network helpers for the shell tests, loopback only.

  testnet.py freeport           print a TCP port free on 127.0.0.1
  testnet.py wait PORT [SECS]   wait until 127.0.0.1:PORT accepts (exit 1
                                when it does not within SECS, default 10)
"""
import socket
import sys
import time


def freeport():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
    s.close()


def wait(port, secs):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return 0
        except OSError:
            time.sleep(0.02)
    return 1


if __name__ == "__main__":
    if sys.argv[1] == "freeport":
        freeport()
    elif sys.argv[1] == "wait":
        sys.exit(wait(int(sys.argv[2]),
                      float(sys.argv[3]) if len(sys.argv) > 3 else 10))
    else:
        sys.exit("unknown command")
