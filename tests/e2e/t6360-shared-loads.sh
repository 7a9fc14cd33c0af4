#!/bin/sh
# Issue 15 (the large demo's overview): a playbook computation loads the
# usage table once for the phase's adoption metrics and the two detectors
# that read it (two-tier workforce, shadow AI), and the volume-over-
# credibility detector reads the journey trend the journey metrics already
# computed instead of loading every journey again.  The shared loads must
# give the figures the direct commands give: the finding's trend is the one
# `journeys --json` reports, the two-tier finding's organisation figure is
# `adoption --json`'s, and the report (one playbook computation) carries the
# findings `findings --json` computes on its own.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-demo.sh"

test_expect_success 'the small demo' '
	aivalue_demo demo --size small --dir data >demo.log 2>&1 &&
	aivalue findings --json >findings.json &&
	aivalue journeys --json >journeys.json &&
	aivalue adoption --json >adoption.json &&
	aivalue report --format json >report.json
'

# small demo: ai_assistant journeys 44 in 2026-06, 196 in 2026-11, six months
test_expect_success 'volume over credibility: the trend journeys --json reports' '
	json_get findings.json "[f[\"figures\"][\"evidence\"] for f in d[\"findings\"] if f[\"mode\"] == \"volume_over_credibility\"][0]" >finding-trend &&
	json_get journeys.json "d[\"volume_over_credibility\"]" >journeys-trend &&
	test_cmp journeys-trend finding-trend &&
	json_get journeys.json "[m[\"journeys\"] for m in d[\"volume_over_credibility\"][\"series\"]][::5]" >ends &&
	echo "[44, 196]" >expect &&
	test_cmp expect ends
'

# small demo: 81 repeat users of 150 people, 0.54
test_expect_success 'two-tier workforce: the repeat rate adoption --json reports' '
	json_get findings.json "[e[\"value\"] for f in d[\"findings\"] if f[\"mode\"] == \"two_tier_workforce\" for e in f[\"evidence\"] if e[\"name\"] == \"org_repeat_rate\"]" >finding-rate &&
	json_get adoption.json "[d[\"organisation\"][\"repeat_rate\"]]" >adoption-rate &&
	test_cmp adoption-rate finding-rate &&
	echo "[0.54]" >expect &&
	test_cmp expect finding-rate
'

test_expect_success 'the report (one playbook computation) carries the same findings' '
	json_get report.json "json.dumps(d[\"findings\"], sort_keys=True)" >in-report &&
	json_get findings.json "json.dumps(d, sort_keys=True)" >alone &&
	test_cmp alone in-report
'

# The demo imports journeys and outcomes (into usage_imports too) after the
# last usage import stored the series; the series' fingerprint counts the
# usage imports alone, so the scorecards read the stored points instead of
# loading every usage event to compute them again (small demo: 139 usage
# imports, 13 monthly points).  The same points as computed afresh on a
# copy whose stored series are marked stale.
test_expect_success 'the stored series serve the scorecards after the demo' '
	aivalue metrics history repeat_use_rate --json >stored.json &&
	json_get stored.json "(d[\"cache\"][\"source\"], d[\"cache\"][\"computed_points\"], d[\"cache\"][\"fingerprint\"].split()[0])" >cache &&
	echo "('\''stored'\'', 0, '\''u139.139'\'')" >expect &&
	test_cmp expect cache &&
	workspace_copy stale &&
	test_sql_on stale "UPDATE metric_series_marks SET usage = '\''u0.0'\''" &&
	aivalue --db "$(workspace_db stale)" metrics history repeat_use_rate --json >computed.json &&
	json_get computed.json "(d[\"cache\"][\"source\"], d[\"cache\"][\"computed_points\"])" >cache &&
	echo "('\''computed'\'', 13)" >expect &&
	test_cmp expect cache &&
	json_get stored.json "d[\"lines\"]" >stored-points &&
	json_get computed.json "d[\"lines\"]" >computed-points &&
	test_cmp computed-points stored-points
'

test_done
