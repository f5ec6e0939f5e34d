#!/usr/bin/python3
"""The peer of bench_parse: Python's standard email package over the same
messages.  Every file is read into memory first; then, for each pass, each
message is parsed with email.message_from_bytes(policy=email.policy.default),
its main header fields are read, every part is walked and the content of
each text part decoded (get_content).  Prints the same figures as
bench_parse.

    bench_email.py [-p PASSES] FILE|DIR...
"""
import email
import email.policy
import os
import sys
import time


def load(paths):
    data = []
    for path in paths:
        if os.path.isdir(path):
            for name in sorted(os.listdir(path)):
                if not name.startswith("."):
                    with open(os.path.join(path, name), "rb") as f:
                        data.append(f.read())
        else:
            with open(path, "rb") as f:
                data.append(f.read())
    return data


def parse(raw):
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    for name in ("subject", "from", "date", "message-id", "received"):
        try:
            msg.get(name)
        except Exception:
            pass
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            try:
                part.get_content()
            except Exception:
                pass


def main(argv):
    passes = 3
    if len(argv) > 2 and argv[1] == "-p":
        passes = int(argv[2])
        argv = argv[2:]
    data = load(argv[1:])
    nbytes = sum(len(d) for d in data)
    start = time.perf_counter()
    for _ in range(passes):
        for raw in data:
            parse(raw)
    secs = time.perf_counter() - start
    n = len(data) * passes
    print("messages %d passes %d bytes %d seconds %.3f"
          % (len(data), passes, nbytes, secs))
    print("msgs_per_s %.0f mb_per_s %.2f" % (n / secs, nbytes * passes / secs / 1e6))


if __name__ == "__main__":
    main(sys.argv)
