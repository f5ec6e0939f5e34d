#!/usr/bin/env python3
"""Open an HTML file in headless Chromium and report what happened.

    cdp.py [--width N] [--height N] [--screenshot OUT.png] [--pdf OUT.pdf]
           [--full-page] [--media print] [--wait-ms N] [--eval EXPR]... FILE

Talks the DevTools protocol over --remote-debugging-pipe (file
descriptors 3 and 4, NUL-separated JSON), so it needs nothing beyond
Python and Chromium.  Prints one "key: value" line per finding:

    title, console (one line per console message or log entry, with its
    level), console_errors, exceptions, dialogs (alert/confirm/prompt that
    a script opened), elements (counts of active or external elements),
    scroll_width and viewport_width, screenshot_pixels, screenshot_colors,
    screenshot_ink (share of pixels unlike the page's corner), pdf_bytes,
    request (one per request the page made beyond its own file: a
    resource, a prefetch, a navigation) and requests (how many),
    eval (one per --eval), text (the page's innerText, escaped).

Exits 2 when Chromium cannot be started or does not answer.
"""
import argparse
import base64
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib


class Browser:
    def __init__(self, width, height):
        exe = shutil.which("chromium") or shutil.which("chromium-browser")
        if exe is None:
            raise RuntimeError("chromium is not installed")
        self.profile = tempfile.mkdtemp(prefix="ac-chromium.")
        r1, w1 = os.pipe()   # we write, Chromium reads on fd 3
        r2, w2 = os.pipe()   # Chromium writes on fd 4, we read

        def fds():
            a, b = os.dup(r1), os.dup(w2)
            os.dup2(a, 3)
            os.dup2(b, 4)

        args = [exe, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--no-first-run", "--no-default-browser-check",
                "--user-data-dir=" + self.profile,
                "--window-size=%d,%d" % (width, height),
                "--remote-debugging-pipe", "about:blank"]
        self.proc = subprocess.Popen(args, preexec_fn=fds, close_fds=False,
                                     stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        os.close(r1)
        os.close(w2)
        self.w = os.fdopen(w1, "wb", buffering=0)
        self.r = os.fdopen(r2, "rb", buffering=0)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        m = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            m["sessionId"] = session
        self.w.write(json.dumps(m).encode() + b"\0")
        return self.next_id

    def recv(self):
        while b"\0" not in self.buf:
            d = self.r.read(1 << 16)
            if not d:
                raise RuntimeError("chromium closed the pipe")
            self.buf += d
        msg, self.buf = self.buf.split(b"\0", 1)
        m = json.loads(msg)
        # A dialog blocks the page until answered: note it, dismiss it.
        if m.get("method") == "Page.javascriptDialogOpening":
            self.send("Page.handleJavaScriptDialog", {"accept": True},
                      m.get("sessionId"))
        return m

    def call(self, method, params=None, session=None):
        i = self.send(method, params, session)
        while True:
            m = self.recv()
            if m.get("id") == i:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, name, timeout=20.0):
        end = time.time() + timeout
        while time.time() < end:
            for e in self.events:
                if e.get("method") == name:
                    return e
            self.events.append(self.recv())
        raise RuntimeError("no %s within %ss" % (name, timeout))

    def close(self):
        try:
            self.send("Browser.close")
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def png_pixels(data):
    """Decode an 8-bit RGB/RGBA non-interlaced PNG: (w, h, rows)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, w = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB",
                                                                body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                raise ValueError("unsupported PNG layout")
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(h):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pr) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=900)
    ap.add_argument("--screenshot")
    ap.add_argument("--full-page", action="store_true")
    ap.add_argument("--pdf")
    ap.add_argument("--wait-ms", type=int, default=300)
    ap.add_argument("--media")
    ap.add_argument("--eval", action="append", default=[])
    a = ap.parse_args()
    url = "file://" + os.path.abspath(a.file)
    try:
        b = Browser(a.width, a.height)
    except Exception as e:
        print("error: %s" % e)
        sys.exit(2)
    out = []
    try:
        t = b.call("Target.createTarget", {"url": "about:blank"})
        s = b.call("Target.attachToTarget", {"targetId": t["targetId"],
                                             "flatten": True})["sessionId"]
        for d in ("Page.enable", "Runtime.enable", "Log.enable",
                  "Network.enable"):
            b.call(d, None, s)
        b.call("Emulation.setDeviceMetricsOverride", {
            "width": a.width, "height": a.height, "deviceScaleFactor": 1,
            "mobile": a.width < 600}, s)
        if a.media:
            b.call("Emulation.setEmulatedMedia", {"media": a.media}, s)
        b.call("Page.navigate", {"url": url}, s)
        b.wait_event("Page.loadEventFired")
        # Late console messages (a deferred error) get a moment to come.
        time.sleep(a.wait_ms / 1000.0)
        b.call("Runtime.evaluate", {"expression": "1"}, s)

        def ev(expr):
            r = b.call("Runtime.evaluate", {"expression": expr,
                                            "returnByValue": True}, s)
            return r.get("result", {}).get("value")

        out.append(("title", ev("document.title")))
        counts = ev("JSON.stringify(Object.fromEntries(['script','img',"
                    "'iframe','object','embed','link','form','input',"
                    "'base','audio','video'].map(t => [t, "
                    "document.getElementsByTagName(t).length])))")
        handlers = ev("[...document.querySelectorAll('*')].filter(e => "
                      "[...e.attributes].some(x => /^on/i.test(x.name)))"
                      ".length")
        out.append(("elements", counts))
        out.append(("event_handler_attributes", handlers))
        out.append(("viewport_width", ev("window.innerWidth")))
        out.append(("scroll_width",
                    ev("document.documentElement.scrollWidth")))
        for e in a.eval:
            out.append(("eval", ev(e)))
        out.append(("text", json.dumps(ev("document.body ? "
                                          "document.body.innerText : ''"))))
        if a.screenshot:
            params = {"format": "png"}
            if a.full_page:
                m = b.call("Page.getLayoutMetrics", None, s)
                size = m.get("cssContentSize") or m["contentSize"]
                params["clip"] = {"x": 0, "y": 0, "width": size["width"],
                                  "height": size["height"], "scale": 1}
                params["captureBeyondViewport"] = True
            shot = base64.b64decode(b.call("Page.captureScreenshot", params,
                                           s)["data"])
            with open(a.screenshot, "wb") as f:
                f.write(shot)
            w, h, bpp, rows = png_pixels(shot)
            bg = rows[0][:3]
            colors, ink = set(), 0
            for y in range(0, h, 2):
                row = rows[y]
                for x in range(0, w * bpp, bpp * 2):
                    px = row[x:x + 3]
                    colors.add(px)
                    if px != bg:
                        ink += 1
            samples = ((h + 1) // 2) * ((w + 1) // 2)
            out.append(("screenshot_pixels", "%dx%d" % (w, h)))
            out.append(("screenshot_colors", len(colors)))
            out.append(("screenshot_ink", "%.4f" % (ink / samples)))
        if a.pdf:
            pdf = base64.b64decode(b.call("Page.printToPDF", {
                "printBackground": True}, s)["data"])
            with open(a.pdf, "wb") as f:
                f.write(pdf)
            out.append(("pdf_bytes", len(pdf)))
        time.sleep(0.05)
        b.call("Runtime.evaluate", {"expression": "1"}, s)
    except Exception as e:
        print("error: %s" % e)
        b.close()
        sys.exit(2)
    errors = exceptions = dialogs = requests = 0
    for e in b.events:
        m, p = e.get("method"), e.get("params", {})
        if m == "Network.requestWillBeSent" and \
                p.get("request", {}).get("url") != url:
            requests += 1
            out.append(("request", p.get("request", {}).get("url")))
        if m == "Runtime.consoleAPICalled":
            text = " ".join(str(x.get("value", x.get("description", "")))
                            for x in p.get("args", []))
            out.append(("console", "%s %s" % (p.get("type"), text)))
            if p.get("type") in ("error", "assert"):
                errors += 1
        elif m == "Log.entryAdded":
            en = p.get("entry", {})
            out.append(("console", "%s %s: %s" % (
                en.get("level"), en.get("source"), en.get("text"))))
            if en.get("level") == "error":
                errors += 1
        elif m == "Runtime.exceptionThrown":
            exceptions += 1
            out.append(("console", "exception %s" % json.dumps(
                p.get("exceptionDetails", {}).get("text"))))
        elif m == "Page.javascriptDialogOpening":
            dialogs += 1
            out.append(("console", "dialog %s" % p.get("message")))
    out.append(("console_errors", errors))
    out.append(("exceptions", exceptions))
    out.append(("dialogs", dialogs))
    out.append(("requests", requests))
    b.close()
    for k, v in out:
        print("%s: %s" % (k, v))


if __name__ == "__main__":
    main()
