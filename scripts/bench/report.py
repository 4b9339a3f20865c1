#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn vmbench's KEY=VALUE lines into the table in docs/performance.md and
the scaling plot docs/performance.svg.

usage: report.py DATA MARKDOWN SVG
"""
import math
import sys

BEGIN = "<!-- bench:begin -->"
END = "<!-- bench:end -->"

# The targets: binary interface speed-up over maps-guided pagemap.
TARGETS = {"dense4k": 2.0, "thp": 20.0, "sparse2m": 1.5, "reserve": 20.0}


def parse(path):
    rows = []
    with open(path) as f:
        for line in f:
            kv = dict(t.split("=", 1) for t in line.split() if "=" in t)
            if kv:
                kv["_line"] = line.strip()
                rows.append(kv)
    return rows


def seconds(v):
    return float(v)


def fmt_t(s):
    if s < 1e-3:
        return "%.0f µs" % (s * 1e6)
    if s < 1:
        return "%.1f ms" % (s * 1e3)
    if s < 10:
        return "%.2f s" % s
    return "%.0f s" % s


def fmt_count(x):
    for div, unit in ((1e6, "M"), (1e3, "k")):
        if x >= div:
            return "%g%s" % (x / div, unit)
    return "%g" % x


def fmt_gib(x):
    return "%gT" % (x / 1024) if x >= 1024 else "%gG" % x


def fmt_bytes(n):
    n = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return ("%.0f %s" if unit == "B" else "%.1f %s") % (n, unit)
        n /= 1024


def table(rows):
    out = []
    res = {}
    for r in rows:
        if "series" in r or "contender" not in r:
            continue
        res.setdefault(r["workload"], {})[r["contender"]] = r
    out.append("| workload | pages | pagemap | vmview text | vmview bin | "
               "bin vs pagemap | target | bytes (pagemap / text / bin) |")
    out.append("|---|---|---|---|---|---|---|---|")
    for w, c in res.items():
        if not all(k in c for k in ("pagemap", "text", "bin")):
            continue
        pm, tx, bn = (seconds(c[k]["median_s"]) for k in
                      ("pagemap", "text", "bin"))
        spread = lambda k: "%s (%s–%s)" % (
            fmt_t(seconds(c[k]["median_s"])), fmt_t(seconds(c[k]["min_s"])),
            fmt_t(seconds(c[k]["max_s"])))
        target = TARGETS.get(w)
        ratio = pm / bn if bn else float("inf")
        verdict = ""
        if target:
            verdict = "≥ %g× %s" % (target, "met" if ratio >= target
                                    else "**not met**")
        extra = " (extrapolated)" if c["pagemap"].get("extrapolated") == "yes" \
            else ""
        out.append("| %s | %s | %s%s | %s (%.2f×) | %s | %.2f× | %s | %s / %s / %s |" % (
            w, c["bin"]["pages"], spread("pagemap"), extra, spread("text"),
            pm / tx if tx else 0, spread("bin"), ratio, verdict,
            fmt_bytes(c["pagemap"]["bytes"]), fmt_bytes(c["text"]["bytes"]),
            fmt_bytes(c["bin"]["bytes"])))
    return out


def series(rows, name):
    """contender -> [(x, t)]: a point measured by several processes (the
    run repeats the virt series) is the median of their medians."""
    pts = {}
    for r in rows:
        if r.get("series") != name or "contender" not in r:
            continue
        pts.setdefault(r["contender"], {}).setdefault(
            float(r["x"]), []).append(seconds(r["median_s"]))
    return {k: sorted((x, sorted(ts)[len(ts) // 2]) for x, ts in v.items())
            for k, v in pts.items()}


def repeats(rows, name):
    xs = [r["x"] for r in rows
          if r.get("series") == name and r.get("contender") == "bin"]
    return max((xs.count(x) for x in xs), default=0)


def series_table(rows, name, xlabel):
    s = series(rows, name)
    if not s:
        return []
    xs = sorted({x for v in s.values() for x, _ in v})
    out = ["| %s | pagemap | vmview text | vmview bin |" % xlabel,
           "|---|---|---|---|"]
    for x in xs:
        cell = lambda k: next((fmt_t(t) for xx, t in s.get(k, []) if xx == x),
                              "–")
        out.append("| %s | %s | %s | %s |" % (
            fmt_count(x) if name == "pages" else fmt_gib(x),
            cell("pagemap"), cell("text"), cell("bin")))
    b = s.get("bin", [])
    if len(b) > 1 and name == "virt":
        ts = [t for _, t in b]
        out.append("")
        n = repeats(rows, name)
        out.append("vmview bin from %g to %g GiB of reservation: %.2f× "
                   "(target: within 2×)%s" % (
                       b[0][0], b[-1][0], max(ts) / min(ts),
                       "; each size measured in %d processes, the median "
                       "of their medians" % n if n > 1 else ""))
    return out


COLORS = {"pagemap": "#c0392b", "text": "#2980b9", "bin": "#27ae60"}


def panel(s, x0, y0, w, h, title, xlabel, fmt_x):
    parts = []
    pts = [p for v in s.values() for p in v]
    if not pts:
        return parts
    lx = [math.log10(x) for x, _ in pts]
    ly = [math.log10(max(t, 1e-6)) for _, t in pts]
    xmin, xmax = min(lx), max(lx) + 1e-9
    ymin, ymax = math.floor(min(ly)), math.ceil(max(ly)) + 1e-9
    X = lambda v: x0 + 50 + (math.log10(v) - xmin) / (xmax - xmin) * (w - 70)
    Y = lambda t: y0 + h - 40 - (math.log10(max(t, 1e-6)) - ymin) / \
        (ymax - ymin) * (h - 70)
    parts.append('<text x="%d" y="%d" font-size="14" font-weight="bold">%s</text>'
                 % (x0 + 50, y0 + 18, title))
    parts.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333"/>'
                 % (x0 + 50, y0 + h - 40, x0 + w - 20, y0 + h - 40))
    parts.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333"/>'
                 % (x0 + 50, y0 + 30, x0 + 50, y0 + h - 40))
    for e in range(int(ymin), int(math.ceil(ymax))):
        y = Y(10 ** e)
        parts.append('<text x="%d" y="%.1f" font-size="10" text-anchor="end">%s</text>'
                     % (x0 + 46, y + 3, fmt_t(10 ** e)))
        parts.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>'
                     % (x0 + 50, y, x0 + w - 20, y))
    for x in sorted({x for x, _ in pts}):
        parts.append('<text x="%.1f" y="%d" font-size="10" text-anchor="middle">%s</text>'
                     % (X(x), y0 + h - 26, fmt_x(x)))
    parts.append('<text x="%d" y="%d" font-size="11" text-anchor="middle">%s</text>'
                 % (x0 + w / 2, y0 + h - 8, xlabel))
    for k, v in s.items():
        d = " ".join("%s%.1f,%.1f" % ("M" if i == 0 else "L", X(x), Y(t))
                     for i, (x, t) in enumerate(v))
        parts.append('<path d="%s" fill="none" stroke="%s" stroke-width="2"/>'
                     % (d, COLORS.get(k, "#000")))
        for x, t in v:
            parts.append('<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>'
                         % (X(x), Y(t), COLORS.get(k, "#000")))
    return parts


def svg(rows, path):
    w, h = 900, 360
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
             'font-family="sans-serif">' % (w, h),
             '<rect width="100%" height="100%" fill="white"/>']
    parts += panel(series(rows, "pages"), 0, 0, w / 2, h - 30,
                   "time vs populated 4K pages", "populated pages", fmt_count)
    parts += panel(series(rows, "virt"), w / 2, 0, w / 2, h - 30,
                   "time vs reserved virtual size (same 64 pages)",
                   "reserved", fmt_gib)
    lx = 60
    for k, c in COLORS.items():
        label = {"pagemap": "maps-guided pagemap", "text": "vmview text",
                 "bin": "vmview binary"}[k]
        parts.append('<rect x="%d" y="%d" width="12" height="12" fill="%s"/>'
                     % (lx, h - 22, c))
        parts.append('<text x="%d" y="%d" font-size="12">%s</text>'
                     % (lx + 16, h - 12, label))
        lx += 200
    parts.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(parts) + "\n")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    rows = parse(sys.argv[1])
    body = []
    head = [r["_line"] for r in rows if r["_line"].startswith("bench:")]
    body += ["Run: `%s`" % h for h in head]
    body += [""] + table(rows)
    body += ["", "Time against populated pages (dense 4K, THP off):", ""]
    body += series_table(rows, "pages", "pages")
    body += ["", "Time against reserved virtual size, the same 64 pages (16 MiB "
             "apart from the start, so the same page tables) whatever the "
             "size: cost against virtual size alone:", ""]
    body += series_table(rows, "virt", "GiB")
    body += ["", "Time against reserved virtual size, the 64 pages spread over "
             "all of it (each needs page tables of its own, up to 64 times as "
             "many at 64 TiB as at 1 GiB): cost follows populated page "
             "tables:", ""]
    body += series_table(rows, "spread", "GiB")
    faults = [r for r in rows if "fault" in r]
    if faults:
        body += ["", "Page-fault latency of a process while vmview walks it "
                 "in a loop (64 MiB of fresh 4K faults):", "",
                 "| | median | p99 | max |", "|---|---|---|---|"]
        for r in faults:
            body.append("| %s | %s µs | %s µs | %s µs |" % (
                r["fault"], r["median_us"], r["p99_us"], r["max_us"]))
    mem = [r for r in rows if "kernel_mem_delta_kib" in r]
    if mem:
        body += ["", "Kernel memory (Slab + VmallocUsed) with a walk half "
                 "done, against before: " + ", ".join(
                     "%s %s KiB" % (r["workload"], r["kernel_mem_delta_kib"])
                     for r in mem)]
    with open(sys.argv[2]) as f:
        doc = f.read()
    if BEGIN not in doc or END not in doc:
        sys.exit("report.py: %s lacks the bench markers" % sys.argv[2])
    pre, rest = doc.split(BEGIN, 1)
    _, post = rest.split(END, 1)
    with open(sys.argv[2], "w") as f:
        f.write(pre + BEGIN + "\n" + "\n".join(body) + "\n" + END + post)
    svg(rows, sys.argv[3])


if __name__ == "__main__":
    main()
