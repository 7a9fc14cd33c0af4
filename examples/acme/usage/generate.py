#!/usr/bin/env python3
"""Generate a year of AI-usage events for the Acme example organisation.

Deterministic (fixed seed): running it again writes the same bytes.

    python3 examples/acme/usage/generate.py      # writes usage.csv, identities.csv,
                                                 # journeys.csv, outcomes.csv

Output
  usage.csv       generic usage CSV, one row per person, day and feature:
                  date,user,app,feature,template,actions
                  import with:
                    aivalue import usage usage.csv --format csv \\
                      --map person=user,time=date,tool=app,workflow=template,count=actions
  identities.csv  person,kind,value: the short user ids of the export -> people
                  (aivalue identities import identities.csv); two contractor ids
                  are deliberately missing, so the import reports them.

  journeys.csv    customer journey events (model 2), outcomes.csv customer outcomes:
                    aivalue import journeys journeys.csv --format csv
                    aivalue import journeys outcomes.csv --format csv

The story: AI tools roll out on 2025-11-03.  Every function builds habits
(most people end up active most weeks, a few become power users), except
Finance: apart from its power users (its champions and one analyst), people
try the tools in the first weeks and stop.  That is the two-tier pattern
`aivalue findings` must report, naming exactly the finance function.
"""
import datetime as dt
import os
import random

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ACME = os.path.dirname(HERE)
START = dt.date(2025, 11, 3)   # a Monday
END = dt.date(2026, 10, 31)    # a Saturday: the reporting day
WEEKS = ((END - START).days + 1 + 6) // 7

TEMPLATES = {
    "hr": ["hr-perf-review-draft", "hr-job-ad"],
    "legal": ["legal-contract-review", "legal-clause-compare"],
    "finance": ["fin-invoice-match", "fin-variance-note"],
    "operations": ["ops-claims-summary", "ops-policy-letter"],
    "sales": ["sales-quote-explainer", "sales-call-prep"],
    "engineering": ["eng-code-review", "eng-test-writer"],
    "customer_service": ["cs-reply-draft", "cs-complaint-summary"],
    "quality": ["qa-audit-sample"],
    "marketing": ["mkt-campaign-brief"],
    "it": ["it-ticket-triage"],
}
SHARED = ["meeting-notes", "email-polish"]
FEATURES = ["chat", "document", "data-analysis", "gpt", "agent"]


def load(name):
    with open(os.path.join(ACME, name), encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d]


def main():
    rnd = random.Random(20261031)
    teams = {t["name"]: t for t in load("teams.yaml")}
    people = sorted(load("people.yaml"), key=lambda p: p["name"])
    ids = {p["name"]: "u%04d" % (i + 1) for i, p in enumerate(people)}
    rows = {}

    def add(day, uid, app, feature, template, n):
        key = (day, uid, app, feature, template)
        rows[key] = rows.get(key, 0) + n

    finance_power = set()
    fin = [p for p in people if teams[p["team"]]["function"] == "finance"]
    for p in fin:
        if p.get("champion"):
            finance_power.add(p["name"])
    for p in fin:
        if p["role"] == "Financial analyst" and len(finance_power) < 3:
            finance_power.add(p["name"])

    for p in people:
        fn = teams[p["team"]]["function"]
        uid = ids[p["name"]]
        app = "copilot" if fn == "engineering" else "chatgpt"
        tpls = TEMPLATES.get(fn, []) + SHARED
        r = rnd.random()
        if fn == "finance":
            profile = "power" if p["name"] in finance_power else (
                "tried" if r < 0.75 else "none")
        elif p.get("champion"):
            profile = "power"
        else:
            profile = ("none" if r < 0.10 else "low" if r < 0.20 else
                       "novice" if r < 0.32 else "habitual" if r < 0.90 else "power")
        if profile == "none":
            continue
        start_week = 0 if profile == "power" else rnd.randint(0, 16)
        for w in range(start_week, WEEKS):
            monday = START + dt.timedelta(days=7 * w)
            if profile == "tried":
                if w > start_week + 3 or rnd.random() < 0.4:
                    continue
                days, acts = 1, (1, 3)
            elif profile == "low":
                if rnd.random() > 0.2:
                    continue
                days, acts = 1, (1, 1)
            elif profile == "novice":
                if rnd.random() > 0.5:
                    continue
                days, acts = rnd.randint(1, 2), (1, 3)
            elif profile == "habitual":
                if rnd.random() > 0.88:
                    continue
                days, acts = rnd.randint(1, 2), (1, 5)
            else:
                days, acts = rnd.randint(4, 5), (5, 10)
            for d in sorted(rnd.sample(range(5), days)):
                day = monday + dt.timedelta(days=d)
                if day > END:
                    continue
                nfeat = 1
                for feature in rnd.sample(FEATURES, nfeat):
                    tpl = rnd.choice(tpls) if rnd.random() < 0.35 else ""
                    add(day, uid, app, feature, tpl, rnd.randint(*acts))
    # two contractors nobody mapped: reported as unmatched identities
    for uid in ("u9001", "u9002"):
        for w in range(0, WEEKS, 3):
            add(START + dt.timedelta(days=7 * w + 2), uid, "chatgpt", "chat", "", 2)

    with open(os.path.join(HERE, "usage.csv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("date,user,app,feature,template,actions\n")
        for (day, uid, app, feature, tpl), n in sorted(rows.items()):
            f.write("%s,%s,%s,%s,%s,%d\n" % (day.isoformat(), uid, app, feature, tpl, n))
    with open(os.path.join(HERE, "identities.csv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("person,kind,value\n")
        for p in people:
            f.write("%s,id,%s\n" % (p["name"], ids[p["name"]]))


def journeys():
    """Customer journeys for model 2: the AI assistant channel grows every
    month while the customers it converts are retained less and less (the
    volume-over-credibility pattern); web and store stay steady."""
    rnd = random.Random(2026)
    months = [(2026, m) for m in range(1, 11)]
    rows, outcomes = [], []
    cust = 0
    for i, (y, m) in enumerate(months):
        plan = {
            "ai_assistant": (60 + 15 * i, 0.50, 0.97 - 0.10 * i),
            "web": (60, 0.25, 0.80),
            "store": (30, 0.40, 0.85),
        }
        for channel, (volume, conv, retain) in plan.items():
            for k in range(volume):
                cust += 1
                cid = "c%05d" % cust
                jid = "j%s-%d%02d-%03d" % (channel[0], y, m, k)
                day = dt.date(y, m, 1 + rnd.randrange(27))
                nturns = rnd.randint(1, 6)
                committed = rnd.random() < conv
                qualified = committed or rnd.random() < 0.4
                for t in range(1, nturns + 1):
                    last = t == nturns
                    rows.append("%s,%s,%s,%sT%02d:%02d:00Z,%d,%d,%d,%s" % (
                        jid, cid, channel, day.isoformat(), 9 + t, rnd.randrange(60), t,
                        1 if (qualified and t >= 2) or (qualified and nturns == 1) else 0,
                        1 if committed and last else 0,
                        "%.2f" % (rnd.uniform(80, 400)) if committed and last else "0"))
                if rnd.random() < 0.15:  # comes back within three weeks
                    day2 = day + dt.timedelta(days=rnd.randint(3, 21))
                    if day2.month != m:  # keep each month's volume in its month
                        day2 = dt.date(y, m, 28)
                    rows.append("%s-r,%s,%s,%sT12:00:00Z,1,0,0,0" % (
                        jid, cid, channel, day2.isoformat()))
                if committed:
                    r90 = rnd.random() < retain
                    r30 = r90 or rnd.random() < 0.5
                    outcomes.append("%s,%d,%d,%d,%.2f,%d" % (
                        cid, r30, r90, 1 if r90 and rnd.random() < 0.2 else 0,
                        rnd.uniform(50, 300) if r90 else 0.0,
                        rnd.choice([0, 0, 0, 1]) if r90 else 0))
    with open(os.path.join(HERE, "journeys.csv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("journey_id,customer_id,channel,time,turn,intent_qualified,committed,order_value\n")
        f.write("\n".join(rows) + "\n")
    with open(os.path.join(HERE, "outcomes.csv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("customer_id,retained_30d,retained_90d,upsell,revenue,referrals\n")
        f.write("\n".join(outcomes) + "\n")


if __name__ == "__main__":
    main()
    journeys()
