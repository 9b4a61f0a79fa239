#!/usr/bin/env python3
# bench/gen_alerts.py DB-URL COUNT: COUNT alerts straight into the server's database (SQLite via
# the sqlite3 module, PostgreSQL via psql COPY), spread over five fiscal years (FY2022-FY2026) and
# the 21 ministries' organisations, with a sensor's record as body; 97 % judged or left new, 3 %
# false positives. The API's intake is measured separately: this fills a database to read from.
import json, os, random, subprocess, sys, tempfile, uuid

url, count = sys.argv[1], int(sys.argv[2])
rnd = random.Random(20261124)
levels = ['informational', 'low', 'medium', 'high', 'critical']
weights = [10, 30, 40, 15, 5]
rules = [('6b1f2c3d-1111-4222-8333-44445555%04d' % i, f'Rule {i}') for i in range(300)]
start, span = 1648738800, 5 * 365 * 86400  # 2022-04-01 JST, five years

def rows(org_ids):
    for i in range(count):
        t = start + rnd.randrange(span)
        rid, title = rnd.choice(rules)
        level = rnd.choices(levels, weights)[0]
        status = rnd.choices(['new', 'true_positive', 'false_positive'], [60, 37, 3])[0]
        uid = str(uuid.UUID(int=rnd.getrandbits(128), version=4))
        body = json.dumps({'id': uid, 'version': 1, 'sensor': 'bench', 'source': 'sigma',
                           'rule': {'id': rid, 'title': title, 'tags': ['attack.t1071']}, 'level': level,
                           'title': title, 'key': f'c-ip=10.{i % 250}.{i % 200}.{i % 100}', 'count': 1 + i % 7,
                           'events': [{'raw': 'squid access line ' + str(i)}]}, separators=(',', ':'))
        yield (uid, 1, rnd.choice(org_ids), 'sigma', rid, title, '', level, '["attack.t1071"]',
               f'c-ip=10.{i % 250}.{i % 200}.{i % 100}', t, t + rnd.randrange(600), 1 + i % 7, body, status, t + 5)

cols = 'uid, version, org_id, source, rule_id, title, title_ja, level, tags, group_key, first_seen, last_seen, count, body, status, received_at'
if url.startswith('sqlite:'):
    import sqlite3
    db = sqlite3.connect(url[7:])
    org_ids = [r[0] for r in db.execute("select id from orgs where path like '/1/%/%' and kind <> 'centre' and code like 'm%'")]
    db.executemany(f'insert into alerts ({cols}) values ({",".join("?" * 16)})', rows(org_ids))
    db.commit()
    db.execute('analyze')
    db.close()
else:
    org_ids = [int(x) for x in subprocess.check_output(['psql', url, '-Atc', "select id from orgs where code like 'm%'"]).split()]
    with tempfile.NamedTemporaryFile('w', suffix='.tsv', delete=False, encoding='utf-8') as f:
        for r in rows(org_ids):
            f.write('\t'.join(str(x).replace('\\', '\\\\').replace('\t', ' ') for x in r) + '\n')
        name = f.name
    subprocess.check_call(['psql', url, '-qc', f"\\copy alerts ({cols}) from '{name}'"])
    subprocess.check_call(['psql', url, '-qc', 'analyze'])
    os.unlink(name)
