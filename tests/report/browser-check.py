#!/usr/bin/env python3
"""Load an HTML page in headless Chromium and check it as peerreview report's
page must be (issue 13). Python standard library only.

    browser-check.py [OPTIONS] CHROMIUM WORKDIR PAGE

Two runs of Chromium, each killed after --timeout seconds:

1. driven over the DevTools protocol (--remote-debugging-pipe: commands on
   the browser's fd 3, answers and events on its fd 4, NUL-separated JSON):
   the page loads from its file:// URL with no console error and no uncaught
   exception (a Content-Security-Policy violation is a console error), and
   requests nothing but itself and data: URLs; with --screenshots PREFIX it
   is captured whole at 1,280 and 375 CSS px wide (PREFIX-1280.png,
   PREFIX-375.png), and each file is checked to be a PNG of that width that
   is not blank;
2. chromium --headless --dump-dom: the DOM it prints has the report's markup
   (the doctype, lang, charset, viewport and Content-Security-Policy, the
   five charts, each an svg role="img" whose first child is its title, with a
   table of its values, the problems section, the table of reviews and one
   section per review) and refers to nothing outside the page; with
   --reviews FILE (what `peerreview query --format json` prints) the review
   sections and the table's links are exactly those review ids.

Prints one TAP line per check ("ok - ..." or "not ok - ...", details as "#"
lines) and exits 0 when all passed, 1 when one failed. --only cdp|dom runs
one of the two. Chromium's own output goes to WORKDIR/*.log; its profile to
WORKDIR/profile-*.
"""

import argparse
import base64
import collections
import fcntl
import html.parser
import json
import os
import select
import signal
import struct
import subprocess
import sys
import time
import zlib
from urllib.parse import unquote, urlsplit
from urllib.request import pathname2url

CHARTS = ("years", "regions", "authority-types", "item-kinds", "repeat-councils")
CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
WIDTHS = ((1280, 800, False), (375, 812, True))  # CSS px wide, window height, mobile

# Nothing on the network: every host name fails to resolve and every request
# goes to a proxy that is not there (port 9, discard), so a request fails at
# once instead of hanging; no background services phone home.
FLAGS = [
    "--headless",
    "--no-sandbox",  # as root, and in containers without user namespaces
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-component-extensions-with-background-pages",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--disable-breakpad",
    "--disable-crash-reporter",
    "--metrics-recording-only",
    "--no-pings",
    "--mute-audio",
    "--password-store=basic",
    "--use-mock-keychain",
    "--disable-features=Translate,MediaRouter,OptimizationHints,AutofillServerCommunication",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--hide-scrollbars",
    "--force-color-profile=srgb",
    "--font-render-hinting=none",
]


class Failure(Exception):
    """Chromium did not do what the check needed (it hung, died or refused)."""


def log(msg):
    for line in str(msg).splitlines() or [""]:
        print("#   " + line)


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, what, details=()):
        if ok:
            self.passed += 1
            print("ok - " + what)
        else:
            self.failed += 1
            print("not ok - " + what)
            details = list(details)
            for d in details[:20]:
                log(d)
            if len(details) > 20:
                log("... and %d more" % (len(details) - 20))
        sys.stdout.flush()
        return ok


def chromium_env(workdir):
    """Chromium's environment: no sanitizer runtime or options (only the
    peerreview binary is instrumented), and a home of its own in WORKDIR."""
    env = {k: v for k, v in os.environ.items()
           if not (k == "LD_PRELOAD" or k.endswith("SAN_OPTIONS") or k.startswith("VALGRIND"))}
    home = os.path.join(workdir, "home")
    for sub in ("", ".config", ".cache"):
        os.makedirs(os.path.join(home, sub), exist_ok=True)
    env.update(HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"),
               XDG_CACHE_HOME=os.path.join(home, ".cache"),
               DBUS_SESSION_BUS_ADDRESS="disabled:", LC_ALL="C.UTF-8")
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    return env


def stop(proc):
    """End Chromium (the process we started) and everything it started: it
    runs in a session and process group of its own."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def fresh_dir(path):
    """An empty folder (a profile must not be reused across runs)."""
    if os.path.isdir(path):
        subprocess.run(["rm", "-rf", path], check=False)
    os.makedirs(path)
    return path


class DevTools:
    """Chromium driven over --remote-debugging-pipe."""

    def __init__(self, chromium, workdir, deadline):
        self.deadline = deadline
        self.events = []  # (sessionId, method, params)
        self.next_id = 0
        self.buf = b""
        profile = fresh_dir(os.path.join(workdir, "profile-cdp"))
        self.log_path = os.path.join(workdir, "chromium-cdp.log")
        cmd_r, cmd_w = os.pipe()  # we write, the browser reads on its fd 3
        evt_r, evt_w = os.pipe()  # the browser writes on its fd 4, we read

        def fds_3_and_4():
            # through fds >= 10 first, in case a pipe end is 3 or 4 already
            a = fcntl.fcntl(cmd_r, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(evt_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)
            os.close(a)
            os.close(b)

        with open(self.log_path, "wb") as logf:
            self.proc = subprocess.Popen(
                [chromium] + FLAGS + ["--user-data-dir=" + profile,
                                      "--remote-debugging-pipe", "about:blank"],
                stdin=subprocess.DEVNULL, stdout=logf, stderr=logf,
                env=chromium_env(workdir), preexec_fn=fds_3_and_4, close_fds=False,
                start_new_session=True)
        os.close(cmd_r)
        os.close(evt_w)
        self.w = cmd_w
        self.r = evt_r

    def close(self):
        try:
            self.send("Browser.close")
            t = min(self.deadline, time.monotonic() + 5)
            while self.proc.poll() is None and time.monotonic() < t:
                time.sleep(0.05)
        except (Failure, OSError):
            pass
        stop(self.proc)
        for fd in (self.w, self.r):
            try:
                os.close(fd)
            except OSError:
                pass

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode() + b"\0"
        while data:
            try:
                n = os.write(self.w, data)
            except BrokenPipeError:
                raise Failure("Chromium closed its DevTools pipe (it exited %s; see %s)"
                              % (self.proc.poll(), self.log_path))
            data = data[n:]
        return self.next_id

    def _read(self, until):
        """One message, or None at time `until`."""
        while b"\0" not in self.buf:
            left = min(until, self.deadline) - time.monotonic()
            if left <= 0:
                if time.monotonic() >= self.deadline:
                    raise Failure("Chromium did not answer in time (see %s)" % self.log_path)
                return None
            ready, _, _ = select.select([self.r], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.r, 1 << 20)
            if not chunk:
                raise Failure("Chromium closed its DevTools pipe (it exited %s; see %s)"
                              % (self.proc.wait(), self.log_path))
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        return json.loads(raw.decode("utf-8"))

    def _dispatch(self, msg):
        if "method" in msg:
            self.events.append((msg.get("sessionId"), msg["method"], msg.get("params", {})))

    def call(self, method, params=None, session=None):
        want = self.send(method, params, session)
        while True:
            msg = self._read(self.deadline)
            if msg.get("id") == want:
                if "error" in msg:
                    raise Failure("%s: %s" % (method, msg["error"].get("message", msg["error"])))
                return msg.get("result", {})
            self._dispatch(msg)

    def wait_event(self, method, session, since=0):
        """Wait for an event (counting only those after index `since`)."""
        while True:
            for i in range(since, len(self.events)):
                s, m, p = self.events[i]
                if m == method and s == session:
                    return p
            since = len(self.events)
            self._dispatch(self._read(self.deadline))

    def pump(self, seconds):
        """Gather events for a while."""
        until = time.monotonic() + seconds
        while True:
            msg = self._read(until)
            if msg is None:
                return
            self._dispatch(msg)

    def evaluate(self, session, expr):
        r = self.call("Runtime.evaluate", {"expression": expr, "awaitPromise": True,
                                           "returnByValue": True}, session)
        if "exceptionDetails" in r:
            raise Failure("evaluating %s: %s" % (expr, r["exceptionDetails"].get("text")))
        return r["result"].get("value")


def file_url(path):
    return "file://" + pathname2url(os.path.abspath(path))


def same_document(url, page_url):
    return url.split("#", 1)[0] == page_url


def describe_console(p):
    args = p.get("args", [])
    text = " ".join(str(a.get("value", a.get("description", a.get("type")))) for a in args)
    frame = (p.get("stackTrace") or {}).get("callFrames") or [{}]
    return "console.%s: %s (line %s)" % (p.get("type"), text, frame[0].get("lineNumber", "?"))


def describe_exception(p):
    d = p.get("exceptionDetails", {})
    exc = d.get("exception") or {}
    return "uncaught exception: %s %s (line %s)" % (
        d.get("text", ""), exc.get("description", ""), d.get("lineNumber", "?"))


def run_cdp(args, res):
    page_url = file_url(args.page)
    dt = DevTools(args.chromium, args.workdir, time.monotonic() + args.timeout)
    notes = []
    shots = []
    try:
        try:
            target = None
            while target is None:
                for t in dt.call("Target.getTargets")["targetInfos"]:
                    if t["type"] == "page":
                        target = t["targetId"]
                        break
                else:
                    dt.pump(0.05)
            sess = dt.call("Target.attachToTarget",
                           {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Page", "Runtime", "Log", "Network"):
                dt.call(domain + ".enable", {}, sess)
            width, height, mobile = WIDTHS[0]
            dt.call("Emulation.setDeviceMetricsOverride",
                    {"width": width, "height": height, "deviceScaleFactor": 1,
                     "mobile": mobile}, sess)
            mark = len(dt.events)
            nav = dt.call("Page.navigate", {"url": page_url}, sess)
            if nav.get("errorText"):
                raise Failure("Chromium could not open %s: %s" % (page_url, nav["errorText"]))
            dt.wait_event("Page.loadEventFired", sess, mark)
            dt.evaluate(sess, "document.fonts.ready.then(() => true)")
            dt.pump(0.3)  # what the page does just after loading
            res.check(True, "Chromium loads %s" % page_url)
            if args.screenshots:
                for width, height, mobile in WIDTHS:
                    shots.append(screenshot(dt, sess, args.screenshots, width, height, mobile))
            dt.pump(0.2)
        except Failure as e:
            res.check(False, "Chromium loads %s and answers over the DevTools protocol within %g s"
                      % (args.page, args.timeout), [str(e)])
            return
    finally:
        dt.close()

    errors = []
    requests = []
    request_ids = {}
    for sess_id, method, p in dt.events:
        if method == "Runtime.consoleAPICalled":
            if p.get("type") in ("error", "assert"):
                errors.append(describe_console(p))
            elif p.get("type") == "warning":
                notes.append(describe_console(p))
        elif method == "Runtime.exceptionThrown":
            errors.append(describe_exception(p))
        elif method == "Log.entryAdded":
            e = p.get("entry", {})
            line = "%s %s: %s (%s)" % (e.get("source"), e.get("level"), e.get("text"),
                                       e.get("url", ""))
            if e.get("level") == "error":
                errors.append(line)
            elif e.get("level") == "warning":
                notes.append(line)
        elif method == "Network.requestWillBeSent":
            url = p.get("request", {}).get("url", "")
            if not (same_document(url, page_url) or url.startswith("data:")):
                requests.append(url)
                request_ids[p.get("requestId")] = len(requests) - 1
        elif method == "Network.loadingFailed" and p.get("requestId") in request_ids:
            # a request the page made and Chromium stopped is still one it made
            i = request_ids[p["requestId"]]
            why = p.get("blockedReason") or p.get("errorText")
            requests[i] += " (%s)" % ("blocked: " + why if p.get("blockedReason") else why)
        elif method == "Network.webSocketCreated":
            requests.append(p.get("url", ""))
    for n in notes:
        log("note: " + n)
    res.check(not errors, "no console errors and no uncaught exceptions", errors)
    res.check(not requests, "no network requests (only the page itself and data: URLs)",
              ["requested " + u for u in requests])
    for path, width, mobile, overflow, err in shots:
        res.check(err is None, "screenshot %d px wide%s: %s" % (
            width, " (mobile)" if mobile else "", path), [err] if err else [])
        if mobile:
            res.check(overflow[0] <= width, "at %d px nothing is wider than the screen" % width,
                      ["the page is %d px wide; what reaches beyond %d px:" % (overflow[0], width)]
                      + overflow[1])


# The page's width and height, and the innermost elements whose box or
# content reaches beyond the right edge of a screen of %d px, where no box
# that scrolls or clips sideways holds them (none when the page fits)
WIDTH_HEIGHT_WIDE = """(() => {
  const w = %d;
  const held = e => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible") return true;
    }
    return false;
  };
  const reach = e => {
    const r = e.getBoundingClientRect();
    const spills = e instanceof HTMLElement && getComputedStyle(e).overflowX === "visible";
    return r.left + scrollX + Math.max(r.width, spills ? e.scrollWidth : 0);
  };
  let wide = [];
  if (document.documentElement.scrollWidth > w) {
    wide = [...document.body.querySelectorAll("*")].filter(e => reach(e) > w + 1 && !held(e));
    wide = wide.filter(e => !wide.some(o => o !== e && e.contains(o)));
  }
  const name = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
    (typeof e.className === "string" && e.className ? "." + e.className.split(/ +/).join(".") : "");
  const path = e => {
    const p = [];
    for (; e && e !== document.body; e = e.parentElement) p.unshift(name(e));
    return p.join(" > ");
  };
  const where = e => {
    const r = e.getBoundingClientRect();
    return Math.round(r.left + scrollX) + ".." + Math.round(reach(e)) + " px across, " +
      Math.round(r.top + scrollY) + " px down";
  };
  return [document.documentElement.scrollWidth,
          Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0),
          wide.slice(0, 10).map(e => path(e) + " (" + where(e) + "): " +
                                JSON.stringify((e.textContent || "").trim().slice(0, 60)))];
})()"""


def screenshot(dt, sess, prefix, width, height, mobile):
    """Capture the whole page at `width` CSS px; returns (path, width,
    mobile, scrollWidth, error or None)."""
    dt.call("Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}, sess)
    # two frames later the new layout is on screen
    dt.evaluate(sess, "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
                      ".then(() => true)")
    full_w, full_h, wide = dt.evaluate(sess, WIDTH_HEIGHT_WIDE % width)
    shot = dt.call("Page.captureScreenshot",
                   {"format": "png", "captureBeyondViewport": True, "fromSurface": True, "optimizeForSpeed": True,
                    "clip": {"x": 0, "y": 0, "width": width, "height": full_h, "scale": 1}},
                   sess)
    data = base64.b64decode(shot["data"])
    path = "%s-%d.png" % (prefix, width)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
    try:
        w, h, distinct, share = png_check(path)
        if w != width:
            err = "it is %d px wide, not %d" % (w, width)
        elif h != full_h:
            err = "it is %d px high, not the page's %d" % (h, full_h)
        elif distinct < 3 or share < 0.002:
            err = ("it is blank: %d colours, %.2f%% of the pixels differ from the background"
                   % (distinct, 100 * share))
        else:
            err = None
            log("%s: %d x %d px, %d colours, %.1f%% of the pixels are not background"
                % (path, w, h, distinct, 100 * share))
    except ValueError as e:
        err = "%s is not a good PNG: %s" % (path, e)
    return path, width, mobile, (full_w, wide), err


# ---- PNG ----

def png_check(path):
    """Read a PNG file fully (signature, chunks and their CRCs, IHDR, the
    inflated image data and every row's filter) and decode its pixels;
    returns (width, height, distinct colours, share of pixels that differ
    from the most common colour). ValueError when it is not a good PNG."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("no PNG signature")
    pos = 8
    ihdr = None
    idat = []
    seen_end = False
    while pos < len(data):
        if pos + 12 > len(data):
            raise ValueError("truncated chunk at byte %d" % pos)
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if len(body) != length or pos + 12 + length > len(data):
            raise ValueError("truncated %r chunk at byte %d" % (ctype, pos))
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(ctype + body) & 0xFFFFFFFF != crc:
            raise ValueError("bad CRC in the %r chunk at byte %d" % (ctype, pos))
        if ihdr is None and ctype != b"IHDR":
            raise ValueError("the first chunk is %r, not IHDR" % ctype)
        if ctype == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif ctype == b"IDAT":
            idat.append(body)
        elif ctype == b"IEND":
            seen_end = True
            break
        pos += 12 + length
    if not seen_end:
        raise ValueError("no IEND chunk")
    width, height, depth, ctype, comp, filt, interlace = ihdr
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(ctype)
    if channels is None or depth != 8 or interlace != 0 or comp != 0 or filt != 0:
        raise ValueError("colour type %d, depth %d, interlace %d: not an 8-bit "
                         "non-interlaced grey or RGB(A) image" % (ctype, depth, interlace))
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    if len(raw) != height * (stride + 1):
        raise ValueError("%d bytes of image data, not %d for %d x %d"
                         % (len(raw), height * (stride + 1), width, height))
    counts = collections.Counter()
    prev = bytes(stride)
    bpp = channels
    for y in range(height):
        off = y * (stride + 1)
        ftype = raw[off]
        line = raw[off + 1:off + 1 + stride]
        if ftype == 0:
            cur = line
        elif ftype == 2:
            cur = add_bytes(line, prev)
        elif ftype in (1, 3, 4):
            cur = unfilter(ftype, line, prev, bpp)
        else:
            raise ValueError("row %d has filter type %d" % (y, ftype))
        prev = cur
        if y % 2 == 0:  # a grid: every 4th pixel of every other row
            counts.update(zip(*(cur[c::4 * bpp] for c in range(bpp))))
    total = sum(counts.values())
    top = counts.most_common(1)[0][1]
    return width, height, len(counts), (total - top) / total


LOW7 = None


def add_bytes(a, b):
    """Bytewise a + b modulo 256, whole rows at once (big integers)."""
    n = len(a)
    global LOW7
    if LOW7 is None or LOW7[0] != n:
        LOW7 = (n, int.from_bytes(b"\x7f" * n, "big"), int.from_bytes(b"\x80" * n, "big"))
    _, low, high = LOW7
    x = int.from_bytes(a, "big")
    y = int.from_bytes(b, "big")
    return (((x & low) + (y & low)) ^ ((x ^ y) & high)).to_bytes(n, "big")


def unfilter(ftype, line, prev, bpp):
    out = bytearray(line)
    n = len(out)
    if ftype == 1:  # Sub
        for i in range(bpp, n):
            out[i] = (out[i] + out[i - bpp]) & 0xFF
    elif ftype == 3:  # Average
        for i in range(n):
            left = out[i - bpp] if i >= bpp else 0
            out[i] = (out[i] + ((left + prev[i]) >> 1)) & 0xFF
    else:  # Paeth
        for i in range(n):
            a = out[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            p = a + b - c
            pa = abs(p - a)
            pb = abs(p - b)
            pc = abs(p - c)
            if pa <= pb and pa <= pc:
                pred = a
            elif pb <= pc:
                pred = b
            else:
                pred = c
            out[i] = (out[i] + pred) & 0xFF
    return bytes(out)


# ---- --dump-dom ----

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = dict(attrs)
        self.parent = parent
        self.children = []  # Nodes and strings

    def elements(self):
        return [c for c in self.children if isinstance(c, Node)]

    def walk(self):
        for c in self.elements():
            yield c
            yield from c.walk()

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def find_all(self, tag=None, **attrs):
        return [n for n in self.walk() if (tag is None or n.tag == tag)
                and all(n.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())]

    def classes(self):
        return (self.attrs.get("class") or "").split()

    def __str__(self):
        return "<%s%s>" % (self.tag, "".join(' %s="%s"' % kv for kv in self.attrs.items()))


class TreeBuilder(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.cur = self.root
        self.doctype = None

    def handle_decl(self, decl):
        if self.doctype is None:
            self.doctype = decl

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        n = self.cur
        while n is not self.root and n.tag != tag:
            n = n.parent
        if n is not self.root:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def dump_dom(args):
    """chromium --headless --dump-dom PAGE: its standard output."""
    profile = fresh_dir(os.path.join(args.workdir, "profile-dom"))
    log_path = os.path.join(args.workdir, "chromium-dom.log")
    out_path = os.path.join(args.workdir, "dump-dom.html")
    with open(log_path, "wb") as logf, open(out_path, "wb") as outf:
        proc = subprocess.Popen(
            [args.chromium] + FLAGS + ["--user-data-dir=" + profile, "--dump-dom",
                                       file_url(args.page)],
            stdin=subprocess.DEVNULL, stdout=outf, stderr=logf,
            env=chromium_env(args.workdir), start_new_session=True)
        try:
            status = proc.wait(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            stop(proc)
            raise Failure("chromium --dump-dom did not finish within %g s (see %s)"
                          % (args.timeout, log_path))
        stop(proc)  # whatever it left behind
    with open(out_path, "rb") as f:
        out = f.read().decode("utf-8", "replace")
    if status != 0 or not out.strip():
        raise Failure("chromium --dump-dom exited %d printing %d bytes (see %s)"
                      % (status, len(out), log_path))
    return out, out_path


def external_refs(root):
    """Attributes through which the page would load something that is not in it."""
    found = []
    for n in root.walk():
        for attr in ("src", "href", "data", "poster", "action", "srcset", "xlink:href",
                     "background", "manifest"):
            v = (n.attrs.get(attr) or "").strip()
            if not v or v.startswith("#") or v.lower().startswith("data:"):
                continue
            if n.tag == "a" and attr in ("href", "xlink:href"):
                continue  # a link is followed only when clicked
            found.append("%s %s=%r" % (n.tag, attr, v))
        style = n.attrs.get("style") or ""
        if n.tag == "style":
            style = n.text()
        if "url(" in style and "url(data:" not in style.replace("'", "").replace('"', ""):
            found.append("%s with url() in its style" % n.tag)
        if "@import" in style:
            found.append("%s with @import" % n.tag)
    return found


def run_dom(args, res, reviews):
    try:
        out, out_path = dump_dom(args)
    except Failure as e:
        res.check(False, "chromium --dump-dom prints the page's DOM", [str(e)])
        return
    res.check(True, "chromium --dump-dom prints the page's DOM (%d bytes, kept in %s)"
              % (len(out), out_path))
    tb = TreeBuilder()
    tb.feed(out)
    tb.close()
    root = tb.root

    # the head: what makes the page self-contained and readable on phones
    problems = []
    if (tb.doctype or "").strip().lower() != "doctype html":
        problems.append("doctype: %r" % tb.doctype)
    htmls = root.find_all("html")
    if not htmls or htmls[0].attrs.get("lang") != "en":
        problems.append('no <html lang="en">')
    metas = root.find_all("meta")
    if not any((m.attrs.get("charset") or "").lower() == "utf-8" for m in metas):
        problems.append('no <meta charset="utf-8">')
    if not any(m.attrs.get("name") == "viewport" and "width=device-width"
               in (m.attrs.get("content") or "") for m in metas):
        problems.append('no <meta name="viewport" content="width=device-width, ...">')
    csps = [m for m in metas
            if (m.attrs.get("http-equiv") or "").lower() == "content-security-policy"]
    if [m.attrs.get("content") for m in csps] != [CSP]:
        problems.append("Content-Security-Policy meta: %r, not [%r]"
                        % ([m.attrs.get("content") for m in csps], CSP))
    elif csps[0].parent.tag != "head":
        problems.append("the Content-Security-Policy meta is in <%s>, not in <head>, "
                        "where browsers ignore it" % csps[0].parent.tag)
    res.check(not problems, "the head: doctype, lang, charset, viewport, Content-Security-Policy",
              problems)

    refs = external_refs(root)
    res.check(not refs, "the DOM refers to nothing outside the page", refs)

    for name in CHARTS:
        problems = []
        figs = [f for f in root.find_all("figure", id="chart-" + name) if "chart" in f.classes()]
        if len(figs) != 1:
            problems.append('%d <figure class="chart" id="chart-%s">' % (len(figs), name))
        else:
            svgs = figs[0].find_all("svg")
            tables = figs[0].find_all("table")
            if len(svgs) != 1:
                problems.append("%d svg elements in it, not 1" % len(svgs))
            else:
                svg = svgs[0]
                kids = svg.elements()
                if svg.attrs.get("role") != "img":
                    problems.append('the svg has role=%r, not "img"' % svg.attrs.get("role"))
                if not kids or kids[0].tag != "title" or not kids[0].text().strip():
                    problems.append("the svg's first child is %s, not a <title> with text"
                                    % (kids[0] if kids else "nothing"))
                if not any(n.tag in ("rect", "path", "line", "circle", "polyline", "polygon")
                           for n in svg.walk()):
                    problems.append("the svg draws nothing (no rect, path, line, circle, ...)")
            if not tables or not tables[0].find_all("td"):
                problems.append("no <table> of its values (with <td> cells)")
        res.check(not problems, "chart %s: one svg role=img titled by its first child, and a "
                  "table of its values" % name, problems)

    res.check(len(root.find_all("section", id="problems")) == 1,
              'one <section id="problems">')

    sections = [s.attrs.get("id", "") for s in root.find_all("section") if "review" in s.classes()]
    table = root.find_all("table", id="reviews")
    links = []
    rows = 0
    problems = []
    if len(table) != 1:
        problems.append('%d <table id="reviews">' % len(table))
    else:
        for body in table[0].find_all("tbody"):
            for tr in body.elements():
                if tr.tag != "tr":
                    continue
                rows += 1
                hrefs = [a.attrs.get("href", "") for a in tr.find_all("a")
                         if a.attrs.get("href", "").startswith("#review-")]
                if len(set(hrefs)) != 1:
                    problems.append("row %d links to %s, not to one review" % (rows, hrefs))
                else:
                    links.append(unquote(hrefs[0][len("#review-"):]))
    ids = [s[len("review-"):] for s in sections if s.startswith("review-")]
    if len(ids) != len(sections):
        problems.append("review sections with other ids: %s"
                        % [s for s in sections if not s.startswith("review-")])
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        problems.append("review sections repeated: %s" % dup)
    if set(links) - set(ids):
        problems.append("the table links to reviews with no section: %s"
                        % sorted(set(links) - set(ids)))
    if set(ids) - set(links):
        problems.append("the table does not link to the sections %s" % sorted(set(ids) - set(links)))
    dup = sorted({i for i in links if links.count(i) > 1})
    if dup:
        problems.append("the table links to these reviews more than once: %s" % dup)
    if reviews is not None:
        missing = [r for r in reviews if r not in ids]
        extra = [i for i in ids if i not in reviews]
        if missing:
            problems.append("no section for the reviews %s" % missing)
        if extra:
            problems.append("sections for reviews the dataset does not have: %s" % extra)
    res.check(not problems, "the table of reviews has %d rows, each linking to its section; "
              "%d review sections%s" % (rows, len(ids), "" if reviews is None else
                                         ", one per review of the dataset (%d)" % len(reviews)),
              problems)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("chromium")
    ap.add_argument("workdir")
    ap.add_argument("page")
    ap.add_argument("--reviews", help="JSON array of reviews (peerreview query --format json)")
    ap.add_argument("--screenshots", metavar="PREFIX")
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--only", choices=("cdp", "dom"))
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    reviews = None
    if args.reviews:
        with open(args.reviews, encoding="utf-8") as f:
            reviews = [r["review_id"] for r in json.load(f)]
    res = Results()
    if args.only != "dom":
        run_cdp(args, res)
    if args.only != "cdp":
        run_dom(args, res, reviews)
    print("# %d passed, %d failed" % (res.passed, res.failed))
    return 1 if res.failed else 0


if __name__ == "__main__":
    sys.exit(main())
