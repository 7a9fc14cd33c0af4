#!/usr/bin/env python3
"""process_reference.py - an independent reference for `aivalue process stats`.

Python standard library only, written from the definitions in
docs/process.md and not from aivalue's C code, so that the figures in
tests/e2e/t2000-process.sh come from a second implementation:

    tools/process_reference.py LOG.xes|LOG.xes.gz          (XES, iterparse)
    tools/process_reference.py LOG.csv [--case C] [--activity A] [--time T] [--resource R]
    tools/process_reference.py LOG.jsonocel --object-type TYPE  (OCEL 2.0, flattened)

prints JSON with cases, events, activities, variants, case_duration_seconds
{min, median, mean, p90, max}, top_variants, events_per_activity, rework,
handovers, dfg edge counts and median waiting times per activity.

Definitions: a case is every event with the same case id (XES trace
concept:name); events of a case are ordered by timestamp, ties kept in file
order; every event counts whatever its lifecycle transition; a variant is
the sequence of activity names of a case; duration = last - first
timestamp; percentiles are the "inclusive" method of statistics.quantiles
(linear interpolation, type 7).  It is also the Python baseline of
bench/process (timed with --time-only).
"""
import csv
import gzip
import json
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from datetime import datetime, timezone

def parse_time(s):
    s = s.strip()
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    d = datetime.fromisoformat(s)
    if d.tzinfo is None:
        d = d.replace(tzinfo=timezone.utc)
    return d.timestamp()

def local(tag):
    return tag.rsplit("}", 1)[-1]

def read_xes(path):
    """Yield (case, activity, resource, time) from an XES file, streaming."""
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        case = None
        pending = []
        event = None
        depth_in_event = 0
        stack = []
        for ev, el in ET.iterparse(f, events=("start", "end")):
            tag = local(el.tag)
            if ev == "start":
                parent = stack[-1] if stack else None
                stack.append(tag)
                if tag == "trace":
                    case, pending = None, []
                elif tag == "event" and parent == "trace":
                    event = {}
                elif parent == "event" and event is not None and "key" in el.attrib:
                    k, v = el.attrib["key"], el.attrib.get("value")
                    if k in ("concept:name", "org:resource", "time:timestamp"):
                        event[k] = v
                elif parent == "trace" and el.attrib.get("key") == "concept:name":
                    case = el.attrib.get("value")
            else:
                stack.pop()
                if tag == "event" and event is not None and stack and stack[-1] == "trace":
                    pending.append(event)
                    event = None
                elif tag == "trace":
                    for e in pending:
                        yield (case, e["concept:name"], e.get("org:resource"),
                               parse_time(e["time:timestamp"]))
                    el.clear()

def read_csv(path, case, activity, ts, resource):
    with open(path, newline="", encoding="utf-8-sig") as f:
        r = csv.DictReader(f)
        for row in r:
            res = row.get(resource) if resource else None
            yield (row[case], row[activity], res or None, parse_time(row[ts]))

def read_ocel(path, object_type):
    """OCEL 2.0 JSON flattened on object_type: one case per object."""
    d = json.load(open(path, encoding="utf-8"))
    ids = {o["id"] for o in d["objects"] if o["type"] == object_type}
    for e in d["events"]:
        t = parse_time(e["time"])
        done = set()
        for r in e.get("relationships", []):
            oid = r["objectId"]
            if oid in ids and oid not in done:
                done.add(oid)
                yield (oid, e["type"], None, t)

def figures(rows):
    cases = {}
    order = []
    n = 0
    for i, (c, a, r, t) in enumerate(rows):
        if c not in cases:
            cases[c] = []
            order.append(c)
        cases[c].append((t, i, a, r))
        n += 1
    variants = Counter()
    first_seen = {}
    durations = []
    per_activity = Counter()
    rework_cases = 0
    handovers = 0
    dfg = Counter()
    waits = defaultdict(list)
    for c in order:
        evs = sorted(cases[c])
        seq = tuple(e[2] for e in evs)
        variants[seq] += 1
        first_seen.setdefault(seq, len(first_seen))
        durations.append(evs[-1][0] - evs[0][0])
        per_activity.update(seq)
        if len(set(seq)) < len(seq):
            rework_cases += 1
        for p, q in zip(evs, evs[1:]):
            dfg[(p[2], q[2])] += 1
            waits[q[2]].append(q[0] - p[0])
            if p[3] is not None and q[3] is not None and p[3] != q[3]:
                handovers += 1

    def pct(xs, p):
        xs = sorted(xs)
        if len(xs) == 1:
            return xs[0]
        return statistics.quantiles(xs, n=100, method="inclusive")[p - 1]

    top = sorted(variants.items(), key=lambda kv: (-kv[1], first_seen[kv[0]]))
    return {
        "cases": len(order),
        "events": n,
        "activities": len(per_activity),
        "variants": len(variants),
        "case_duration_seconds": {
            "min": min(durations),
            "median": statistics.median(durations),
            "mean": statistics.fmean(durations),
            "p90": pct(durations, 90),
            "max": max(durations),
        },
        "top_variants": [{"activities": list(k), "cases": v} for k, v in top[:10]],
        "events_per_activity": dict(sorted(per_activity.items())),
        "rework_cases": rework_cases,
        "handovers": handovers,
        "dfg_edges": len(dfg),
        "dfg": {a + " -> " + b: k for (a, b), k in sorted(dfg.items())},
        "median_wait_seconds": {a: statistics.median(w) for a, w in sorted(waits.items())},
    }

def main(argv):
    args = argv[1:]
    if not args or args[0] in ("-h", "--help"):
        print(__doc__)
        return 2
    path = args[0]
    opts = {"--case": "case:concept:name", "--activity": "concept:name",
            "--time": "time:timestamp", "--resource": "org:resource",
            "--object-type": None}
    time_only = "--time-only" in args
    rest = [a for a in args[1:] if a != "--time-only"]
    for k, v in zip(rest[::2], rest[1::2]):
        if k not in opts:
            print("unknown option " + k, file=sys.stderr)
            return 2
        opts[k] = v
    t0 = time.perf_counter()
    if path.endswith(".csv"):
        with open(path, newline="", encoding="utf-8-sig") as f:
            header = next(csv.reader(f))
        res = opts["--resource"] if opts["--resource"] in header else None
        rows = read_csv(path, opts["--case"], opts["--activity"], opts["--time"], res)
    elif opts["--object-type"]:
        rows = read_ocel(path, opts["--object-type"])
    else:
        rows = read_xes(path)
    out = figures(rows)
    if time_only:
        print("%.3f" % (time.perf_counter() - t0))
    else:
        json.dump(out, sys.stdout, indent=1, sort_keys=True)
        print()
    return 0

if __name__ == "__main__":
    sys.exit(main(sys.argv))
