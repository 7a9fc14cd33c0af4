"""ledger_rechain.py DB - recompute every prev_hash and hash of DB's ledger.

What someone who can write the database can do after rewriting entries:
the chain verifies again, and only a checkpoint kept elsewhere shows it.
Used by t0100-ledger-tamper.sh and t0130-ledger-checkpoint.sh.
"""
import hashlib
import json
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1])
prev = "0" * 64
for seq, time, actor, action, subject, payload in db.execute(
        "SELECT seq, time, actor, action, subject, payload FROM ledger ORDER BY seq").fetchall():
    c = json.dumps({"action": action, "actor": actor, "payload": json.loads(payload),
                    "seq": seq, "subject": subject, "time": time},
                   sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    h = hashlib.sha256((prev + c).encode()).hexdigest()
    db.execute("UPDATE ledger SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, h, seq))
    prev = h
db.commit()
