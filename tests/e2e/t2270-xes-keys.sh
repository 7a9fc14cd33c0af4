#!/bin/sh
# t2270-xes-keys.sh - the XES importer tells the standard keys it reads
# (concept:name, time:timestamp, org:resource, lifecycle:transition,
# cost:total, cost:amount) from their first letters and one compare
# (issue 20: a chain of strcmps per attribute was 2.7 % of an import).
# Keys that share a prefix with a standard key (concept:namespace,
# org:resource2, time:timestamped, cost:totals, "c", "org:") are ordinary
# attributes; the attribute order inside an element does not matter; a
# misspelt "key" attribute or element name is an error naming the line.
# The names every line repeats (<string>, <date>, <event>, key=, value=)
# are compared byte by byte up to their end: a name one letter shorter or
# longer is not taken for them.
. "$(dirname "$0")/lib.sh"

# c1: register (Ann, 09:00, cost:amount 2.5) > check (Bob, 10:00,
#     cost:amount 1 then cost:total 4: the total wins) = 1 h, cost 6.50
# c2: register (Ann, 09:00) > decide (Cy, 12:00) = 3 h, no cost
# 4 events, 3 activities, 3 resources (Pete is org:resource2), 2 variants;
# durations 1 h and 3 h: median 2 h; cost 2.5 + 4 = 6.50 over 1 case.
cat >keys.xes <<\EOF
<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0">
  <trace>
    <string key="concept:name" value="c1"/>
    <string key="concept:namespace" value="north"/>
    <float key="cost:total" value="10.5"/>
    <event>
      <string value="register" key="concept:name"/>
      <string key="org:resource" value="Ann"/>
      <string key="org:resource2" value="Pete"/>
      <date key="time:timestamp" value="2024-01-01T09:00:00Z"/>
      <string key="lifecycle:transitions" value="begin"/>
      <string key="lifecycle:transition" value="complete"/>
      <float key="cost:amount" value="2.5"/>
      <float key="cost:totals" value="99"/>
    </event>
    <event>
      <string key="concept:name" value="check"/>
      <string key="concept:names" value="wrong"/>
      <string key="org:resource" value="Bob"/>
      <date key="time:timestamp" value="2024-01-01T10:00:00Z"/>
      <string key="time:timestamped" value="2030-01-01T00:00:00Z"/>
      <float key="cost:amount" value="1"/>
      <float key="cost:total" value="4"/>
    </event>
  </trace>
  <trace>
    <string key="concept:name" value="c2"/>
    <string key="concept:namespace" value="south"/>
    <event>
      <string key="concept:name" value="register"/>
      <string key="org:resource" value="Ann"/>
      <string key="org:" value="x"/>
      <string key="c" value="y"/>
      <date key="time:timestamp" value="2024-01-02T09:00:00Z"/>
    </event>
    <event>
      <string key="concept:name" value="decide"/>
      <string key="org:resource" value="Cy"/>
      <date key="time:timestamp" value="2024-01-02T12:00:00Z"/>
    </event>
  </trace>
</log>
EOF
sed 's/<string key="org:resource" value="Cy"/<string kez="org:resource" value="Cy"/' keys.xes >nokey.xes
sed 's/<date key="time:timestamp" value="2024-01-02T12/<dates key="time:timestamp" value="2024-01-02T12/' keys.xes >badel.xes
# look-alikes of the element and attribute names, each at a known line
sed '39s/<string key/<stringx key/' keys.xes >el-stringx.xes
sed '39s/<string key/<strin key/' keys.xes >el-strin.xes
sed '40s/<date key/<datex key/' keys.xes >el-datex.xes
sed '40s/<date key/<dat key/' keys.xes >el-dat.xes
sed '37s/<event>/<eventx>/;41s/<\/event>/<\/eventx>/' keys.xes >el-eventx.xes
sed '37s/<event>/<even>/;41s/<\/event>/<\/even>/' keys.xes >el-even.xes
sed '39s/ key=/ keyx=/' keys.xes >at-keyx.xes
sed '39s/ key=/ ke=/' keys.xes >at-ke.xes
sed '39s/ value=/ valuex=/' keys.xes >at-valuex.xes
sed '39s/ value=/ valu=/' keys.xes >at-valu.xes

test_expect_success 'standard keys are read, look-alike keys are attributes' '
	aivalue init >/dev/null &&
	aivalue import cases keys.xes --name k >out &&
	test_grep "2 cases, 4 events, 3 activities" out &&
	aivalue process stats k >out &&
	test_grep "^log k: 2 cases, 4 events, 3 activities, 3 resources, 2 variants" out &&
	test_grep "median 2h 00m" out &&
	test_grep "1  register -> check  (median 1h 00m)" out &&
	test_grep "1  Ann -> Cy" out &&
	test_grep "cost: 6.50 in total over 1 cases" out &&
	aivalue process compare k --by concept:namespace --value north >cmp &&
	test_grep "^cases  *1  *1$" cmp
'

test_expect_success 'the kept figures are what a recomputation prints' '
	aivalue --json process stats k >kept.json &&
	aivalue --json process stats k --fresh >fresh.json &&
	test_cmp fresh.json kept.json
'

test_expect_success 'a misspelt key attribute or element name is an error at its line' '
	test_must_fail aivalue import cases nokey.xes --name bad 2>err &&
	test_grep "nokey.xes:39:.*<string> has no key" err &&
	test_must_fail aivalue import cases badel.xes --name bad 2>err &&
	test_grep "badel.xes:40:.*unexpected <dates> in <event>" err &&
	aivalue logs >out &&
	test_grep -v "^bad " out
'

test_expect_success 'element and attribute names a letter off are not the XES ones' '
	test_must_fail aivalue import cases el-stringx.xes --name bad 2>err &&
	test_grep "el-stringx.xes:39:.*unexpected <stringx> in <event>" err &&
	test_must_fail aivalue import cases el-strin.xes --name bad 2>err &&
	test_grep "el-strin.xes:39:.*unexpected <strin> in <event>" err &&
	test_must_fail aivalue import cases el-datex.xes --name bad 2>err &&
	test_grep "el-datex.xes:40:.*unexpected <datex> in <event>" err &&
	test_must_fail aivalue import cases el-dat.xes --name bad 2>err &&
	test_grep "el-dat.xes:40:.*unexpected <dat> in <event>" err &&
	test_must_fail aivalue import cases el-eventx.xes --name bad 2>err &&
	test_grep "el-eventx.xes:37:.*unexpected <eventx> in <trace>" err &&
	test_must_fail aivalue import cases el-even.xes --name bad 2>err &&
	test_grep "el-even.xes:37:.*unexpected <even> in <trace>" err &&
	test_must_fail aivalue import cases at-keyx.xes --name bad 2>err &&
	test_grep "at-keyx.xes:39:.*<string> has no key" err &&
	test_must_fail aivalue import cases at-ke.xes --name bad 2>err &&
	test_grep "at-ke.xes:39:.*<string> has no key" err &&
	test_must_fail aivalue import cases at-valuex.xes --name bad 2>err &&
	test_grep "at-valuex.xes:39:.*<string key=\"org:resource\"> has no value" err &&
	test_must_fail aivalue import cases at-valu.xes --name bad 2>err &&
	test_grep "at-valu.xes:39:.*<string key=\"org:resource\"> has no value" err &&
	aivalue logs >out &&
	test_grep -v "^bad " out
'

test_done
