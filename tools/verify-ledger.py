#!/usr/bin/env python3
"""verify-ledger.py - check an `aivalue audit export` file without aivalue.

An auditor should not have to trust the program whose records they audit.
This script re-derives every hash of an exported ledger with nothing but
the Python standard library, following the definition in
src/ledger/ledger.h:

    canon(e) = json.dumps({"action", "actor", "payload", "seq", "subject",
                           "time"}, sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False)          (UTF-8 bytes)
    hash(e)  = SHA-256( prev_hash as 64 ASCII hex digits || canon(e) )

and checks that the sequence numbers run 1, 2, 3, ... without gaps, that
each entry's prev_hash is the hash of the entry before it (the genesis
entry links to 64 zeros), and optionally that the entry named by
--expect-head SEQ:HASH (printed earlier by `aivalue audit checkpoint`)
is present with that hash, which is what catches truncation.

--checkpoint FILE --key PUB does the same with a signed checkpoint (C2SP
tlog-checkpoint in C2SP signed-note form, as `aivalue audit checkpoint
--sign KEY` writes it): the Ed25519 signature by PUB must be valid, and
the entry at its tree size must have its root hash.  The signature check
needs the python3 `cryptography` package (the only use of anything
beyond the standard library).

Each line is also rebuilt byte for byte in the export layout; a line that
differs (for instance a payload that is valid JSON but not canonical)
is reported, because aivalue hashed the stored bytes, not a re-encoding.

Output: "ok: N entries, head SEQ:HASH" and exit 0, or
"FAIL at entry N: reason" and exit 1.  Exit 2 on a usage error.
"""

import argparse
import base64
import hashlib
import json
import re
import sys

GENESIS = "0" * 64
HEX64 = re.compile(r"[0-9a-f]{64}\Z")
FIELDS = ("seq", "time", "actor", "action", "subject", "payload",
          "prev_hash", "hash")


class Fail(Exception):
    """A verification failure at entry `seq` (the one first found bad)."""

    def __init__(self, seq, reason):
        super().__init__(reason)
        self.seq = seq
        self.reason = reason


def canonical(value):
    """Canonical JSON text, as src/core/cjson.h defines it."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)


def jstr(s):
    """A JSON string literal as aivalue writes one (raw UTF-8, minimal escapes)."""
    return json.dumps(s, ensure_ascii=False)


def no_duplicates(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError("duplicate key %r" % key)
        obj[key] = value
    return obj


def reject_constant(name):
    raise ValueError("%s is not JSON" % name)


def entry_hash(e):
    canon = canonical({"action": e["action"], "actor": e["actor"],
                       "payload": e["payload"], "seq": e["seq"],
                       "subject": e["subject"], "time": e["time"]})
    data = e["prev_hash"].encode("ascii") + canon.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def export_line(e):
    """The line `aivalue audit export` writes for entry e (no newline)."""
    return ("{\"seq\":%d,\"time\":%s,\"actor\":%s,\"action\":%s,\"subject\":%s,"
            "\"payload\":%s,\"prev_hash\":%s,\"hash\":%s}" % (
                e["seq"], jstr(e["time"]), jstr(e["actor"]), jstr(e["action"]),
                jstr(e["subject"]), canonical(e["payload"]),
                jstr(e["prev_hash"]), jstr(e["hash"])))


def parse_line(raw, lineno, want_seq):
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as ex:
        raise Fail(want_seq, "line %d is not UTF-8 (%s)" % (lineno, ex.reason))
    text = text.rstrip("\n")
    try:
        e = json.loads(text, object_pairs_hook=no_duplicates,
                       parse_constant=reject_constant)
    except ValueError as ex:
        raise Fail(want_seq, "line %d is not a JSON object: %s" % (lineno, ex))
    if not isinstance(e, dict):
        raise Fail(want_seq, "line %d is not a JSON object" % lineno)
    missing = [f for f in FIELDS if f not in e]
    extra = sorted(set(e) - set(FIELDS))
    if missing:
        raise Fail(want_seq, "line %d lacks field '%s'" % (lineno, missing[0]))
    if extra:
        raise Fail(want_seq, "line %d has unknown field '%s'" % (lineno, extra[0]))
    if not isinstance(e["seq"], int) or isinstance(e["seq"], bool):
        raise Fail(want_seq, "line %d: 'seq' is not an integer" % lineno)
    for f in ("time", "actor", "action", "subject", "prev_hash", "hash"):
        if not isinstance(e[f], str):
            raise Fail(e["seq"], "entry %d: '%s' is not a string" % (e["seq"], f))
    for f in ("prev_hash", "hash"):
        if not HEX64.match(e[f]):
            raise Fail(e["seq"], "entry %d: '%s' is not 64 lowercase hex digits"
                       % (e["seq"], f))
    try:
        rebuilt = export_line(e)
    except (UnicodeEncodeError, ValueError) as ex:
        raise Fail(e["seq"], "entry %d cannot be re-encoded: %s" % (e["seq"], ex))
    if rebuilt != text:
        raise Fail(e["seq"], "entry %d is not in canonical form (its bytes differ "
                   "from the canonical re-encoding, so they are not what was hashed)"
                   % e["seq"])
    return e


def verify(stream, expect_seq=0, expect_hash=None, partial=False):
    """Return (entries, head_seq, head_hash) or raise Fail."""
    prev = GENESIS
    want = 1
    head_seq = 0
    count = 0
    found_expect = False
    for lineno, raw in enumerate(stream, 1):
        if not raw.strip():
            raise Fail(want, "line %d is empty" % lineno)
        e = parse_line(raw, lineno, want)
        seq = e["seq"]
        if partial and count == 0:
            want, prev = seq, e["prev_hash"]
        count += 1
        if seq != want:
            if seq > want:
                raise Fail(seq, "entry %d is missing: the sequence jumps from %d to %d"
                           % (want, want - 1, seq))
            raise Fail(seq, "entry %d is out of sequence (expected %d)" % (seq, want))
        if e["prev_hash"] != prev:
            raise Fail(seq, "entry %d does not link to entry %d: prev_hash %.12s... "
                       "but entry %d has hash %.12s... (an entry was inserted, "
                       "removed, reordered or its hash changed)"
                       % (seq, seq - 1, e["prev_hash"], seq - 1, prev))
        calc = entry_hash(e)
        if calc != e["hash"]:
            raise Fail(seq, "entry %d has been altered: its content hashes to "
                       "%.12s... but the stored hash is %.12s..."
                       % (seq, calc, e["hash"]))
        if expect_seq and seq == expect_seq:
            found_expect = True
            if e["hash"] != expect_hash:
                raise Fail(seq, "entry %d does not match the checkpoint: hash %.12s... "
                           "but the checkpoint says %.12s... (the ledger was rewritten)"
                           % (seq, e["hash"], expect_hash))
        prev = e["hash"]
        head_seq = seq
        want = seq + 1
    if expect_seq and not found_expect:
        if partial and expect_seq < want - count:
            raise Fail(expect_seq, "the checkpoint names entry %d, which is before "
                       "the first exported entry" % expect_seq)
        raise Fail(head_seq + 1, "the ledger was truncated: the checkpoint names "
                   "entry %d but the ledger ends at entry %d" % (expect_seq, head_seq))
    return count, head_seq, prev


def parse_head(s):
    m = re.fullmatch(r"([1-9][0-9]*):([0-9a-f]{64})", s)
    if not m:
        raise argparse.ArgumentTypeError(
            "must be SEQ:HASH (64 lowercase hex digits), as printed by "
            "'aivalue audit checkpoint'")
    return int(m.group(1)), m.group(2)


def open_checkpoint(note, vkey):
    """(size, hex root hash) of a signed checkpoint note verified by vkey.

    vkey is "NAME+HEXID+BASE64(0x01 || 32-byte public key)"; raises
    ValueError naming the problem.
    """
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError:
        raise ValueError("verifying a signature needs the python3 cryptography package")
    parts = vkey.strip().split("+", 2)
    if len(parts) != 3 or not parts[0] or not re.fullmatch(r"[0-9a-f]{8}", parts[1]):
        raise ValueError("not a public key (NAME+ID+KEY)")
    name, kid = parts[0], bytes.fromhex(parts[1])
    raw = base64.b64decode(parts[2], validate=True)
    if len(raw) != 33 or raw[0] != 1:
        raise ValueError("not an Ed25519 public key")
    want = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    if want != kid:
        raise ValueError("the public key's id does not match its key")
    cut = note.rfind(b"\n\n")
    if cut < 0:
        raise ValueError("not a signed note (no blank line before the signatures)")
    body, sigs = note[:cut + 1], note[cut + 2:]
    lines = body.decode("utf-8").split("\n")
    if len(lines) < 4 or not re.fullmatch(r"0|[1-9][0-9]*", lines[1]):
        raise ValueError("the body needs origin, tree size and root hash lines")
    root = base64.b64decode(lines[2], validate=True)
    if len(root) != 32:
        raise ValueError("the root hash is not 32 bytes")
    for line in sigs.decode("utf-8").split("\n"):
        if not line:
            continue
        m = re.fullmatch("\u2014 (\\S+) (\\S+)", line)
        if not m:
            raise ValueError("a signature line is not '\u2014 NAME SIGNATURE'")
        if m.group(1) != name:
            continue
        sig = base64.b64decode(m.group(2), validate=True)
        if len(sig) != 68 or sig[:4] != kid:
            continue
        try:
            Ed25519PublicKey.from_public_bytes(raw[1:]).verify(sig[4:], body)
        except InvalidSignature:
            raise ValueError("the signature by key '%s' is not valid" % name)
        return int(lines[1]), root.hex()
    raise ValueError("no signature by key '%s'" % name)


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="verify-ledger.py",
        description="Independently re-verify an 'aivalue audit export' JSONL "
                    "file (Python standard library only).",
        epilog="Exit status: 0 when the chain verifies, 1 when it does not "
               "(the first bad entry is named), 2 on a usage error.  Example: "
               "aivalue audit export | tools/verify-ledger.py --expect-head "
               "\"$(cat checkpoint.txt)\"")
    ap.add_argument("file", nargs="?", default="-",
                    help="the export to check (default: standard input)")
    ap.add_argument("--expect-head", metavar="SEQ:HASH", type=parse_head,
                    help="require entry SEQ with hash HASH (from an earlier "
                         "'aivalue audit checkpoint'); catches truncation and rewrites")
    ap.add_argument("--partial", action="store_true",
                    help="the export starts after entry 1 ('audit export --from N'): "
                         "trust the first line's seq and prev_hash")
    ap.add_argument("--checkpoint", metavar="FILE",
                    help="a signed checkpoint ('aivalue audit checkpoint --sign'): the "
                         "ledger must extend it (needs --key)")
    ap.add_argument("--key", metavar="PUB", help="the public key file of --checkpoint")
    args = ap.parse_args(argv)
    eseq, ehash = args.expect_head if args.expect_head else (0, None)
    if bool(args.checkpoint) != bool(args.key) or (args.checkpoint and args.expect_head):
        ap.error("--checkpoint FILE needs --key PUB (and not --expect-head)")
    if args.checkpoint:
        try:
            with open(args.checkpoint, "rb") as f:
                note = f.read()
            with open(args.key, encoding="utf-8") as f:
                vkey = f.read()
            eseq, ehash = open_checkpoint(note, vkey)
        except (OSError, ValueError, UnicodeDecodeError) as ex:
            print("FAIL: checkpoint '%s': %s" % (args.checkpoint, ex))
            return 1
    try:
        if args.file == "-":
            stream = sys.stdin.buffer
        else:
            stream = open(args.file, "rb")
    except OSError as ex:
        print("error: cannot read '%s': %s" % (args.file, ex.strerror), file=sys.stderr)
        return 2
    try:
        with stream:
            count, head_seq, head_hash = verify(stream, eseq, ehash, args.partial)
    except Fail as f:
        print("FAIL at entry %d: %s" % (f.seq, f.reason))
        return 1
    print("ok: %d entries, head %d:%s" % (count, head_seq, head_hash))
    return 0


if __name__ == "__main__":
    sys.exit(main())
