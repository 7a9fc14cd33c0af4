#!/usr/bin/env python3
"""Generate observations.csv for the Acme hypotheses (fixed seed, standard library only).

contract-review-assistant: expert_cycle_time per contract (seconds), before and after
2026-10-01, with error_rate (0/1 per contract) as guardrail.
cover-advisor-assistant: qualified_intent_rate per conversation (0/1), cohorts by channel
(web-form vs assistant), with return_rate_30d as guardrail.
underwriting-risk-briefs: a handful of cycle times only (insufficient data).
"""
import random

rng = random.Random(20261125)
rows = []
day = 86400
for i in range(48):
    t = "2026-08-%02dT10:00:00Z" % (1 + i % 28) if i < 24 else "2026-09-%02dT10:00:00Z" % (1 + i % 28)
    rows.append(("contract-review-assistant", "c%03d" % i, "expert_cycle_time", t,
                 round(rng.lognormvariate(0, 0.35) * 5 * day)))
    rows.append(("contract-review-assistant", "c%03d" % i, "error_rate", t, int(rng.random() < 0.08)))
for i in range(48, 96):
    t = "2026-10-%02dT10:00:00Z" % (1 + i % 28) if i < 72 else "2026-11-%02dT10:00:00Z" % (1 + i % 20)
    rows.append(("contract-review-assistant", "c%03d" % i, "expert_cycle_time", t,
                 round(rng.lognormvariate(0, 0.35) * 3 * day)))
    rows.append(("contract-review-assistant", "c%03d" % i, "error_rate", t, int(rng.random() < 0.07)))
for i in range(400):
    ch = "web-form" if i % 2 else "assistant"
    p = 0.18 if ch == "web-form" else 0.27
    t = "2026-11-%02dT09:00:00Z" % (1 + i % 20)
    rows.append(("cover-advisor-assistant", "s%04d" % i, "qualified_intent_rate", t,
                 int(rng.random() < p), ch))
    rows.append(("cover-advisor-assistant", "s%04d" % i, "return_rate_30d", t,
                 int(rng.random() < 0.30), ch))
for i in range(8):
    t = "2026-%02d-15T12:00:00Z" % (9 + i // 4)
    rows.append(("underwriting-risk-briefs", "u%02d" % i, "expert_cycle_time", t,
                 round(rng.lognormvariate(0, 0.3) * (4 if i < 4 else 3) * day)))

with open("observations.csv", "w") as f:
    f.write("initiative,unit,metric,time,value,channel\n")
    for r in rows:
        f.write(",".join(str(x) for x in r) + ("" if len(r) == 6 else ",") + "\n")
