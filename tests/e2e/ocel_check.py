#!/usr/bin/env python3
"""ocel_check.py - a first-principles recount of flattened OCEL logs, to
check `aivalue import cases --object-type T` + `process stats --json`.

Python standard library only, written from the OCEL standards and the
flattening rule in docs/process.md ("Object-centric logs"), not from
aivalue's C code:

    ocel_check.py types FILE             object types of FILE, one a line
    ocel_check.py ref FILE TYPE          reference figures of FILE flattened on TYPE
                                         (JSON as tools/process_reference.py prints it;
                                         compare with tests/e2e/process_check.py)
    ocel_check.py form FILE              which OCEL form FILE is ("ocel2-json" ...)
    ocel_check.py make-sqlite IN.jsonocel OUT.sqlite
                                         write an OCEL 2.0 JSON log in the standard's
                                         SQLite form (tables event, object,
                                         event_object, object_object, event_map_type,
                                         object_map_type, event_<T>, object_<T>)

FILE is OCEL 2.0 JSON, XML or SQLite, or OCEL 1.0 JSON or XML; the form
is told from the content.  Flattening on TYPE: each object of TYPE with
at least one event is a case; each event goes into the case of every
object of TYPE it relates to (once per object); events in file order (for
SQLite: rowid order of table `event`), so that a case's ties in time keep
file order.  Times without a UTC offset are UTC.
"""
import json
import os
import re
import sqlite3
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from process_reference import figures, parse_time  # noqa: E402


def form_of(path):
    with open(path, "rb") as f:
        head = f.read(4096)
    if head.startswith(b"SQLite format 3\x00"):
        return "ocel2-sqlite"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"{"):
        d = json.load(open(path, encoding="utf-8"))
        return "ocel1-json" if "ocel:events" in d else "ocel2-json"
    if text.startswith(b"<"):
        root = ET.parse(path).getroot()
        for ev in root.iter("event"):
            return "ocel2-xml" if ev.attrib else "ocel1-xml"
        return "ocel2-xml"
    raise SystemExit("%s: not an OCEL log" % path)


def children(root, tag):
    el = root.find(tag)
    return list(el) if el is not None else []


def key1(k):
    return k[5:] if k and k.startswith("ocel:") else k


def read(path):
    """(objects {id: type}, events [(id, type, time, [object ids])]) in file order."""
    form = form_of(path)
    objects, events = {}, []
    if form == "ocel2-json":
        d = json.load(open(path, encoding="utf-8"))
        objects = {o["id"]: o["type"] for o in d["objects"]}
        for e in d["events"]:
            events.append((e["id"], e["type"], parse_time(e["time"]),
                           [r["objectId"] for r in e.get("relationships") or []]))
    elif form == "ocel1-json":
        d = json.load(open(path, encoding="utf-8"))
        objects = {k: o["ocel:type"] for k, o in d["ocel:objects"].items()}
        for k, e in d["ocel:events"].items():
            events.append((k, e["ocel:activity"], parse_time(e["ocel:timestamp"]),
                           list(e.get("ocel:omap") or [])))
    elif form == "ocel2-xml":
        root = ET.parse(path).getroot()
        for o in children(root, "objects"):
            objects[o.get("id")] = o.get("type")
        for e in children(root, "events"):
            rels = [r.get("object-id") for r in e.iter("relationship")]
            events.append((e.get("id"), e.get("type"), parse_time(e.get("time")), rels))
    elif form == "ocel1-xml":
        root = ET.parse(path).getroot()
        for o in children(root, "objects"):
            f = {key1(c.get("key")): c.get("value") for c in o if c.tag != "list"}
            objects[f["id"]] = f["type"]
        for e in children(root, "events"):
            f = {key1(c.get("key")): c.get("value") for c in e if c.tag != "list"}
            rels = []
            for c in e:
                if c.tag == "list" and key1(c.get("key")) == "omap":
                    rels += [x.get("value") for x in c]
            events.append((f["id"], f["activity"], parse_time(f["timestamp"]), rels))
    else:
        db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
        objects = dict(db.execute("SELECT ocel_id, ocel_type FROM object"))
        times = {}
        for _, m in db.execute("SELECT ocel_type, ocel_type_map FROM event_map_type"):
            for i, t in db.execute('SELECT ocel_id, ocel_time FROM "event_%s"' % m):
                times[i] = parse_time(t.replace(" ", "T", 1))
        rels = {}
        for e, o in db.execute("SELECT ocel_event_id, ocel_object_id FROM event_object"):
            rels.setdefault(e, []).append(o)
        for i, t in db.execute("SELECT ocel_id, ocel_type FROM event ORDER BY rowid"):
            events.append((i, t, times[i], rels.get(i, [])))
        db.close()
    return objects, events


def flatten(path, otype):
    objects, events = read(path)
    for eid, etype, t, rels in events:
        seen = set()
        for o in rels:
            if objects.get(o) == otype and o not in seen:
                seen.add(o)
                yield (o, etype, None, t)


def strip(name):
    return re.sub(r"[^A-Za-z0-9]", "", name)


def make_sqlite(src, dst):
    d = json.load(open(src, encoding="utf-8"))
    if os.path.exists(dst):
        os.remove(dst)
    db = sqlite3.connect(dst)
    x = db.execute
    x("CREATE TABLE event (ocel_id TEXT PRIMARY KEY, ocel_type TEXT)")
    x("CREATE TABLE object (ocel_id TEXT PRIMARY KEY, ocel_type TEXT)")
    x("CREATE TABLE event_map_type (ocel_type TEXT PRIMARY KEY, ocel_type_map TEXT)")
    x("CREATE TABLE object_map_type (ocel_type TEXT PRIMARY KEY, ocel_type_map TEXT)")
    x("CREATE TABLE event_object (ocel_event_id TEXT, ocel_object_id TEXT, ocel_qualifier TEXT,"
      " PRIMARY KEY (ocel_event_id, ocel_object_id, ocel_qualifier))")
    x("CREATE TABLE object_object (ocel_source_id TEXT, ocel_target_id TEXT, ocel_qualifier TEXT,"
      " PRIMARY KEY (ocel_source_id, ocel_target_id, ocel_qualifier))")
    for t in d.get("eventTypes", []):
        cols = "".join(', "%s" TEXT' % a["name"] for a in t["attributes"])
        x("INSERT INTO event_map_type VALUES (?, ?)", (t["name"], strip(t["name"])))
        x('CREATE TABLE "event_%s" (ocel_id TEXT PRIMARY KEY, ocel_time TIMESTAMP%s)'
          % (strip(t["name"]), cols))
    for t in d.get("objectTypes", []):
        cols = "".join(', "%s" TEXT' % a["name"] for a in t["attributes"])
        x("INSERT INTO object_map_type VALUES (?, ?)", (t["name"], strip(t["name"])))
        x('CREATE TABLE "object_%s" (ocel_id TEXT, ocel_time TIMESTAMP, ocel_changed_field TEXT%s)'
          % (strip(t["name"]), cols))
    for o in d["objects"]:
        x("INSERT INTO object VALUES (?, ?)", (o["id"], o["type"]))
        first, later = {}, []
        for a in o.get("attributes") or []:
            if a["name"] in first:
                later.append(a)
            else:
                first[a["name"]] = a["value"]
        names = list(first)
        x('INSERT INTO "object_%s" (ocel_id, ocel_time, ocel_changed_field%s) VALUES (?, ?, NULL%s)'
          % (strip(o["type"]), "".join(', "%s"' % n for n in names), ", ?" * len(names)),
          [o["id"], "1970-01-01 00:00:00"] + [first[n] for n in names])
        for a in later:
            x('INSERT INTO "object_%s" (ocel_id, ocel_time, ocel_changed_field, "%s") VALUES (?, ?, ?, ?)'
              % (strip(o["type"]), a["name"]),
              (o["id"], a["time"].replace("T", " ", 1), a["name"], a["value"]))
        for r in o.get("relationships") or []:
            x("INSERT INTO object_object VALUES (?, ?, ?)", (o["id"], r["objectId"], r["qualifier"]))
    for e in d["events"]:
        x("INSERT INTO event VALUES (?, ?)", (e["id"], e["type"]))
        attrs = e.get("attributes") or []
        x('INSERT INTO "event_%s" (ocel_id, ocel_time%s) VALUES (?, ?%s)'
          % (strip(e["type"]), "".join(', "%s"' % a["name"] for a in attrs), ", ?" * len(attrs)),
          [e["id"], e["time"].replace("T", " ", 1)] + [a["value"] for a in attrs])
        for r in e.get("relationships") or []:
            x("INSERT INTO event_object VALUES (?, ?, ?)", (e["id"], r["objectId"], r["qualifier"]))
    db.commit()
    db.close()


def main(argv):
    if len(argv) == 3 and argv[1] == "types":
        objects, _ = read(argv[2])
        for t in dict.fromkeys(objects.values()):
            print(t)
    elif len(argv) == 3 and argv[1] == "form":
        print(form_of(argv[2]))
    elif len(argv) == 4 and argv[1] == "ref":
        json.dump(figures(flatten(argv[2], argv[3])), sys.stdout, indent=1, sort_keys=True)
        print()
    elif len(argv) == 4 and argv[1] == "make-sqlite":
        make_sqlite(argv[2], argv[3])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
