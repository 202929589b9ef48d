#!/usr/bin/python3
"""seed.py - seeds bench/run.sh's data set through advisord's API as the office whose bearer
token is given: N customers (companies new to the vendor), each with a task, and K of them with
an activation (way 3, naming an administrator), each invitation e-mailed.

Writes into OUT: collab.txt (one collaboration id), patch-ids.txt ("collaboration_id version"
of the K activations), post-ids.txt and mix-ids.txt (the unused "customer_id task_id" pairs,
split in two, for the POST and the mixed workloads). Exits 1 naming the first request that
failed. Usage: seed.py PORT TOKEN N K OUT"""
import http.client
import json
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

port, token, n, k, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
local = threading.local()


def luhn(d9):
    """The Swedish corporate ID with a valid check digit for the first nine digits."""
    for c in range(10):
        d = d9 + str(c)
        s = 0
        for i, ch in enumerate(d):
            v = int(ch) * (2 if i % 2 == 0 else 1)
            s += v - 9 if v > 9 else v
        if s % 10 == 0:
            return d[:6] + "-" + d[6:]


def post(path, body):
    """POSTs body; a 503 (the database stayed locked: a loaded machine) is tried again."""
    if not hasattr(local, "conn"):
        local.conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=60)
    for attempt in range(10):
        local.conn.request("POST", path, json.dumps(body),
                           {"Content-Type": "application/json", "Authorization": "Bearer " + token})
        r = local.conn.getresponse()
        data = r.read()
        if r.status != 503:
            break
        time.sleep(0.2 * (attempt + 1))
    if r.status != 201:
        raise SystemExit("seed: POST %s answered %d: %s" % (path, r.status, data[:300]))
    return json.loads(data)


def customer(i):
    c = post("/v1/customers", {"corporate_id": luhn(str(556100000 + i)), "name": "Kund %d" % i,
                               "email": "k%d@kund.test" % i})
    t = post("/v1/customers/%s/tasks" % c["id"], {"name": "Bokföring"})
    return c["id"], t["id"]


def activate(pair):
    c, t = pair
    co = post("/v1/customers/%s/collaborations" % c,
              {"task_id": t, "variant": "smart", "invoice_recipient": "office",
               "agreement_period_months": 12,
               "administrator": {"name": "Anna Admin", "email": "anna@%s.kund.test" % c[:8],
                                 "phone": "+46701234567"}})
    return co["id"], co["version"]


def main():
    with ThreadPoolExecutor(4) as ex:
        pairs = list(ex.map(customer, range(n)))
        collabs = list(ex.map(activate, pairs[:k]))
    rest = pairs[k:]
    half = len(rest) // 2

    def write(name, lines):
        with open(os.path.join(out, name), "w") as f:
            f.write("".join("%s %s\n" % line for line in lines))
    write("patch-ids.txt", collabs)
    write("post-ids.txt", rest[:half])
    write("mix-ids.txt", rest[half:])
    with open(os.path.join(out, "collab.txt"), "w") as f:
        f.write(collabs[0][0] + "\n")


main()
