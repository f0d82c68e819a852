#!/usr/bin/env python3
"""Checks the pages `xsell --format html` writes in a real browser: headless Chromium.

Each page is opened as a file:// URL three times: desktop (1280x900), phone (400x800) and dark
(1280x900 with prefers-color-scheme: dark). Each view gets a full-page screenshot in --out
(PAGE-STEM-desktop.png, -phone.png, -dark.png) and fails when:
  blank     the page shows no text, its body is under 100 px high, or its screenshot is one colour;
  console   the console logged an error or a warning;
  pageerror a script threw and nothing caught it;
  request   the page asked for anything but its own file: http(s), another file (a font, a
            stylesheet, an image by URL). data: URIs inside the page are fine. Every such request
            is aborted before it leaves, and Chromium resolves no host name anyway;
  overflow  an element with visible text is wider inside than its box while its overflow-x is
            `visible` (its content spills out), unless it sits inside an element that scrolls
            (overflow-x auto or scroll), as a wide table in a scrolling wrapper does;
  hscroll   the page itself scrolls sideways (document wider than the viewport), naming the
            elements that stick out past the right edge;
  svg       an <svg> (not one nested in another, nor one marked aria-hidden="true") with neither a
            <title> child nor an aria-label;
  img       an <img> at all: the pages are self-contained and draw their charts as inline SVG;
  size      the file is over 300 KB (checked once per page).
It prints one line per page and view (`ok  report.html desktop 1280px: 23 KB, 4 charts`, or one
FAIL line per problem), then a summary, and exits 1 when anything failed.

--self-test builds small bad pages in a temporary folder (a request to https://example.com, a
console error, a 3000 px unbreakable word, a blank page, and a few more) and checks that each
fails for its reason and only that, and that a good page (an inline SVG chart with a title, a
table, a wide table in a scrolling wrapper) passes.

Usage (.ci/html/run sets it up: a venv with Playwright, Debian's /usr/bin/chromium):
  check.py --out DIR PAGE.html [PAGE.html ...]
  check.py --self-test [--out DIR]
"""

import argparse
import base64
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
# Nothing leaves the machine (no background requests, no host name resolves), and what root in a
# container needs.
CHROMIUM_ARGS = [
    "--disable-background-networking",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
# (name, width, height, colour scheme)
VIEWS = [
    ("desktop", 1280, 900, "light"),
    ("phone", 400, 800, "light"),
    ("dark", 1280, 900, "dark"),
]
MAX_BYTES = 300 * 1024
MIN_BODY_HEIGHT = 100
TIMEOUT_MS = 30_000
# At most this many elements are named per problem; the rest are counted.
MAX_NAMED = 3

# Runs in the page once it has loaded: what the checks need, elements already described.
INSPECT_JS = r"""
() => {
  const text = el => (el.innerText || el.textContent || '').replace(/\s+/g, ' ').trim();
  const describe = el => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    const cls = (el.getAttribute('class') || '').trim().split(/\s+/).filter(Boolean);
    if (cls.length) s += '.' + cls.join('.');
    return {el: s, text: text(el).slice(0, 60)};
  };
  const scrolls = v => v === 'auto' || v === 'scroll';
  const stops = v => v !== 'visible';  // auto, scroll, hidden, clip: nothing spills past it
  // The nearest ancestor below <body> whose overflow-x passes the test (body's and html's apply
  // to the viewport: the page scroll, which is what is checked).
  const within = (el, test) => {
    for (let a = el.parentElement; a && a !== document.body && a !== document.documentElement;
         a = a.parentElement) {
      if (test(getComputedStyle(a).overflowX)) return true;
    }
    return false;
  };
  const inSvg = el => el.tagName.toLowerCase() !== 'svg' && el.closest('svg') !== null;
  const rendered = el => el.getClientRects().length > 0;
  const innermost = els => els.filter(el => !els.some(o => o !== el && el.contains(o)));
  const outermost = els => els.filter(el => !els.some(o => o !== el && o.contains(el)));
  const headingBefore = el => {
    let found = null;
    for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6, caption, figcaption')) {
      if (h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) found = h;
    }
    return found ? text(found).slice(0, 60) : '';
  };

  const body = document.body;
  const all = body ? Array.from(body.querySelectorAll('*')) : [];
  const out = {
    text: body ? text(body).length : 0,
    bodyHeight: body ? Math.round(Math.max(body.getBoundingClientRect().height, body.scrollHeight)) : 0,
    docWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  };

  // Text spilling out of its box.
  const spilling = [];
  for (const el of all) {
    if (inSvg(el) || el.tagName.toLowerCase() === 'svg') continue;
    const cs = getComputedStyle(el);
    if (cs.display === 'inline' || cs.display === 'contents' || cs.display === 'none') continue;
    if (cs.overflowX !== 'visible' || el.scrollWidth <= el.clientWidth + 1) continue;
    if (!rendered(el) || cs.visibility !== 'visible' || !text(el)) continue;
    if (within(el, scrolls)) continue;
    spilling.push(el);
  }
  out.spilling = innermost(spilling).map(el => Object.assign(describe(el),
      {scrollWidth: el.scrollWidth, clientWidth: el.clientWidth}));

  // Elements past the right edge, when the page scrolls sideways.
  out.sticking = [];
  if (out.docWidth > out.innerWidth + 1) {
    const wide = all.filter(el => {
      if (inSvg(el) || !rendered(el)) return false;
      if (el.getBoundingClientRect().right <= out.innerWidth + 1) return false;
      return !within(el, stops);
    });
    out.sticking = outermost(wide).map(el => Object.assign(describe(el),
        {right: Math.round(el.getBoundingClientRect().right)}));
  }

  // Charts: outermost <svg>s; decorative ones (aria-hidden) need no name.
  const svgs = Array.from(document.querySelectorAll('svg'))
      .filter(s => !(s.parentElement && s.parentElement.closest('svg')));
  const named = s => (s.getAttribute('aria-label') || '').trim() !== '' ||
      Array.from(s.children).some(c => c.tagName.toLowerCase() === 'title' && c.textContent.trim());
  const decorative = s => s.getAttribute('aria-hidden') === 'true';
  out.charts = svgs.filter(s => !decorative(s)).length;
  out.untitled = [];
  svgs.forEach((s, i) => {
    if (!decorative(s) && !named(s)) {
      out.untitled.push(Object.assign(describe(s), {index: i + 1, heading: headingBefore(s)}));
    }
  });
  out.images = Array.from(document.querySelectorAll('img')).map(img => Object.assign(describe(img),
      {src: (img.getAttribute('src') || '').slice(0, 60)}));
  return out;
}
"""

# Runs in a page of its own (no route, nothing to load): is a PNG one colour? Returns the colour
# as #rrggbb, or null when it has more than one.
ONE_COLOUR_JS = r"""
async (b64) => {
  const img = new Image();
  img.src = 'data:image/png;base64,' + b64;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  const px = new Uint32Array(data.buffer);
  const first = px[0];
  for (let i = 1; i < px.length; i++) if (px[i] !== first) return null;
  return '#' + [data[0], data[1], data[2]].map(v => v.toString(16).padStart(2, '0')).join('');
}
"""


def quoted(item):
    """`p.note "first 60 characters"` for an element described by INSPECT_JS."""
    return f'{item["el"]} "{item["text"]}"' if item.get("text") else item["el"]


def named(items, show):
    """The first MAX_NAMED items shown, and how many more."""
    parts = [show(item) for item in items[:MAX_NAMED]]
    if len(items) > MAX_NAMED:
        parts.append(f"and {len(items) - MAX_NAMED} more")
    return "; ".join(parts)


class Tab:
    """One browser tab per view (its own context: viewport, colour scheme), reused page after
    page: requests other than the current page's own file are noted and aborted; console errors
    and warnings and uncaught exceptions are noted."""

    def __init__(self, browser, view):
        _, width, height, scheme = view
        self.url = None
        self.problems = []
        self.requested = []  # URLs other than the page's own, in order, each once
        self.context = browser.new_context(
            viewport={"width": width, "height": height},
            color_scheme=scheme,
            device_scale_factor=1,
            service_workers="block",
        )
        self.context.route(lambda _url: True, self.route)
        self.page = self.context.new_page()
        self.page.on("request", lambda req: self.allowed(req.url))
        self.page.on("console", self.on_console)
        self.page.on("pageerror", lambda err: self.url and self.problems.append(
            ("pageerror", f"uncaught exception: {str(err).splitlines()[0][:200]}")))

    def allowed(self, url):
        if url.startswith(("data:", "about:")) or url.split("#", 1)[0] == self.url:
            return True
        if url not in self.requested:
            self.requested.append(url)
        return False

    def route(self, route):
        if self.allowed(route.request.url):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    def on_console(self, msg):
        if self.url is None or msg.type not in ("error", "warning"):
            return
        where = (msg.location or {}).get("url") or ""
        # A request aborted here logs "Failed to load resource": its request line says it.
        if where in self.requested and msg.text.startswith("Failed to load resource"):
            return
        at = f" at {where.rsplit('/', 1)[-1]}:{msg.location['lineNumber'] + 1}" if where else ""
        self.problems.append(("console", f"console {msg.type}: {msg.text[:200]!r}{at}"))

    def open(self, path, screenshot):
        """Loads the page; returns what INSPECT_JS found and the full-page screenshot (PNG)."""
        self.url, self.problems, self.requested = path.resolve().as_uri(), [], []
        try:
            self.page.goto(self.url, wait_until="load", timeout=TIMEOUT_MS)
            self.page.evaluate("() => document.fonts.ready.then(() => true)")
            info = self.page.evaluate(INSPECT_JS)
            shot = self.page.screenshot(path=str(screenshot), full_page=True, timeout=TIMEOUT_MS)
            # Leave the page, so that nothing it does later is put down to the next one.
            self.page.goto("about:blank")
        finally:
            self.url = None
        return info, shot

    def close(self):
        self.context.close()


def check_view(tab, analyser, path, view, out_dir):
    """Opens one page in one view. Returns (problems as (kind, message), charts)."""
    info, shot = tab.open(path, out_dir / f"{path.stem}-{view[0]}.png")
    problems, requested = tab.problems, tab.requested
    for req_url in requested:
        problems.append(("request", f"requests {req_url[:120]} (only data: URIs and the page "
                                    "itself may load)"))
    if info["text"] == 0:
        problems.append(("blank", "blank: no visible text"))
    if info["bodyHeight"] < MIN_BODY_HEIGHT:
        problems.append(("blank", f"blank: <body> is {info['bodyHeight']} px high "
                                  f"(under {MIN_BODY_HEIGHT})"))
    colour = analyser.evaluate(ONE_COLOUR_JS, base64.b64encode(shot).decode("ascii"))
    if colour is not None:
        problems.append(("blank", f"blank: the screenshot is all one colour ({colour})"))
    for item in info["spilling"]:
        problems.append(("overflow", f"text spills out of its box: {quoted(item)} (content "
                                     f"{item['scrollWidth']} px wide in a {item['clientWidth']} "
                                     "px box, overflow-x visible)"))
    if info["docWidth"] > info["innerWidth"] + 1:
        sticking = info["sticking"]
        where = (named(sticking, lambda i: f"{quoted(i)} (right edge at {i['right']} px)")
                 if sticking else "text spilling out of its box (the overflow line)")
        problems.append(("hscroll", f"the page scrolls sideways: {info['docWidth']} px wide in a "
                                    f"{info['innerWidth']} px viewport; past the edge: {where}"))
    for item in info["untitled"]:
        heading = f', after "{item["heading"]}"' if item["heading"] else ""
        problems.append(("svg", f"<svg> #{item['index']} ({item['el']}{heading}) has no <title> "
                                "child and no aria-label"))
    if info["images"]:
        problems.append(("img", f"{len(info['images'])} <img> (charts are inline SVG, nothing "
                                "by URL): " + named(info["images"], lambda i: f"src={i['src']!r}")))
    return problems, info["charts"]


def check_pages(pages, out_dir, chromium, report=print):
    """Checks every page in every view. Returns {page name: [(kind, view label, message)]} (empty
    for a page that passed) and the counts of views and of failing views."""
    out_dir.mkdir(parents=True, exist_ok=True)
    results = {}
    views = failed = 0

    def fail(name, kind, label, message):
        results[name].append((kind, label, message))
        report(f"FAIL {label}: {message}")

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            analyser = browser.new_context().new_page()
            tabs = {}
            for path in pages:
                results.setdefault(path.name, [])
                if not path.is_file():
                    fail(path.name, "missing", path.name, f"no such file ({path})")
                    continue
                size = path.stat().st_size
                kb = f"{size / 1024:.0f} KB"
                if size > MAX_BYTES:
                    fail(path.name, "size", path.name,
                         f"{kb} ({size} bytes), over the {MAX_BYTES // 1024} KB limit")
                for view in VIEWS:
                    label = f"{path.name} {view[0]} {view[1]}px"
                    views += 1
                    try:
                        if view not in tabs:
                            tabs[view] = Tab(browser, view)
                        problems, charts = check_view(tabs[view], analyser, path, view, out_dir)
                    except Exception as err:  # a time-out, a crash: a failure of this view
                        problems, charts = [("error", f"could not check: {err}".splitlines()[0])], 0
                        tab = tabs.pop(view, None)  # a fresh tab for the next page
                        if tab is not None:
                            try:
                                tab.close()
                            except Exception:
                                pass
                    for kind, message in problems:
                        fail(path.name, kind, label, message)
                    if problems:
                        failed += 1
                    else:
                        report(f"ok   {label}: {kb}, {charts} chart{'s' if charts != 1 else ''}")
        finally:
            browser.close()
    return results, views, failed


# The self-test's pages: (file name, contents, kinds it must fail with, kinds also allowed).
GOOD_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>good</title>
<style>
  body { font: 16px/1.4 sans-serif; margin: 0 auto; padding: 1rem; max-width: 60rem;
         color: #222; background: #fff; }
  @media (prefers-color-scheme: dark) { body { color: #eee; background: #16181d; } }
  svg { width: 100%; height: auto; display: block; }
  .scroll { overflow-x: auto; }
  td, th { padding: .2rem .6rem; text-align: right; white-space: nowrap; }
</style></head><body>
<h1>Cross-sell rate</h1>
<svg viewBox="0 0 400 120" role="img"><title>Cross-sell rate by month</title>
  <polyline fill="none" stroke="#3a7bd5" stroke-width="3" points="10,100 100,60 200,70 300,30 390,20"/>
  <text x="10" y="115" font-size="10">Jan</text><text x="370" y="115" font-size="10">May</text>
</svg>
<table><tr><th>month</th><th>rate</th></tr><tr><td>2024-01</td><td>12.5 %</td></tr></table>
<div class="scroll"><table><tr>""" + "".join(
    f"<td>column {i} value 1234.56</td>" for i in range(30)) + """</tr></table></div>
<svg aria-hidden="true" width="10" height="10"><rect width="10" height="10"/></svg>
</body></html>
"""

SELF_TEST = [
    ("good.html", GOOD_PAGE, set(), set()),
    ("remote.html", '<!doctype html><html><head><style>.x { background: '
     'url(https://example.com/x.png); height: 200px }</style></head>'
     '<body><p class="x">a picture from elsewhere</p></body></html>', {"request"}, set()),
    ("stylesheet.html", '<!doctype html><html><head><link rel="stylesheet" href="style.css">'
     '</head><body><p style="height: 200px">a stylesheet beside the page</p></body></html>',
     {"request"}, set()),
    ("console.html", '<!doctype html><html><body><p style="height: 200px">text</p>'
     '<script>console.error("x")</script></body></html>', {"console"}, set()),
    ("throws.html", '<!doctype html><html><body><p style="height: 200px">text</p>'
     '<script>null.x</script></body></html>', {"pageerror"}, {"console"}),
    ("wide.html", '<!doctype html><html><body><p style="font: 20px monospace; height: 200px">'
     + "x" * 250 + "</p></body></html>", {"overflow", "hscroll"}, set()),
    ("blank.html", "<!doctype html><html><head><title>blank</title></head><body></body></html>",
     {"blank"}, set()),
    ("untitled.html", '<!doctype html><html><body><h2>Orders</h2><svg width="300" height="150">'
     '<rect width="100" height="100" fill="teal"/></svg><p>text</p></body></html>', {"svg"}, set()),
    ("img.html", '<!doctype html><html><body><p style="height: 200px">text</p><img alt="dot" '
     'src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7">'
     '</body></html>', {"img"}, set()),
    ("big.html", '<!doctype html><html><body><p style="height: 200px">text</p><!-- '
     + "x" * (MAX_BYTES + 1024) + " --></body></html>", {"size"}, set()),
]


def self_test(out_dir, chromium):
    """Checks the SELF_TEST pages; returns how many did not fail (or pass) as they should."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name, html, _, _ in SELF_TEST:
            (tmp / name).write_text(html, encoding="utf-8")
        (tmp / "style.css").write_text("p { color: green }\n", encoding="utf-8")
        lines = []
        results, _, _ = check_pages([tmp / name for name, *_ in SELF_TEST], out_dir or tmp,
                                    chromium, report=lines.append)
    wrong = 0
    for name, _, must, may in SELF_TEST:
        got = {kind for kind, _, _ in results[name]}
        # A kind found in a view must be found in all three (the size, once per page).
        labels = [f"{name} {view[0]} {view[1]}px" for view in VIEWS]
        missing = {kind for kind in must if kind not in got or kind != "size" and not all(
            any(k == kind and lb == label for k, lb, _ in results[name]) for label in labels)}
        extra = got - must - may
        if missing or extra:
            wrong += 1
            why = []
            if missing:
                why.append(f"did not fail with {', '.join(sorted(missing))} in every view")
            if extra:
                why.append(f"also failed with {', '.join(sorted(extra))}")
            print(f"FAIL self-test {name}: {'; '.join(why)}")
            for line in lines:
                if line.split(" ")[1].rstrip(":") == name:
                    print(f"       {line}")
        elif must:
            for kind in sorted(must):
                label, message = next((lb, m) for k, lb, m in results[name] if k == kind)
                print(f"ok   self-test {name} fails with {kind}: {label}: {message}")
        else:
            print(f"ok   self-test {name} passes in every view")
    return wrong


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", type=Path, metavar="PAGE.html")
    parser.add_argument("--out", type=Path, help="where the screenshots go")
    parser.add_argument("--self-test", action="store_true",
                        help="check that bad pages fail and a good one passes")
    parser.add_argument("--chromium", default=CHROMIUM, help=f"the browser (default {CHROMIUM})")
    args = parser.parse_args()
    started = time.monotonic()
    if args.self_test:
        if args.pages:
            parser.error("--self-test takes no pages")
        wrong = self_test(args.out, args.chromium)
        print(f"html self-test: {len(SELF_TEST) - wrong} of {len(SELF_TEST)} pages behaved, "
              f"in {time.monotonic() - started:.1f} s")
        return 1 if wrong else 0
    if not args.pages or args.out is None:
        parser.error("give --out DIR and at least one PAGE.html")
    results, views, failed = check_pages(args.pages, args.out, args.chromium)
    bad = [name for name, problems in results.items() if problems]
    print(f"html: {len(results) - len(bad)} of {len(results)} pages ok"
          f"{' (failing: ' + ', '.join(bad) + ')' if bad else ''}, {views - failed} of {views} "
          f"views ok, in {time.monotonic() - started:.1f} s; screenshots in {args.out}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
