#!/usr/bin/env python3
# bench/gen_directory.py OUT_DIR PEOPLE: a government-sized directory for the server's benchmark:
# the centre (nisc, with GSOC) and 21 ministries, each with 6 bureaus of 4 divisions (651
# organisations), and PEOPLE staff spread over the divisions; each ministry has an administrator, a
# CSIRT point of contact and a CSIRT member; one person in 50 is on leave. Deterministic.
import csv, os, random, sys

out, people = sys.argv[1], int(sys.argv[2])
rnd = random.Random(20261123)
os.makedirs(out, exist_ok=True)
family = ['佐藤', '鈴木', '高橋', '田中', '伊藤', '渡辺', '山本', '中村', '小林', '加藤', '吉田', '山田', '佐々木', '山口', '松本']
given = ['健一', '美咲', '誠', '浩', '裕子', '大輔', '彩', '隆', '直子', '剛', '花子', '太郎', '翔', '恵', '修']
divisions = []
with open(os.path.join(out, 'orgs.csv'), 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f)
    w.writerow(['code', 'parent_code', 'kind', 'name_ja', 'name_en'])
    w.writerow(['nisc', '', 'centre', '内閣サイバーセキュリティセンター', 'NISC'])
    w.writerow(['nisc-gsoc', 'nisc', 'division', 'GSOC', 'GSOC'])
    for m in range(1, 22):
        mc = f'm{m:02d}'
        w.writerow([mc, 'nisc', 'member', f'第{m}省', f'Ministry {m}'])
        for b in range(1, 7):
            bc = f'{mc}-b{b}'
            w.writerow([bc, mc, 'bureau', f'第{b}局', f'Bureau {b}'])
            for d in range(1, 5):
                dc = f'{bc}-d{d}'
                w.writerow([dc, bc, 'division', f'第{d}課', f'Division {d}'])
                divisions.append(dc)
with open(os.path.join(out, 'people.csv'), 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f)
    w.writerow(['login', 'org_code', 'name', 'email', 'staff_no', 'status', 'roles'])
    w.writerow(['gsoc-analyst', 'nisc-gsoc', '監視 分析', 'gsoc@nisc.example.go.jp', 'N0001', 'active', 'analyst'])
    for m in range(1, 22):
        mc = f'm{m:02d}'
        w.writerow([f'{mc}-admin', mc, f'{mc} 管理者', f'admin@{mc}.example.go.jp', f'{mc}-A', 'active', 'admin'])
        w.writerow([f'{mc}-poc', f'{mc}-b1', f'{mc} 窓口', f'poc@{mc}.example.go.jp', f'{mc}-P', 'active', 'poc;csirt'])
    for i in range(people):
        d = divisions[i % len(divisions)]
        name = f'{rnd.choice(family)} {rnd.choice(given)}'
        w.writerow([f'u{i:06d}', d, name, f'u{i:06d}@{d.split("-")[0]}.example.go.jp', f'S{i:06d}',
                    'leave' if i % 50 == 0 else 'active', 'staff'])
