#!/bin/sh
# t1010-http-roles - the role x endpoint matrix.  One token per role; the
# operations and their allowed roles (x-roles) are read from the server's
# own OpenAPI document, and for EVERY operation and EVERY role the server
# must answer 403 exactly when the role is not allowed, and neither 401
# nor 403 (nor a 5xx) when it is.  The policy itself is checked against
# the issue's words (agents get nothing, apply is admin-only, the ledger
# is for admin, auditor and lead), and refused calls change nothing.
. "$(dirname "$0")/lib.sh"

ROLES="admin lead analyst approver auditor viewer agent"

aivalue init >/dev/null 2>&1
aivalue apply -f "$TEST_ROOT/examples/acme/" >/dev/null
for r in $ROLES; do
	if [ "$r" = agent ]; then set -- --agent matrix-bot; else set -- --role "$r"; fi
	aivalue token create --name "tok-$r" "$@" >"$r.tok" 2>/dev/null
done
start_server --quiet
curl -s "$AIV_URL/api/v1/openapi.json" >openapi.json

cat >matrix.py <<\PY
import json, sys, urllib.request, urllib.error
spec, url, role, token = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
d = json.load(open(spec))
subst = {"name": {"people": "seo-yeon.kang", "teams": "it",
                  "initiatives": "ai-champions-network"},
         "id": {"models": "workforce", "exceptions": "exc-none"}}
subst["id"].update({"artefacts": "POL-7", "impact": "POL-7", "deps": "POL-7", "changes": "CR-1"})
subst["name"]["workflows"] = "none"
body = b"kind: Team\nname: matrix-probe\ntitle: Probe\nfunction: it\n"

def concrete(path):
    parts = path.split("/")
    out = []
    for i, p in enumerate(parts):
        if p.startswith("{"):
            out.append(subst[p[1:-1]].get(parts[i - 1], "no-such-" + parts[i - 1]))
        else:
            out.append(p)
    return "/".join(out)

def call(method, path, tok):
    data = body if method == "POST" else None
    q = "?dry_run=1" if method == "POST" else ""
    h = {"Authorization": "Bearer " + tok} if tok else {}
    req = urllib.request.Request(url + concrete(path) + q, data=data, method=method, headers=h)
    try:
        return urllib.request.urlopen(req).status
    except urllib.error.HTTPError as e:
        return e.code

bad, checked = [], 0
for path, item in sorted(d["paths"].items()):
    for method, op in sorted(item.items()):
        allowed = role in op["x-roles"]
        st = call(method.upper(), path, token if role != "none" else None)
        checked += 1
        if role == "none":
            ok = (st == 401) != bool(op.get("x-public"))
            ok = ok and (st < 400 if op.get("x-public") else True)
        elif allowed:
            ok = st not in (401, 403) and st < 500
        else:
            ok = st == 403
        if not ok:
            bad.append("%s %s as %s: %d (allowed: %s)" % (method.upper(), path, role, st, allowed))
print("checked %d operations as %s" % (checked, role))
for b in bad:
    print(b)
sys.exit(1 if bad or checked < 17 else 0)
PY

for r in $ROLES; do
	test_expect_success "role $r: allowed operations answer, the others are 403" "
		python3 -S matrix.py openapi.json \"\$AIV_URL\" $r \"\$(cat $r.tok)\"
	"
done

test_expect_success 'no token: every protected operation is 401, public ones answer' '
	python3 -S matrix.py openapi.json "$AIV_URL" none ""
'

test_expect_success 'a revoked token is refused (401) everywhere' '
	aivalue token revoke tok-lead >/dev/null &&
	: a revocation by another process, as here, holds in the server once its &&
	: per-thread token cache lets go of the token, within 1 s by the monotonic &&
	: clock, TOKEN_CACHE_TTL_US in src/org/tokens.c. Asked at once, the answer &&
	: depended on whether the role-lead test ran less than a second before, &&
	: so on the speed of the machine. The wait is for that documented bound &&
	sleep 1.2 &&
	python3 -S matrix.py openapi.json "$AIV_URL" none "" &&
	test "$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $(cat lead.tok)" \
		"$AIV_URL/api/v1/people")" = 401
'

test_expect_success 'the policy: agents get nothing, apply is admin only, ledger for admin/auditor/lead' '
	python3 -S - openapi.json <<-\PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	ops = {(m, p): op for p, item in d["paths"].items() for m, op in item.items()}
	humans = {"admin", "lead", "analyst", "approver", "auditor", "viewer"}
	for (m, p), op in ops.items():
	    if op.get("x-public"):
	        assert p in ("/healthz", "/api/v1/openapi.json"), p
	        continue
	    assert ("agent" in op["x-roles"]) == ((m, p) == ("post", "/api/v1/decide")), (m, p)
	    assert op["security"] == [{"bearerAuth": []}], (m, p)
	assert ops[("post", "/api/v1/apply")]["x-roles"] == ["admin"]
	for p in ("/api/v1/audit/verify", "/api/v1/audit/log", "/api/v1/audit/checkpoint"):
	    assert set(ops[("get", p)]["x-roles"]) == {"admin", "auditor", "lead"}, p
	for p in ("/api/v1/people", "/api/v1/teams/{name}", "/api/v1/initiatives",
	          "/api/v1/models", "/api/v1/models/{id}"):
	    assert set(ops[("get", p)]["x-roles"]) == humans, p
	PY
'

test_expect_success 'refused calls changed nothing (dry runs only)' '
	aivalue --json audit log --limit 3 >log.json &&
	test "$(json_get log.json "d[0][\"action\"]")" = token.revoke &&
	test_must_fail aivalue get team matrix-probe 2>/dev/null
'

test_expect_success 'dashboard pages refuse the agent role (bearer and sign-in)' '
	AGENT=$(cat agent.tok) &&
	for p in / /models/workforce; do
		test "$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $AGENT" "$AIV_URL$p")" = 403 ||
		exit 1
	done &&
	test "$(curl -s -o /dev/null -D h.txt -w "%{http_code}" -H "Origin: $AIV_URL" --data-urlencode "token=$AGENT" "$AIV_URL/login")" = 403 &&
	! grep -i "^Set-Cookie" h.txt
'

test_expect_success 'dashboard pages open for every human role' '
	for r in admin analyst approver auditor viewer; do
		test "$(curl -s -o /dev/null -w "%{http_code}" -b "$(login_cookie "$(cat $r.tok)")" "$AIV_URL/")" = 200 ||
		{ echo "role $r refused"; exit 1; }
	done
'

# a clean stop (under the sanitizer build: no leak, no error at exit)
kill -TERM "$AIV_SERVER_PID"
wait "$AIV_SERVER_PID"
stop_status=$?
AIV_SERVER_PID=
test_expect_success 'the server stops cleanly after the matrix (exit 0)' '
	test "$stop_status" = 0
'

test_done
