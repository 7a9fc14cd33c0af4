#!/usr/bin/env python3
"""process_check.py AIVALUE.json REFERENCE.json - compare `aivalue process
stats --json` with tools/process_reference.py output: counts exactly,
times to the millisecond (the reference computes in float seconds, aivalue
in integer microseconds).  Prints what differs; exit 1 if anything does."""
import json
import sys

a = json.load(open(sys.argv[1]))
r = json.load(open(sys.argv[2]))
bad = []
for k in ("cases", "events", "activities", "variants"):
    if a[k] != r[k]:
        bad.append((k, a[k], r[k]))
for k in ("min", "median", "mean", "p90", "max"):
    x, y = a["case_duration_seconds"][k], r["case_duration_seconds"][k]
    if abs(x - y) > 1e-3:
        bad.append(("case_duration_seconds." + k, x, y))
if a["rework"]["cases"] != r["rework_cases"]:
    bad.append(("rework cases", a["rework"]["cases"], r["rework_cases"]))
if a["handovers"]["total"] != r["handovers"]:
    bad.append(("handovers", a["handovers"]["total"], r["handovers"]))
if {x["activity"]: x["events"] for x in a["events_per_activity"]} != r["events_per_activity"]:
    bad.append(("events_per_activity",))
if {e["from"] + " -> " + e["to"]: e["count"] for e in a["dfg"]["edges"]} != r["dfg"]:
    bad.append(("dfg edges",))
w = {x["activity"]: x["median_wait_seconds"] for x in a["bottlenecks"]}
for k, v in r["median_wait_seconds"].items():
    if k not in w or abs(w[k] - v) > 1e-3:
        bad.append(("median wait", k, w.get(k), v))
tv = [(v["activities"], v["cases"]) for v in a["top_variants"]]
rv = [(v["activities"], v["cases"]) for v in r["top_variants"]]
if tv != rv:
    bad.append(("top_variants",))
for b in bad:
    print("differs:", *b)
sys.exit(1 if bad else 0)
