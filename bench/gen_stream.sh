#!/usr/bin/env bash
# gen_stream.sh [LINES] [SEED] > FILE: a deterministic syslog STREAM with the temporal structure of
# a real site, for an honest compression ratio on "realistic mixed logs". Same formats and about
# the same proportions as bench/gen_mixed.sh (its line shapes, from tests/parse/*/*/input.log), but
# where gen_mixed.sh draws every field of every line independently, this one simulates one site
# for LINES lines: an inventory fixed once per run, recurring transactions, one clock.
# Deterministic: a Park-Miller generator in awk, integer arithmetic below 2^53 (mawk and gawk give
# the same bytes; mawk is used when installed, GEN_AWK=gawk to force another). GEN_STATS=1 prints
# the lines per source to stderr.
#
# DESIGN
# Clock: one clock in microseconds from 2026-11-23 00:00:00 +09:00; every line advances it by
#   0..6666 us (uniform, mean 3333: 300 lines/s, 1M lines = about 56 minutes). Every timestamp of a
#   line is that clock: syslog header, ASA header, nginx [23/Nov/2026:..], Squid epoch.millis,
#   FortiGate date/time/eventtime (ns), Suricata and RFC 5424 timestamps (us), kernel uptime
#   prefixes, postfix queue ids (microsecond part). So timestamps never decrease.
# Scheduler: a scenario (an ssh session, a mail, a web visit, a connection...) is started and puts
#   its lines in a priority queue (binary heap) at their future times; each output line is the
#   earliest due queued line or, if none is due yet, the first line of a new scenario picked by
#   weight. Periodic jobs (cron, health checks, ClamAV self-checks, freshclam, sysstat timers,
#   DHCP renewals, PostgreSQL checkpoints) are queued the same way. A run stops after LINES lines;
#   what is still queued is dropped, as in any cut of a real log.
# Inventory (fixed per seed): 57 Linux hosts by role (12 web: 8 nginx shop + 4 apache corporate,
#   20 app, 4 db, 4 mx + a Dovecot store, 3 ldap, 2 radius, 3 ci, 2 batch, 2 bastion, 2 proxy,
#   2 ids, files01), 6 netfilter gateways (2 ufw, 2 nftables, iptables, firewalld) each with fixed
#   interface and upstream MACs and boot time, 2 Cisco ASA, 3 FortiGate (fixed devname/devid),
#   per-host pid counters that only grow (faster on busier hosts) and fixed daemon pids (qmgr,
#   slapd, radiusd, clamd, squid, suricata, logind, postgres checkpointer), process pools (postfix
#   smtpd/cleanup/smtp/lmtp, renewed now and then). 200 users (195 people, 5 service accounts)
#   with a fixed uid, SSH key type and fingerprint, workstation, Wi-Fi MAC and mail address.
#   2000 internal clients (1400 HQ, 3x200 branch) with a fixed MAC, OS (TTL, window, port
#   allocator) and owner. External peers with a Zipf-Mandelbrot skew (weights 1/(rank+k), sampled
#   by an integer quantile table): 40,000 web visitors (Japanese ISP ranges, one user agent each),
#   3000 hostile hosts (known bad /24s + random, a fixed scanner fingerprint each: masscan, zmap,
#   Linux, Windows), 1500 mail peers (providers first, then small domains), 2000 sites (real head,
#   generated tail), 5000 shop products (fixed page and image sizes), user agents, paths, subjects,
#   SQL statements and sudo commands from realistic lists, all Zipf-ranked.
# Transactions:
#   sshd: sessions (Accepted publickey with the user's key -> pam session opened -> logind New
#     session -> systemd scope -> sudo commands (ansible BECOME lines for the automation account)
#     -> later Received disconnect / Disconnected (privsep child pid, as OpenSSH 9.2 logs them) ->
#     pam session closed (same pid as Accepted) -> logind logged out / Removed); brute-force bursts
#     from one hostile source (wordlist order, a new connection every 0.3-3 s, 3-6 lines each,
#     root with several Failed password per connection); scanner probes.
#   postfix: inbound mail (postscreen CONNECT/PASS OLD -> smtpd connect -> TLS -> client= ->
#     cleanup message-id -> clamav-milter Clean message (same queue id) -> qmgr from= -> disconnect
#     -> lmtp to= per recipient -> qmgr removed); outbound submission (sasl) relayed with the reply
#     of the destination provider; postscreen DNSBL rejects and relay-denied attempts. Queue ids
#     as Postfix makes them (5 hex digits of microseconds + inode number in hex).
#   netfilter: scans with the scanner's fingerprint (masscan port sweeps with one source port,
#     zmap id 54321), SYN retransmissions of the same 5-tuple at +1 s/+3 s, ICMP echo with one id
#     and growing seq, forwarded LAN connections in bursts, OUT rejects retried with backoff.
#   ASA: NAT 305011 -> 302013 -> (duration) 302014 -> 305012 with increasing connection ids,
#     several connections per page load; DNS forwarder UDP 302015/302016 (2-minute timeout);
#     inbound DMZ web; 106023 denies with retransmissions; 106100 first hit / 300-second interval.
#   FortiGate: forward traffic logged at session close, bursts per client and site, increasing
#     session ids; DNS; local-in denies retried; rare virus and admin login events.
#   Squid: browsing bursts (the site, then its CDN/analytics companions), apt and OCSP over HTTP.
#   nginx/apache: visits of 1-10 page views (page -> its assets on the first view -> product
#     image and XHR), assets with fixed sizes, 304s; crawlers; scanners walking a fixed path list;
#     mobile app API sessions; load balancer health checks every 10 s.
#   slapd: ACCEPT -> (STARTTLS) -> BIND -> RESULT -> SRCH (+attr) -> SEARCH RESULT -> UNBIND ->
#     closed per connection, increasing conn numbers, service and user binds (err=49 on typos).
#   FreeRADIUS: 802.1X logins (inner tunnel + outer with the device MAC), typos then success,
#     request numbers jumping by the EAP round trips.
#   PostgreSQL: backend sessions (connection received -> authorized -> slow statements ->
#     disconnection with the session time) with per-process sequence numbers, failed passwords
#     from a misconfigured monitor every minute, errors, checkpoints every 5 minutes.
#   Suricata: increasing flow ids; dns query + answer; tls then flow on the same flow id;
#     alert then flow for hostile traffic.
#   generic: RFC 5424 application lines (orders/payments with increasing order ids and
#     per-instance sequenceId/sysUpTime, Java request logs with unique trace ids), cron
#     (pam open, CMD, pam close), systemd scopes and timers, dhclient renewals, dockerd.
#   Unique-in-reality ids stay unique (queue ids, message-ids, flow/session/connection ids, trace
#   ids, ephemeral ports per client); sizes, durations and counts come from skewed distributions.
#
# Proportions: each scenario's weight is (target share / lines it produces), so the mix per 100
#   lines matches gen_mixed.sh; GEN_STATS=1 on 1M lines gives auth 13.8, postfix 10.0, netfilter
#   14.1, ASA 9.9, FortiGate 8.1, Squid 6.1, nginx/apache 11.8, slapd 3.9, FreeRADIUS 3.0,
#   ClamAV 2.0, PostgreSQL 4.0, Suricata 5.0, generic 8.1 (CRON lines are counted as generic here
#   but parsed by linux_auth, as in gen_mixed.sh).
#
# RESULTS (1,000,000 lines, seed 20261123, md5 3dea98685982cab94b5a75fd16033a72; 2-core AMD EPYC
# KVM, Debian 12, shared with other work, so times vary by about +-30 %):
#   generation   mawk 1.3.4: 15-22 s (45-65k lines/s); gawk 5.2: 25-37 s; identical bytes
#   size         212,695,114 bytes, 212.7 a line with its LF (text: mean 211.7, median 187,
#                p10 96, p90 421, min 63, max 527)
#   clock        00:00:00 -> 00:55:31 (300.1 lines/s); timestamps never decrease (as parsed)
#   zstd -3      whole file 26,118,128 bytes = 8.14:1; in 1 MiB pieces (split -b 1048576,
#                203 pieces) 27,992,313 bytes = 7.60:1   [gen_mixed.sh 1M lines: 4.68:1]
#   mamori store `log import` (sealed, index included): segments 31,466,728 bytes = 6.76:1
#                [gen_mixed.sh 1M lines: 4.21:1]
#   parsers      `mamori log parse --stats --tz +09:00`: access_log 118323, cisco_asa 99171,
#                clamav 20246, fortigate 80789, freeradius 29921, generic 75072 (only the RFC
#                5424 application lines, systemd, dockerd, dhclient), iptables 140908,
#                linux_auth 144398, postfix 100433, postgres 40147, slapd 39176, squid 61071,
#                suricata 50345
set -eu
LINES=${1:-5000}
SEED=${2:-20261123}
AWKBIN=${GEN_AWK:-$(command -v mawk || command -v awk)}
read -r -d '' PROG <<'AWK' || true
function rnd(n) { S = (S * 16807) % 2147483647; return S % n }      # 0..n-1
function pick(list,   a, k) { k = split(list, a, "|"); return a[rnd(k) + 1] }
function hex(n,   s, i) { s = ""; for (i = 0; i < n; i++) s = s substr(HX, rnd(16) + 1, 1); return s }
function HEX(n) { return toupper(hex(n)) }
function low(n,   s, i) { s = ""; for (i = 0; i < n; i++) s = s substr(LC, rnd(26) + 1, 1); return s }
function b64(n,   s, i) { s = ""; for (i = 0; i < n; i++) s = s substr(B64, rnd(64) + 1, 1); return s }
function aln(n,   s, i) { s = ""; for (i = 0; i < n; i++) s = s substr(B64, rnd(62) + 1, 1); return s }
# skewed magnitude: lo doubled while a 5/8 coin says so (up to hi), then uniform in [m, 2m)
function skew(lo, hi,   m) { m = lo; while (m + m <= hi && rnd(8) < 5) m += m; return m + rnd(m) }
function min(a, b) { return a < b ? a : b }

# ---- Zipf-Mandelbrot sampling: weights 1/(rank+off) in integers, quantile table of Q bins ----
function zbuild(t, n, off,   r, tot, c, j, b) {
    tot = 0; for (r = 1; r <= n; r++) tot += int(1073741824 / (r + off))
    c = 0; j = 0; b = t * 8192
    for (r = 1; r <= n; r++) { c += int(1073741824 / (r + off)); while (j < Q && c * Q > j * tot) { ZQ[b + j] = r; j++ } }
    ZQ[b + Q] = n
}
function zipf(t,   j, lo) { j = t * 8192 + rnd(Q); lo = ZQ[j]; return lo + rnd(ZQ[j + 1] - lo + 1) }
function zl(t, list,   a) { split(list, a, "|"); return a[zipf(t)] }   # list must have the table's n

# ---- clock ----
function mdays(y, m) { if (m == 2) return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28; return (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31 }
function settime(sec,   d, s, y, m, dd, ml) {
    LASTSEC = sec; d = int(sec / 86400)
    if (d != LASTDAY) {
        LASTDAY = d; y = 2026; m = 11; dd = 23 + d
        while (dd > (ml = mdays(y, m))) { dd -= ml; if (++m > 12) { m = 1; y++ } }
        YEAR = y; MON = MN[m]; DOW = DN[(1 + d) % 7 + 1]
        DATE = sprintf("%04d-%02d-%02d", y, m, dd)
        SYSD = MON " " sprintf("%2d", dd) " "; ASAD = MON " " sprintf("%02d", dd) " " y " "
        NGXD = sprintf("%02d", dd) "/" MON "/" y ":"; MAILD = DOW ", " dd " " MON " " y " "
    }
    s = sec % 86400
    HMS = sprintf("%02d:%02d:%02d", int(s / 3600), int(s / 60) % 60, s % 60)
    SYS = SYSD HMS; EP = EPOCH0 + sec
}
function iso5424() { return DATE "T" HMS "." sprintf("%06d", US) "+09:00" }
function isosur() { return DATE "T" HMS "." sprintf("%06d", US) "+0900" }
function hms(s) { return int(s / 3600) ":" sprintf("%02d:%02d", int(s / 60) % 60, s % 60) }
function secs3(us) { return int(us / 1000000) "." sprintf("%03d", int(us / 1000) % 1000) }
function hdr(pri, h, prog) { return "<" pri ">" SYS " " h " " prog ": " }

# ---- scheduler: binary heap of job ids ordered by (due time, id) ----
function sched(dt, st, a) { JN++; JD[JN] = CLK + dt; JS[JN] = st; JA[JN] = a; hpush(JN) }
function hpush(id,   i, p, d) {
    d = JD[id]; i = ++HN
    while (i > 1) { p = int(i / 2); if (JD[H[p]] < d || (JD[H[p]] == d && H[p] < id)) break; H[i] = H[p]; i = p }
    H[i] = id
}
function hpop(   top, last, i, c, n, dl, x, y) {
    top = H[1]; last = H[HN]; delete H[HN]; n = --HN
    if (n > 0) {
        dl = JD[last]; i = 1
        while ((c = i + i) <= n) {
            if (c < n) { x = H[c]; y = H[c + 1]; if (JD[y] < JD[x] || (JD[y] == JD[x] && y < x)) c++ }
            x = H[c]; if (dl < JD[x] || (dl == JD[x] && last < x)) break
            H[i] = x; i = c
        }
        H[i] = last
    }
    return top
}

# ---- hosts, processes, ports ----
function addhost(h, ip, role) { HIP[h] = ip; ROLE[h] = role; PID[h] = 900 + rnd(40000); PT[h] = 0; PR[h] = 1 + rnd(4)
    LGD[h] = 380 + rnd(300); SESS[h] = 1 + rnd(3000); LNX[++NLNX] = h; if (role != "bastion") SRV[++NSRV] = h }
function newpid(h,   e) { e = int((CLK - PT[h]) / 1000000); PT[h] = CLK
    PID[h] += 1 + rnd(3) + (e > 0 ? rnd(e * PR[h] + 1) : 0); if (PID[h] > 4194000) PID[h] = 400 + rnd(500); return PID[h] }
function pool(h, d, size,   k) { k = h "/" d "/" rnd(size); if (!(k in POOL) || rnd(80) == 0) POOL[k] = newpid(h); return POOL[k] }
# ephemeral source port per address: Windows-like sequential or Linux-like scattered
function eport(ip,   p, w) {
    if (!(ip in EPT)) { EPW[ip] = w = (rnd(3) == 0); EPT[ip] = w ? 49152 + rnd(16000) : 32768 + rnd(28000) }
    w = EPW[ip]; p = EPT[ip] + 1 + rnd(w ? 3 : 400)
    if (p > (w ? 65535 : 60999)) p = (w ? 49152 : 32768) + rnd(200)
    EPT[ip] = p; return p
}
function pubip(   a) { do a = 1 + rnd(223); while (a == 10 || a == 127 || a == 169 || a == 172 || a == 192 || a == 100); return a "." rnd(256) "." rnd(256) "." (1 + rnd(254)) }
function jpip() { return pick(JPNETS) "." rnd(256) "." rnd(256) "." (1 + rnd(254)) }
function macof(oui) { return oui ":" hex(2) ":" hex(2) ":" hex(2) }
function qid(h, off) { INO[h] += 1 + rnd(40); return sprintf("%05X%X", (CLK + off) % 1000000, INO[h]) }
function dly(us) { return us < 10000000 ? secs3(us) : int(us / 1000000) }   # postfix-like delay

function inventory(   i, k, a, n, f, l, u, h, m, nf, nl, b, ip, s, sa) {
    JPNETS = "126|126|60|153|153|114|180|106|106|49|1|219|220|221|122|118|111|133|27|36|42|58|59|61|101|110|112|113|116|119|121|124|125|175|182|183|202|210|211|218"
    for (i = 1; i <= 12; i++) addhost("web" sprintf("%02d", i), "10.20.1." (10 + i), i <= 8 ? "shop" : "corp")
    for (i = 1; i <= 20; i++) addhost("app" sprintf("%02d", i), "10.20.2." (10 + i), "app")
    for (i = 1; i <= 4; i++) addhost("db" sprintf("%02d", i), "10.20.3." (10 + i), "db")
    for (i = 1; i <= 4; i++) { addhost("mx" sprintf("%02d", i), "10.20.4." (10 + i), "mx"); MXPUB["mx0" i] = "203.0.113." (24 + i) }
    for (i = 1; i <= 3; i++) addhost("ldap" sprintf("%02d", i), "10.20.5." (10 + i), "ldap")
    for (i = 1; i <= 2; i++) addhost("radius" sprintf("%02d", i), "10.20.6." (10 + i), "radius")
    for (i = 1; i <= 3; i++) addhost("ci" sprintf("%02d", i), "10.20.7." (10 + i), "ci")
    for (i = 1; i <= 2; i++) addhost("batch" sprintf("%02d", i), "10.20.7." (20 + i), "batch")
    for (i = 1; i <= 2; i++) { addhost("bastion" sprintf("%02d", i), "10.20.8." (10 + i), "bastion"); BPUB["bastion0" i] = "203.0.113." (21 + i) }
    for (i = 1; i <= 2; i++) addhost("proxy" sprintf("%02d", i), "10.20.9." (10 + i), "proxy")
    for (i = 1; i <= 2; i++) addhost("ids" sprintf("%02d", i), "10.20.9." (20 + i), "ids")
    addhost("files01", "10.20.10.11", "files")
    for (i = 1; i <= NLNX; i++) { h = LNX[i]; DAEMON[h] = 300 + rnd(900); SYSUP[h] = 86400 * (3 + rnd(200)) }
    # netfilter gateways: type 1 ufw, 2 nftables, 3 iptables, 4 firewalld
    split("gw01 gw02 fw01 fw02 edge01 edge02", FWH, " "); split("1 1 2 2 3 4", a, " ")
    for (i = 1; i <= 6; i++) { h = FWH[i]; FWT[h] = a[i]; FWIF[h] = pick("eth0|eth0|enp3s0|wan0"); FWLIF[h] = FWIF[h] == "eth0" ? "eth1" : "enp4s0"
        FWMAC[h] = macof(pick("00:15:5d|52:54:00|00:0c:29|3c:ec:ef")); FWGW[h] = macof(pick("00:1b:21|d4:ae:52|00:25:90|f8:c0:01"))
        FWLMAC[h] = macof(substr(FWMAC[h], 1, 8)); FWPUB[h] = "198.51.100." (i <= 2 ? i : i <= 4 ? 62 + i : 124 + i)
        FWBOOT[h] = 86400000000 * (1 + rnd(90)) + rnd(86400) * 1000000; PID[h] = 0 }
    # ASA and FortiGate
    ASAH[1] = "asa01"; ASAH[2] = "asa02"; ASANAT[1] = "203.0.113.2"; ASANAT[2] = "203.0.113.3"
    for (i = 1; i <= 2; i++) { ASAC[i] = 100000000 + rnd(800000000); ACLH[i] = hex(7); ACLI[i] = hex(8) }
    split("FGT-TKY01|FGT-OSK01|FGT-NGY01", FGN, "|"); split("FG100F|FG60F|FG60F", a, "|")
    for (i = 1; i <= 3; i++) { FGD[i] = a[i] "TK" (20 + rnd(5)) sprintf("%06d", rnd(1000000)); FGS[i] = 10000000 + rnd(80000000); FGPUB[i] = "192.0.2." (10 * i) }
    # users: 195 people and 5 service accounts
    nf = split("hiroshi takashi yuki akiko kenji naoko satoshi megumi daisuke yoko kazuki emi ryo ayumi shota haruka takuya mai yusuke nana kenta misaki tomoko yuta sayaka john mary david sarah michael emily james laura robert anna wei li chen min jun soo paul maria peter julia", FN, " ")
    nl = split("tanaka suzuki sato yamada ito watanabe nakamura kobayashi kato yoshida yamamoto sasaki yamaguchi matsumoto inoue kimura hayashi shimizu yamazaki mori abe ikeda hashimoto ishikawa ogawa okada goto hasegawa murakami kondo smith johnson brown miller davis wilson taylor clark lee kim park wang zhang", LN, " ")
    NPEOPLE = 195; NU = 200
    for (i = 1; i <= NPEOPLE; i++) {
        f = FN[1 + rnd(nf)]; l = LN[1 + rnd(nl)]; u = substr(f, 1, 1) l; while (u in UIDX) u = u (1 + rnd(9))
        m = f "." l; while (m in MIDX) m = m (1 + rnd(9)); MIDX[m] = 1
        UN[i] = u; UIDX[u] = i; UMAIL[i] = m "@example.co.jp"
    }
    split("ansible deploy jenkins backup nagios", a, " ")
    for (i = 1; i <= 5; i++) { UN[NPEOPLE + i] = a[i]; UIDX[a[i]] = NPEOPLE + i; UMAIL[NPEOPLE + i] = a[i] "@example.co.jp" }
    for (i = 1; i <= NU; i++) { UID[i] = 1000 + i; k = rnd(10); KT[i] = k < 6 ? "ED25519" : k < 9 ? "RSA" : "ECDSA"; FP[i] = b64(43)
        UPW[i] = (i <= NPEOPLE && rnd(12) == 0); ADM[i] = (i <= 30 || rnd(8) == 0); UWIFI[i] = toupper(hex(2) "-" hex(2) "-" hex(2) "-" hex(2) "-" hex(2) "-" hex(2)) }
    # internal clients: 1400 HQ (10.10.v.h), 600 branch (10.31-33.v.h); fixed MAC, OS, owner
    NC = 2000
    for (i = 1; i <= NC; i++) {
        if (i <= 1400) { CIP[i] = "10.10." int((i - 1) / 100) "." (20 + (i - 1) % 100) } else { b = int((i - 1401) / 200); CIP[i] = "10." (31 + b) "." int(((i - 1401) % 200) / 100) "." (20 + (i - 1401) % 100) }
        k = rnd(10); COS[i] = k < 6 ? 0 : k < 9 ? 1 : 2
        CMAC[i] = macof(COS[i] == 1 ? pick("3c:22:fb|a4:83:e7|f0:18:98") : pick("f4:8e:38|54:ee:75|a0:8c:fd|8c:8c:aa|e4:54:e8"))
        EPW[CIP[i]] = (COS[i] == 0); EPT[CIP[i]] = COS[i] == 0 ? 49152 + rnd(16000) : 32768 + rnd(28000)
        COWN[i] = 1 + rnd(NPEOPLE)
    }
    for (i = 1; i <= NPEOPLE; i++) UWS[i] = 1 + rnd(1400)
    zbuild(1, 1400, 20)     # HQ client activity
    zbuild(2, 200, 10)      # branch client activity (per branch)
    zbuild(3, NPEOPLE, 8)   # people activity
    # web visitors with one user agent each
    NUA = split("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1|Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36|Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36|Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15|Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0|ShopApp/4.12.0 (iPhone; iOS 18.1; Scale/3.00)|Mozilla/5.0 (iPhone; CPU iPhone OS 17_6_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1|Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36|ShopApp/4.12.0 (Android 14; Pixel 8)|Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0|Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1|Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36|Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36|ShopApp/4.11.2 (iPhone; iOS 17.6; Scale/3.00)|Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36|Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/130.0.6723.90 Mobile/15E148 Safari/604.1|Mozilla/5.0 (Linux; Android 13; SO-51C) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36|Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko", UA, "|")
    zbuild(4, NUA, 1)
    NV = 40000
    for (i = 1; i <= NV; i++) { VIP[i] = (rnd(10) < 7) ? jpip() : pubip(); VUA[i] = zipf(4) }
    zbuild(5, NV, 20)
    # hostile hosts: known bad /24s and random; fingerprint 0 Linux, 1 masscan, 2 zmap, 3 Windows
    NB = 3000
    for (i = 1; i <= NB; i++) {
        BIP[i] = rnd(5) < 2 ? pick("218.92.0|61.177.172|185.220.101|45.155.205|91.240.118|193.32.162|141.98.10|80.94.95|179.43.180|194.26.29|87.251.75|162.142.125|167.94.138|71.6.199|198.235.24|205.210.31") "." (1 + rnd(254)) : pubip()
        k = rnd(10); BOS[i] = k < 4 ? 0 : k < 7 ? 1 : k < 8 ? 2 : 3
        BTTL[i] = BOS[i] == 0 ? 64 - 8 - rnd(20) : BOS[i] == 3 ? 128 - 8 - rnd(20) : 255 - 8 - rnd(25)
    }
    zbuild(6, NB, 3)
    # sites (for proxy, firewall, IDS): name|ip|https; real head, generated tail
    n = split("www.google.com 142.250.196.100|fonts.googleapis.com 142.250.207.10|www.gstatic.com 142.250.198.3|outlook.office365.com 52.98.152.178|login.microsoftonline.com 20.190.144.161|teams.microsoft.com 52.113.194.132|www.youtube.com 142.250.207.14|api.github.com 20.27.177.116|github.com 20.27.177.113|graph.microsoft.com 20.44.10.122|www.yahoo.co.jp 183.79.219.252|slack.com 54.250.141.26|s3.ap-northeast-1.amazonaws.com 52.219.136.32|update.googleapis.com 142.250.196.131|www.amazon.co.jp 52.119.168.48|zoom.us 170.114.52.2|i.ytimg.com 142.250.196.118|objects.githubusercontent.com 185.199.108.133|registry.npmjs.org 104.16.2.35|pypi.org 151.101.0.223|files.pythonhosted.org 151.101.1.63|docs.google.com 142.250.207.46|drive.google.com 142.250.199.110|mail.google.com 142.251.42.197|settings-win.data.microsoft.com 20.42.65.92|news.yahoo.co.jp 183.79.250.123|s.yimg.jp 23.215.0.137|www.nikkei.com 23.215.0.134|app.box.com 74.112.186.157|api.openai.com 162.159.140.245|cdn.jsdelivr.net 151.101.1.229|www.salesforce.com 104.109.11.8|clients4.google.com 142.250.196.110|wss-primary.slack.com 54.65.153.210|www.bing.com 13.107.21.200|edge.microsoft.com 13.107.6.158|www.office.com 13.107.6.156|www.linkedin.com 13.107.42.14|twitter.com 104.244.42.65|www.instagram.com 157.240.199.174", a, "|")
    for (i = 1; i <= n; i++) { split(a[i], sa, " "); SN[i] = sa[1]; SIP[i] = sa[2] }
    split("sakura|tech|cloud|data|net|shop|info|media|news|soft|web|smart|blue|green|star|sun|moon|digital|market|link|box|hub|lab|works|systems|global|japan|tokyo|osaka|nippon|kumo|hikari|mirai|yume|tsuki|kaze|sora|umi|hana|mori", W, "|")
    for (i = n + 1; i <= 2000; i++) { SN[i] = pick("www|www|www|api|cdn|static|img|app") "." W[1 + rnd(40)] W[1 + rnd(40)] "." pick("com|com|jp|co.jp|net|io|co.jp"); SIP[i] = rnd(3) ? pubip() : pick("104.16|104.18|172.67|151.101|23.215|13.225|54.230|52.192") "." rnd(256) "." (1 + rnd(254)) }
    NS = 2000; zbuild(7, NS, 3)
    split("fonts.gstatic.com|www.google-analytics.com|www.googletagmanager.com|cdn.jsdelivr.net|connect.facebook.net|static.doubleclick.net|s.yimg.jp|cdnjs.cloudflare.com", COMP, "|")
    # mail peers: providers (gmail, outlook, yahoo.co.jp, amazonses, sendgrid), then small domains
    NM = 1500
    for (i = 1; i <= NM; i++) {
        k = i <= 400 ? i % 5 : 5
        if (k == 0) { MHN[i] = "mail-" pick("pj1|pl1|pf1|ot1|yw1|qt1|oa1") "-f" (1 + rnd(200)) ".google.com"; MIP[i] = "209.85." (128 + rnd(128)) "." (1 + rnd(254)); MDOM[i] = "gmail.com"; MMX[i] = "gmail-smtp-in.l.google.com"; MMXIP[i] = "142.250.157." pick("26|27"); MRT[i] = 1 }
        else if (k == 1) { MHN[i] = "mail-" pick("ty1jpn01|os0jpn01|tyzapc01|ty0jpn01") "on2" sprintf("%03d", rnd(1000)) ".outbound.protection.outlook.com"; MIP[i] = "52.100." rnd(256) "." (1 + rnd(254)); MDOM[i] = rnd(2) ? "outlook.jp" : W[1 + rnd(40)] W[1 + rnd(40)] ".co.jp"; MMX[i] = MDOM[i]; gsub(/\./, "-", MMX[i]); MMX[i] = MMX[i] ".mail.protection.outlook.com"; MMXIP[i] = "52.101." rnd(256) "." (1 + rnd(254)); MRT[i] = 2 }
        else if (k == 2) { MHN[i] = "mlsv" (1 + rnd(30)) ".mail.yahoo.co.jp"; MIP[i] = "182.22." rnd(40) "." (1 + rnd(254)); MDOM[i] = "yahoo.co.jp"; MMX[i] = "mx" (1 + rnd(5)) ".mail.yahoo.co.jp"; MMXIP[i] = "182.22.12." (10 + rnd(20)); MRT[i] = 3 }
        else if (k == 3) { MHN[i] = "e" (200 + rnd(60)) "-" (1 + rnd(9)) ".smtp-out.ap-northeast-1.amazonses.com"; MIP[i] = "23.251." (224 + rnd(8)) "." (1 + rnd(254)); MDOM[i] = "mail." W[1 + rnd(40)] W[1 + rnd(40)] ".com"; MMX[i] = "mx." MDOM[i]; MMXIP[i] = pubip(); MRT[i] = 4 }
        else if (k == 4) { MHN[i] = "o" (1 + rnd(30)) ".ptr" (1000 + rnd(9000)) ".sendgrid.net"; MIP[i] = "167.89." rnd(128) "." (1 + rnd(254)); MDOM[i] = "news." W[1 + rnd(40)] W[1 + rnd(40)] ".jp"; MMX[i] = "mx." MDOM[i]; MMXIP[i] = pubip(); MRT[i] = 4 }
        else { MDOM[i] = W[1 + rnd(40)] W[1 + rnd(40)] "." pick("co.jp|co.jp|jp|com|ne.jp|or.jp|ac.jp"); MHN[i] = rnd(6) ? pick("mail|mx|smtp|mail2|mx01|mta") "." MDOM[i] : "unknown"; MIP[i] = rnd(2) ? jpip() : pubip(); MMX[i] = MHN[i] == "unknown" ? "mail." MDOM[i] : MHN[i]; MMXIP[i] = MIP[i]; MRT[i] = 3 + rnd(2) }
        MSND[i] = pick("info|news|noreply|support|" UN[1 + rnd(NPEOPLE)] "|no-reply|notice|sales|" FN[1 + rnd(nf)] "." LN[1 + rnd(nl)])
    }
    zbuild(8, NM, 2)
    NSUBJ = split("=?UTF-8?B?6YCx5qyh5a6a5L6L44Gu6K2w5LqL6Yyy?=|=?UTF-8?B?UmU6IOOBiuimi+epjeOCiuOBruS7tg==?=|Your order has shipped|[ML:dev] CI build failed on main|Invoice for November 2026|=?UTF-8?B?44CQ6YeN6KaB44CR44OR44K544Ov44O844OJ5pyJ5Yq55pyf6ZmQ44Gu44GK55+l44KJ44Gb?=|Re: Re: meeting schedule|Weekly digest|Meeting notes|Security alert: new sign-in|=?UTF-8?B?44GU5rOo5paH44GC44KK44GM44Go44GG44GU44GW44GE44G+44GZ?=|Re: Project status|[ML:ops] nightly backup report|Newsletter November|Fwd: contract draft|New comment on your pull request|Your monthly statement|=?UTF-8?B?5Ye65by155Sz6KuL44Gu5om/6KqN5L6d6aC8?=|=?UTF-8?B?UmU6IOiri+axguabuOmAgeS7mOOBruOBiumhmOOBhA==?=|Reminder: 1:1 tomorrow", SUBJA, "|")
    zbuild(9, NSUBJ, 2)
    # shop: products (fixed page and image sizes), corporate pages, assets with fixed sizes
    for (i = 1; i <= 5000; i++) { PSZ[i] = 28000 + rnd(22000); PIMG[i] = 18000 + rnd(160000) }
    zbuild(10, 5000, 10)
    split("/static/css/main." hex(8) ".css " (60000 + rnd(30000)) "|/static/js/vendor." hex(8) ".js " (280000 + rnd(90000)) "|/static/js/app." hex(8) ".js " (90000 + rnd(60000)) "|/static/fonts/NotoSansJP-Regular.woff2 " (1200000 + rnd(300000)) "|/images/logo.svg " (3000 + rnd(4000)) "|/favicon.ico " (1150 + rnd(3000)) "|/images/banner/" hex(6) ".webp " (60000 + rnd(90000)), SHOPA, "|")
    split("/common/css/style.css " (40000 + rnd(20000)) "|/common/js/main.js " (30000 + rnd(30000)) "|/common/js/jquery-3.7.1.min.js 87533|/common/img/logo.png " (5000 + rnd(5000)) "|/common/img/mv_01.jpg " (180000 + rnd(100000)) "|/favicon.ico " (1150 + rnd(3000)), CORPA, "|")
    NCP = split("/|/news/|/about/|/recruit/|/products/|/ir/|/contact/|/en/|/news/2026/1120_01.html|/news/2026/1118_02.html|/recruit/newgrad/|/about/access/|/ir/library/|/privacy/|/sitemap/", CORPP, "|")
    for (i = 1; i <= NCP; i++) CORPS[i] = 12000 + rnd(30000)
    zbuild(11, NCP, 1)
    NCAT = split("mens|womens|kids|shoes|bags|watches|outdoor|kitchen|interior|beauty|food|books|toys|sale|new-arrivals", CATS, "|")
    NTERM = split("%E3%82%B9%E3%83%8B%E3%83%BC%E3%82%AB%E3%83%BC|tote+bag|rain+jacket|watch|%E3%83%AA%E3%83%A5%E3%83%83%E3%82%AF|coffee|wallet|sale|gift|backpack|%E3%83%9E%E3%82%B0%E3%82%AB%E3%83%83%E3%83%97|linen+shirt|boots|umbrella|sneakers", TERMS, "|")
    zbuild(12, NCAT, 2); zbuild(13, NTERM, 2)
    NSCANP = split("/.env|/.git/config|/wp-login.php|/xmlrpc.php|/admin/|/phpmyadmin/|/.aws/credentials|/config.json|/server-status|/actuator/env|/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php|/cgi-bin/luci/;stok=/locale|/boaform/admin/formLogin|/wp-content/plugins/wp-file-manager/readme.txt|/.DS_Store|/backup.zip|/api/.env|/console/|/solr/admin/info/system|/owa/auth/logon.aspx|/remote/fgt_lang?lang=/../../../..//////////dev/cmdb/sslvpn_websession|/HNAP1/|/manager/html|/login.action|/.well-known/security.txt|/robots.txt|/sitemap.xml|/info.php|/phpinfo.php|/test.php", SCANP, "|")
    NCRAWL = 6; for (i = 1; i <= NCRAWL; i++) { CRIP[i] = i <= 4 ? "66.249.66." (1 + rnd(254)) : "40.77.167." (1 + rnd(254)); CRUA[i] = i <= 4 ? "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)" : "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)" }
    # sudo commands, SQL, ports
    NCMD = split("/usr/bin/systemctl status nginx|/usr/bin/journalctl -u nginx --since today|/usr/bin/tail -n 200 /var/log/syslog|/usr/bin/apt update|/usr/bin/systemctl restart app|/usr/bin/docker ps -a|/usr/bin/docker logs --tail 100 app|/usr/bin/vim /etc/nginx/nginx.conf|/bin/bash|/usr/bin/apt upgrade -y|/usr/sbin/iptables -L -n -v|/usr/bin/less /var/log/auth.log|/usr/bin/du -sh /var/log|/usr/bin/ss -tlnp|/usr/bin/systemctl reload nginx|/usr/bin/cat /etc/sudoers|/usr/bin/crontab -l -u app|/usr/sbin/reboot", CMDS, "|")
    zbuild(14, NCMD, 2)
    NSQL = split("SELECT o.id, o.total, o.status FROM orders o WHERE o.customer_id = $1 ORDER BY o.created_at DESC LIMIT 20|SELECT * FROM products WHERE category_id = $1 AND deleted_at IS NULL ORDER BY popularity DESC LIMIT 48 OFFSET $2|UPDATE inventory SET stock = stock - $1 WHERE product_id = $2 AND stock >= $1|SELECT count(*) FROM sessions WHERE expires_at < now()|INSERT INTO order_items (order_id, product_id, qty, price) SELECT $1, product_id, qty, price FROM cart_items WHERE cart_id = $2|SELECT p.id, p.name, p.price FROM products p JOIN product_tags t ON t.product_id = p.id WHERE t.tag = ANY($1)|DELETE FROM sessions WHERE expires_at < now() - interval '1 day'|SELECT sum(total) FROM orders WHERE created_at >= date_trunc('day', now())|VACUUM ANALYZE public.events|COPY (SELECT * FROM orders WHERE created_at >= $1) TO STDOUT WITH CSV HEADER|SELECT id FROM customers WHERE lower(email) = lower($1)|REFRESH MATERIALIZED VIEW CONCURRENTLY daily_sales", SQL, "|")
    zbuild(15, NSQL, 2)
    NTP = split("23|22|80|443|3389|445|8080|5555|6379|2375|1433|3306|5900|8443|81|8088|9200|37215|52869|60001|25|110|143|21|8000|5060|7547|9000|10000|6443", TPORT, "|")
    zbuild(16, NTP, 2)
    NUP = split("53|123|161|1900|5060|11211|137|389|19|5353|3702|500|1194", UPORT, "|"); split("45|48|82|118|408|15|78|80|29|46|656|408|42", ULEN, "|")
    zbuild(17, NUP, 2)
    NSIG = split("2001219 ET SCAN Potential SSH Scan|2024364 ET SCAN Possible Nmap User-Agent Observed|2034647 ET EXPLOIT Apache log4j RCE Attempt (http ldap) (CVE-2021-44228)|2010935 ET SCAN Suspicious inbound to MSSQL port 1433|2010937 ET SCAN Suspicious inbound to mySQL port 3306|2002910 ET SCAN Potential VNC Scan 5900-5920|2013028 ET POLICY curl User-Agent Outbound|2027390 ET USER_AGENTS Go HTTP Client User-Agent|2100498 GPL ATTACK_RESPONSE id check returned root|2024897 ET EXPLOIT Possible Zyxel Command Injection Attempt|2030092 ET EXPLOIT Mirai Botnet Spreading Attempt|2008578 ET SCAN Sipvicious Scan", SIG, "|")
    zbuild(18, NSIG, 1)
    NAMOD = split("setup|apt|copy|template|file|systemd|command|stat|lineinfile|user|service|shell", AMOD, "|"); zbuild(19, NAMOD, 1)
    zbuild(20, 40, 2)       # generic small ranks (statement params, threads...)
    ORDERID = 4300000 + rnd(100000); FLOWH = 1000000 + rnd(8000000); FLOWL = rnd(1000000000)
    for (i = 1; i <= 2; i++) { SLC["ldap0" i] = 100000 + rnd(900000) }; SLC["ldap03"] = 100000 + rnd(900000)
    RADN["radius01"] = rnd(90000); RADN["radius02"] = rnd(90000)
    for (i = 1; i <= 20; i++) { h = "app" sprintf("%02d", i); APPSEQ[h] = rnd(900000); APPUP[h] = 100 * (3600 * (1 + rnd(400))) }
}

# ============ sshd / sudo / PAM / logind (steps 100-199) ============
# session args: 1 host, 2 sshd pid, 3 privsep child pid, 4 user, 5 source ip, 6 port, 7 logind session, 8 pts
function s_ssh(   u, h, ip, dur, a, k, n) {
    if (rnd(5) < 2) {
        k = rnd(20); u = NPEOPLE + (k < 8 ? 1 : k < 13 ? 2 : k < 17 ? 3 : k < 18 ? 4 : 5)
        h = SRV[1 + rnd(NSRV)]; ip = HIP[u == NPEOPLE + 4 ? "batch01" : u == NPEOPLE + 5 ? "batch02" : "ci0" (1 + rnd(3))]
        dur = u == NPEOPLE + 4 ? skew(60, 1800) * 1000000 : (2 + rnd(40)) * 1000000 + rnd(1000000)
    } else {
        u = zipf(3)
        if (rnd(5) < 3) { h = "bastion0" (1 + rnd(2)); ip = CIP[UWS[u]] } else { h = SRV[1 + rnd(NSRV)]; ip = HIP["bastion0" (1 + rnd(2))] }
        dur = skew(20, 3600) * 1000000 + rnd(1000000)
    }
    a = h T newpid(h) T newpid(h) T u T ip T eport(ip) T (++SESS[h]) T rnd(6)
    sched(0, 101, a); sched(2000 + rnd(5000), 102, a); sched(9000 + rnd(8000), 103, a); sched(18000 + rnd(9000), 1301, a)
    n = u > NPEOPLE ? (u == NPEOPLE + 1 ? 2 + rnd(12) : u == NPEOPLE + 2 ? 1 + rnd(3) : 0) : ADM[u] ? rnd(5) : (rnd(8) == 0)
    for (k = 0; k < n; k++) sched(300000 + rnd(dur - 200000), 104, a)
    sched(dur, 107, a); sched(dur + 300 + rnd(1500), 108, a); sched(dur + 2000 + rnd(6000), 109, a)
    sched(dur + 9000 + rnd(6000), 110, a); sched(dur + 20000 + rnd(20000), 1302, a); sched(dur + 45000 + rnd(20000), 111, a)
}
function s_brute(   h) { h = "bastion0" (1 + rnd(2)); sched(0, 120, h T zipf(6) T (2 + skew(2, 60)) T rnd(NWORD)) }
function s_probe(   h, ip) { h = "bastion0" (1 + rnd(2)); ip = BIP[zipf(6)]; sched(0, 140, h T newpid(h) T ip T eport(ip) T rnd(6)) }
function auth(st,   h, u, cmd, p, ip, port, w, a, k, f, i) {
    h = A[1]; u = A[4]
    if (st == 101) return hdr(38, h, "sshd[" A[2] "]") (UPW[u] ? "Accepted password for " UN[u] " from " A[5] " port " A[6] " ssh2" : "Accepted publickey for " UN[u] " from " A[5] " port " A[6] " ssh2: " KT[u] " SHA256:" FP[u])
    if (st == 102) return hdr(86, h, "sshd[" A[2] "]") "pam_unix(sshd:session): session opened for user " UN[u] "(uid=" UID[u] ") by (uid=0)"
    if (st == 103) return hdr(38, h, "systemd-logind[" LGD[h] "]") "New session " A[7] " of user " UN[u] "."
    if (st == 104) {
        if (u == NPEOPLE + 1) {
            sched(1000 + rnd(2000), 105, JA[CUR]); sched(300000 + skew(1, 40) * 100000, 106, JA[CUR])
            return hdr(85, h, "sudo") " ansible : PWD=/home/ansible ; USER=root ; COMMAND=/bin/sh -c echo BECOME-SUCCESS-" low(32) " ; /usr/bin/python3 /home/ansible/.ansible/tmp/ansible-tmp-" EP "." sprintf("%07d", rnd(10000000)) "-" (20000 + rnd(40000)) "-" (1 + rnd(99999)) sprintf("%09d", rnd(1000000000)) "/AnsiballZ_" AMOD[zipf(19)] ".py"
        }
        if (u == NPEOPLE + 2) {
            sched(1000 + rnd(2000), 105, JA[CUR]); sched(500000 + skew(1, 20) * 1000000, 106, JA[CUR])
            return hdr(85, h, "sudo") "  deploy : PWD=/home/deploy ; USER=root ; COMMAND=" pick("/usr/bin/systemctl restart app|/usr/bin/systemctl reload nginx|/usr/bin/systemctl status app --no-pager|/usr/bin/docker compose -f /opt/app/compose.yml pull|/usr/bin/docker compose -f /opt/app/compose.yml up -d")
        }
        cmd = CMDS[zipf(14)]
        if (!ADM[u]) return hdr(85, h, "sudo") sprintf("%8s", UN[u]) " : user NOT in sudoers ; TTY=pts/" A[8] " ; PWD=/home/" UN[u] " ; USER=root ; COMMAND=" cmd
        if (rnd(40) == 0) return hdr(85, h, "sudo") sprintf("%8s", UN[u]) " : 3 incorrect password attempts ; TTY=pts/" A[8] " ; PWD=/home/" UN[u] " ; USER=root ; COMMAND=" cmd
        sched(1000 + rnd(2000), 105, JA[CUR]); sched(200000 + skew(1, 120) * 1000000, 106, JA[CUR])
        return hdr(85, h, "sudo") sprintf("%8s", UN[u]) " : TTY=pts/" A[8] " ; PWD=/home/" UN[u] " ; USER=root ; COMMAND=" cmd
    }
    if (st == 105) return hdr(86, h, "sudo") "pam_unix(sudo:session): session opened for user root(uid=0) by " UN[u] "(uid=" UID[u] ")"
    if (st == 106) return hdr(86, h, "sudo") "pam_unix(sudo:session): session closed for user root"
    if (st == 107) return hdr(38, h, "sshd[" A[3] "]") "Received disconnect from " A[5] " port " A[6] ":11: disconnected by user"
    if (st == 108) return hdr(38, h, "sshd[" A[3] "]") "Disconnected from user " UN[u] " " A[5] " port " A[6]
    if (st == 109) return hdr(86, h, "sshd[" A[2] "]") "pam_unix(sshd:session): session closed for user " UN[u]
    if (st == 110) return hdr(38, h, "systemd-logind[" LGD[h] "]") "Session " A[7] " logged out. Waiting for processes to exit."
    if (st == 111) return hdr(38, h, "systemd-logind[" LGD[h] "]") "Removed session " A[7] "."
    # brute force: 120 args 1 host, 2 hostile, 3 attempts left, 4 wordlist position
    #              attempt args 1 host, 2 ip, 3 pid, 4 port, 5 user tried, 6 tries (valid user)
    if (st == 120) {
        p = newpid(h); ip = BIP[A[2]]; port = eport(ip); w = WORD[A[4] % NWORD + 1]
        if (A[3] > 1) sched(300000 + rnd(2700000), 120, h T A[2] T (A[3] - 1) T (A[4] + 1))
        if (w in UIDX || w == "root") {
            k = 1 + rnd(6); a = h T ip T p T port T w T k; f = 0
            for (i = 1; i <= k; i++) { f += 1500000 + rnd(1500000); sched(f, 122, a) }
            if (k == 6) { sched(f + 1000, 127, a); sched(f + 1500, 128, a); sched(f + 2500, 129, a) }
            else { sched(f + 200000 + rnd(3000000), 130, a); if (k > 1) sched(f + 200000 + 3000000 + 1000, 129, a) }
            return hdr(85, h, "sshd[" p "]") "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=" ip "  user=" w
        }
        a = h T ip T p T port T w; f = 1800000 + rnd(1500000)
        sched(2000 + rnd(3000), 121, a); sched(5000 + rnd(3000), 123, a); sched(f, 124, a)
        sched(f + 100000 + rnd(200000), 125, a); sched(f + 301000 + rnd(1000), 126, a)
        return hdr(38, h, "sshd[" p "]") "Invalid user " w " from " ip " port " port
    }
    p = "sshd[" A[3] "]"
    if (st == 121) return hdr(85, h, p) "pam_unix(sshd:auth): check pass; user unknown"
    if (st == 123) return hdr(85, h, p) "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=" A[2] " "
    if (st == 124) return hdr(38, h, p) "Failed password for invalid user " A[5] " from " A[2] " port " A[4] " ssh2"
    if (st == 125) return hdr(38, h, p) "Received disconnect from " A[2] " port " A[4] ":11: Bye Bye [preauth]"
    if (st == 126) return hdr(38, h, p) "Disconnected from invalid user " A[5] " " A[2] " port " A[4] " [preauth]"
    if (st == 122) return hdr(38, h, p) "Failed password for " A[5] " from " A[2] " port " A[4] " ssh2"
    if (st == 127) return hdr(38, h, p) "error: maximum authentication attempts exceeded for " A[5] " from " A[2] " port " A[4] " ssh2 [preauth]"
    if (st == 128) return hdr(38, h, p) "Disconnecting authenticating user " A[5] " " A[2] " port " A[4] ": Too many authentication failures [preauth]"
    if (st == 129) return hdr(85, h, p) "PAM " (A[6] - 1) " more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=" A[2] "  user=" A[5]
    if (st == 130) return hdr(38, h, p) "Connection closed by authenticating user " A[5] " " A[2] " port " A[4] " [preauth]"
    # probes: 1 host, 2 pid, 3 ip, 4 port, 5 kind
    p = "sshd[" A[2] "]"
    if (st == 140) {
        k = A[5]
        if (k <= 1) return hdr(38, h, p) "Connection closed by " A[3] " port " A[4] " [preauth]"
        if (k == 2) return hdr(38, h, p) "Did not receive identification string from " A[3] " port " A[4]
        if (k == 3) { sched(300 + rnd(500), 141, JA[CUR]); return hdr(38, h, p) "error: kex_exchange_identification: Connection closed by remote host" }
        if (k == 4) return hdr(38, h, p) "banner exchange: Connection from " A[3] " port " A[4] ": invalid format"
        return hdr(38, h, p) "Connection reset by " A[3] " port " A[4] " [preauth]"
    }
    return hdr(38, h, p) "Connection closed by " A[3] " port " A[4]
}

# ============ postfix (200-299), clamav-milter (1001) ============
function fmtd(us) { return us < 10000 ? "0" : us < 10000000 ? int(us / 1000000) "." sprintf("%02d", int(us / 10000) % 100) : int(us / 1000000) }
function msgid(m,   x) {
    if (MRT[m] == 1) return "CA" aln(42) "@mail.gmail.com"
    if (MRT[m] == 2) { x = pick("TYCPR01MB|OS3PR01MB|TYWPR01MB|TY3PR01MB"); return x (1000 + rnd(9000)) HEX(20) "@" x (1000 + rnd(9000)) ".jpnprd01.prod.outlook.com" }
    if (MRT[m] == 4) return "0106019" hex(9) "-" hex(8) "-" hex(4) "-" hex(4) "-" hex(4) "-" hex(12) "-000000@ap-northeast-1.amazonses.com"
    return substr(DATE, 1, 4) substr(DATE, 6, 2) substr(DATE, 9, 2) substr(HMS, 1, 2) substr(HMS, 4, 2) substr(HMS, 7, 2) "." HEX(12) "@" (MHN[m] == "unknown" ? MDOM[m] : MHN[m])
}
# inbound: 1 mx, 2 qid, 3 smtpd pid, 4 cleanup pid, 5 peer, 6 from, 7 rcpts, 8 size, 9 msgid, 10 subject, 11 port,
#          12 nrcpt, 13 milter pid, 14 lmtp pid, 15 queued at, 16 qmgr at, 17 (delivery: rcpt number)
function s_mailin(   h, m, q, a, n, r, i, t, size, off) {
    h = "mx0" (1 + rnd(4)); m = zipf(8); n = rnd(10) < 8 ? 1 : 2 + rnd(4)
    r = ""; for (i = 1; i <= n; i++) r = r (i > 1 ? "," : "") UMAIL[zipf(3)]
    size = skew(3000, 400000); off = 300000 + rnd(300000); q = qid(h, off)
    t = off + 150000 + rnd(200000) + int(size / 40)
    a = h T q T pool(h, "smtpd", 12) T pool(h, "cleanup", 4) T m T MSND[m] "@" MDOM[m] T r T size T msgid(m) T zipf(9) T eport(MIP[m]) T n T MILT[h] T pool(h, "lmtp", 4) T (CLK + off) T (CLK + t + 5000)
    sched(0, 201, a); sched(3000 + rnd(3000), 202, a); sched(8000 + rnd(4000), 203, a); sched(120000 + rnd(100000), 204, a)
    sched(off, 205, a); sched(off + 20000 + rnd(40000), 206, a); sched(t, 1001, a); sched(t + 5000, 207, a)
    sched(t + 20000 + rnd(30000), 208, a)
    for (i = 1; i <= n; i++) sched(t + 60000 + rnd(300000), 209, a T i)
    sched(t + 400000 + rnd(100000), 210, a)
}
# outbound: 1 mx, 2 qid, 3 smtpd pid, 4 cleanup pid, 5 user, 6 client, 7 peer, 8 size, 9 msgid, 10 n, 11 smtp pid, 12 queued, 13 qmgr at
function s_mailout(   h, u, c, m, n, a, off, t, i) {
    h = "mx0" (1 + rnd(2)); u = zipf(3); c = UWS[u]; m = zipf(8); n = rnd(10) < 7 ? 1 : 2 + rnd(3)
    off = 400000 + rnd(400000); t = off + 100000 + rnd(100000)
    a = h T qid(h, off) T pool(h, "submission", 6) T pool(h, "cleanup", 4) T u T c T m T skew(2000, 2000000) T hex(8) "-" hex(4) "-" hex(4) "-" hex(4) "-" hex(12) "@example.co.jp" T n T pool(h, "smtp", 10) T (CLK + off) T (CLK + t)
    sched(0, 220, a); sched(60000 + rnd(40000), 221, a); sched(off, 222, a); sched(off + 20000 + rnd(30000), 223, a)
    sched(t, 224, a); sched(t + 10000 + rnd(20000), 225, a); sched(t + 80000 + rnd(150000), 226, a)
    for (i = 1; i <= n; i++) sched(t + 400000 + rnd(600000) + i * 1000, 227, a T i)
    sched(t + 1100000 + rnd(100000), 228, a)
}
function s_spam(   h, b, ip, a, f) {
    h = "mx0" (1 + rnd(4)); b = zipf(6); ip = BIP[b]
    a = h T ip T eport(ip) T pool(h, "postscreen", 1) T low(4 + rnd(6)) "@" W[1 + rnd(40)] pick(".top|.xyz|.info|.biz|.click") T UMAIL[zipf(3)] T pick("User|localhost|ylmf-pc|WIN-" HEX(11) "|" ip "|mail." W[1 + rnd(40)] ".com") T pool(h, "smtpd", 12) T b
    if (rnd(3)) { f = 6000000 + rnd(100000); sched(0, 230, a); sched(f, 231, a); sched(f + 200000 + rnd(500000), 232, a); sched(f + 900000 + rnd(400000), 233, a) }
    else { sched(0, 234, a); sched(2000 + rnd(2000), 235, a); sched(600000 + rnd(800000), 236, a); sched(1600000 + rnd(300000), 237, a) }
}
function pfix(st,   h, q, a, m, n, r, rc, tq, tm, d, x, u) {
    h = A[1]; q = A[2]
    if (st < 220) {
        m = A[5]
        if (st == 201) return hdr(22, h, "postfix/postscreen[" PSC[h] "]") "CONNECT from [" MIP[m] "]:" A[11] " to [" MXPUB[h] "]:25"
        if (st == 202) return hdr(22, h, "postfix/postscreen[" PSC[h] "]") "PASS OLD [" MIP[m] "]:" A[11]
        if (st == 203) return hdr(22, h, "postfix/smtpd[" A[3] "]") "connect from " MHN[m] "[" MIP[m] "]"
        if (st == 204) return hdr(22, h, "postfix/smtpd[" A[3] "]") "Anonymous TLS connection established from " MHN[m] "[" MIP[m] "]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256"
        if (st == 205) return hdr(22, h, "postfix/smtpd[" A[3] "]") q ": client=" MHN[m] "[" MIP[m] "]"
        if (st == 206) return hdr(22, h, "postfix/cleanup[" A[4] "]") q ": message-id=<" A[9] ">"
        if (st == 207) return hdr(22, h, "postfix/qmgr[" QMGR[h] "]") q ": from=<" A[6] ">, size=" A[8] ", nrcpt=" A[12] " (queue active)"
        if (st == 208) return hdr(22, h, "postfix/smtpd[" A[3] "]") "disconnect from " MHN[m] "[" MIP[m] "] ehlo=1 starttls=1 mail=1 rcpt=" A[12] " data=1 quit=1 commands=" (5 + A[12])
        if (st == 209) {
            split(A[7], r, ","); rc = r[A[17]]; tq = A[15]; tm = A[16]; d = CLK - tq; x = d - (tm - tq)
            return hdr(22, h, "postfix/lmtp[" A[14] "]") q ": to=<" rc ">, relay=store01.corp.example.co.jp[10.20.4.31]:24, delay=" fmtd(d) ", delays=" fmtd(tm - tq) "/" fmtd(int(x / 10)) "/" fmtd(int(x / 8)) "/" fmtd(x - int(x / 10) - int(x / 8)) ", dsn=2.0.0, status=sent (250 2.0.0 <" rc "> " b64(22) " Saved)"
        }
        return hdr(22, h, "postfix/qmgr[" QMGR[h] "]") q ": removed"
    }
    if (st < 230) {
        u = A[5]; m = A[7]
        if (st == 220) return hdr(22, h, "postfix/submission/smtpd[" A[3] "]") "connect from pc" sprintf("%04d", A[6]) ".corp.example.co.jp[" CIP[A[6]] "]"
        if (st == 221) return hdr(22, h, "postfix/submission/smtpd[" A[3] "]") "Anonymous TLS connection established from pc" sprintf("%04d", A[6]) ".corp.example.co.jp[" CIP[A[6]] "]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256"
        if (st == 222) return hdr(22, h, "postfix/submission/smtpd[" A[3] "]") q ": client=pc" sprintf("%04d", A[6]) ".corp.example.co.jp[" CIP[A[6]] "], sasl_method=PLAIN, sasl_username=" UN[u]
        if (st == 223) return hdr(22, h, "postfix/cleanup[" A[4] "]") q ": message-id=<" A[9] ">"
        if (st == 224) return hdr(22, h, "postfix/qmgr[" QMGR[h] "]") q ": from=<" UMAIL[u] ">, size=" A[8] ", nrcpt=" A[10] " (queue active)"
        if (st == 225) return hdr(22, h, "postfix/submission/smtpd[" A[3] "]") "disconnect from pc" sprintf("%04d", A[6]) ".corp.example.co.jp[" CIP[A[6]] "] ehlo=2 starttls=1 auth=1 mail=1 rcpt=" A[10] " data=1 quit=1 commands=" (7 + A[10])
        if (st == 226) return hdr(22, h, "postfix/smtp[" A[11] "]") (MRT[m] <= 2 ? "Trusted" : "Untrusted") " TLS connection established to " MMX[m] "[" MMXIP[m] "]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature " (MRT[m] == 1 ? "ECDSA (P-256)" : "RSA-PSS (2048 bits)") " server-digest SHA256"
        if (st == 227) {
            tq = A[12]; tm = A[13]; d = CLK - tq; x = d - (tm - tq)
            rc = MRT[m] == 1 ? "250 2.0.0 OK  " EP " " low(5) aln(2) "-" aln(20) "si" (1000000 + rnd(9000000)) low(3) "." (1 + rnd(999)) " - gsmtp" : MRT[m] == 2 ? "250 2.6.0 <" A[9] "> [InternalId=" (1000000 + rnd(90000000)) rnd(100000) ", Hostname=TY" pick("CP|WP|3P|0P") "R01MB" (1000 + rnd(9000)) ".jpnprd01.prod.outlook.com] " (A[8] + 900 + rnd(400)) " bytes in 0." sprintf("%03d", rnd(400)) ", " rnd(9000) "." sprintf("%03d", rnd(1000)) " KB/sec Queued mail for delivery" : MRT[m] == 3 ? "250 2.0.0 Ok: queued as " HEX(10 + rnd(2)) : "250 OK id=1t" aln(4) "-" sprintf("%06d", rnd(1000000)) "-" aln(2)
            return hdr(22, h, "postfix/smtp[" A[11] "]") q ": to=<" (A[14] == 1 ? MSND[m] : low(3 + rnd(6))) "@" MDOM[m] ">, relay=" MMX[m] "[" MMXIP[m] "]:25, delay=" fmtd(d) ", delays=" fmtd(tm - tq) "/" fmtd(int(x / 20)) "/" fmtd(int(x / 3)) "/" fmtd(x - int(x / 20) - int(x / 3)) ", dsn=" substr(rc, 5, 5) ", status=sent (" rc ")"
        }
        return hdr(22, h, "postfix/qmgr[" QMGR[h] "]") q ": removed"
    }
    # rejects: 1 mx, 2 ip, 3 port, 4 postscreen pid, 5 from, 6 to, 7 helo, 8 smtpd pid, 9 hostile
    if (st == 230) return hdr(22, h, "postfix/postscreen[" PSC[h] "]") "CONNECT from [" A[2] "]:" A[3] " to [" MXPUB[h] "]:25"
    if (st == 231) return hdr(22, h, "postfix/postscreen[" PSC[h] "]") "DNSBL rank " (3 + rnd(5)) " for [" A[2] "]:" A[3]
    if (st == 232) return hdr(22, h, "postfix/postscreen[" PSC[h] "]") "NOQUEUE: reject: RCPT from [" A[2] "]:" A[3] ": 550 5.7.1 Service unavailable; client [" A[2] "] blocked using zen.spamhaus.org; from=<" A[5] ">, to=<" A[6] ">, proto=ESMTP, helo=<" A[7] ">"
    if (st == 233) return hdr(22, h, "postfix/postscreen[" PSC[h] "]") "DISCONNECT [" A[2] "]:" A[3]
    if (st == 234) return hdr(22, h, "postfix/smtpd[" A[8] "]") "connect from unknown[" A[2] "]"
    if (st == 235) return hdr(22, h, "postfix/smtpd[" A[8] "]") "warning: hostname " A[7] " does not resolve to address " A[2] ": Name or service not known"
    if (st == 236) return hdr(22, h, "postfix/smtpd[" A[8] "]") "NOQUEUE: reject: RCPT from unknown[" A[2] "]: 554 5.7.1 <" low(5) "@" MDOM[zipf(8)] ">: Relay access denied; from=<" A[5] "> to=<" low(5) "@" MDOM[zipf(8)] "> proto=ESMTP helo=<" A[7] ">"
    return hdr(22, h, "postfix/smtpd[" A[8] "]") "disconnect from unknown[" A[2] "] ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4"
}

# ============ netfilter (300-399) ============
function kpre(h, tag,   up) {
    if (FWT[h] == 2) { up = CLK + FWBOOT[h]; return "<4>" SYS " " h " kernel: [" sprintf("%d.%06d", int(up / 1000000), up % 1000000) "] " tag }
    return "<4>" SYS " " h " kernel: " tag
}
function intag(h) { return FWT[h] == 1 ? "[UFW BLOCK] " : FWT[h] == 2 ? "nft-drop-in: " : FWT[h] == 3 ? "IPTABLES-INPUT-DROP: " : "filter_IN_public_REJECT: " }
# packet job args: 1 host, 2 tag, 3 text before ID, 4 id, 5 text after ID
function s_scan(   h, b, os, ip, k, i, t, head, tail, spt, dpt, len, win, r, id, n) {
    b = zipf(6); h = FWH[1 + rnd(6)]; os = BOS[b]; ip = BIP[b]; r = rnd(10)
    head = "IN=" FWIF[h] " OUT= MAC=" FWMAC[h] ":" FWGW[h] ":08:00 SRC=" ip " DST=" FWPUB[h] " LEN="
    if (r == 0) {   # ping: one id, growing seq
        id = rnd(65536); n = 1 + rnd(4)
        for (i = 1; i <= n; i++) sched((i - 1) * (1000000 + rnd(3000)), 301, h T intag(h) T head (os == 1 ? 28 : 84) " TOS=0x00 PREC=0x00 TTL=" BTTL[b] T rnd(65536) T (os == 1 ? "" : " DF") " PROTO=ICMP TYPE=8 CODE=0 ID=" id " SEQ=" i)
        return
    }
    if (r <= 2) {   # UDP probe
        k = zipf(17); len = ULEN[k]
        sched(0, 301, h T intag(h) T head (len + 20) " TOS=0x00 PREC=0x00 TTL=" BTTL[b] T rnd(65536) T " PROTO=UDP SPT=" (os == 1 ? 61000 + rnd(4000) : eport(ip)) " DPT=" UPORT[k] " LEN=" len)
        return
    }
    n = os == 1 ? 1 + skew(1, 24) : (rnd(4) ? 1 : 2 + rnd(3)); spt = 40000 + rnd(25000); t = 0
    len = os == 0 ? 60 : os == 3 ? 52 : os == 2 ? 44 : 40; win = os == 0 ? pick("64240|29200|64240") : os == 3 ? 64240 : os == 2 ? 65535 : 1024
    for (i = 1; i <= n; i++) {
        dpt = TPORT[zipf(16)]; if (os != 1) spt = eport(ip)
        head = "IN=" FWIF[h] " OUT= MAC=" FWMAC[h] ":" FWGW[h] ":08:00 SRC=" ip " DST=" FWPUB[h] " LEN=" len " TOS=0x00 PREC=0x00 TTL=" BTTL[b]
        tail = (os == 0 || os == 3 ? " DF" : "") " PROTO=TCP SPT=" spt " DPT=" dpt " WINDOW=" win " RES=0x00 SYN URGP=0"
        id = os == 2 ? 54321 : rnd(65536)
        sched(t, 301, h T intag(h) T head T id T tail)
        if (os == 0 || os == 3) { sched(t + 1000000 + rnd(30000), 301, h T intag(h) T head T (os == 2 ? id : rnd(65536)) T tail); if (rnd(2)) sched(t + 3000000 + rnd(60000), 301, h T intag(h) T head T rnd(65536) T tail) }
        t += os == 1 ? 1000 + rnd(200000) : 200000 + rnd(3000000)
    }
}
function s_fwd(   h, c, s, n, i, t, ip, q) {   # LAN clients through edge01 (logged NEW connections)
    h = "edge01"; c = zipf(1); s = zipf(7); ip = CIP[c]; n = 1 + skew(1, 4); t = 0; q = (s <= 40 && rnd(3) == 0 && COS[c] != 2)
    for (i = 1; i <= n; i++) {
        sched(t, 301, h T "FWD-ACCEPT: " T "IN=" FWLIF[h] " OUT=" FWIF[h] " MAC=" FWLMAC[h] ":" CMAC[c] ":08:00 SRC=" ip " DST=" SIP[s] " LEN=" (q ? 1278 : COS[c] == 0 ? 52 : COS[c] == 1 ? 64 : 60) " TOS=0x00 PREC=0x00 TTL=" (COS[c] == 0 ? 127 : 63) T rnd(65536) T " DF PROTO=" (q ? "UDP SPT=" eport(ip) " DPT=443 LEN=1258" : "TCP SPT=" eport(ip) " DPT=" (rnd(20) ? 443 : 80) " WINDOW=" (COS[c] == 1 ? 65535 : 64240) " RES=0x00 SYN URGP=0"))
        t += rnd(4) ? 1000 + rnd(60000) : 500000 + rnd(20000000)
    }
}
function s_outrej(   h, d, p, i, t, id, head, tail) {   # a server retrying a blocked destination, SYN backoff
    h = "edge02"; d = 1 + rnd(5); id = rnd(60000)
    head = "IN= OUT=" FWIF[h] " SRC=" FWPUB[h] " DST=" OUTD[d] " LEN=60 TOS=0x00 PREC=0x00 TTL=64"
    tail = " DF PROTO=TCP SPT=" eport(FWPUB[h]) " DPT=" OUTP[d] " WINDOW=64240 RES=0x00 SYN URGP=0"
    t = 0; for (i = 0; i < 4; i++) { sched(t + rnd(5000), 301, h T "filter_OUT_public_REJECT: " T head T (id + i) T tail); t += 1000000 * (2 ^ i) }
}
function s_allow(   h, u, ip, t, i, n) {   # remote workers to the gateways (ufw logs allowed new connections)
    h = "gw0" (1 + rnd(2)); u = zipf(3); ip = UHOME[u]; n = 1 + rnd(3); t = 0
    for (i = 1; i <= n; i++) { sched(t, 301, h T "[UFW ALLOW] " T "IN=" FWIF[h] " OUT= MAC=" FWMAC[h] ":" FWGW[h] ":08:00 SRC=" ip " DST=" FWPUB[h] " LEN=60 TOS=0x00 PREC=0x00 TTL=" (50 + (u % 9)) T rnd(65536) T " DF PROTO=TCP SPT=" eport(ip) " DPT=" (u % 3 ? 443 : 22) " WINDOW=64240 RES=0x00 SYN URGP=0"); t += 100000 + rnd(30000000) }
}
function kern(st) { return kpre(A[1], A[2]) A[3] " ID=" A[4] A[5] }

# ============ Cisco ASA (400-499) ============
function ahdr(a, sev, id) { return "<" (160 + sev) ">" ASAD HMS " " ASAH[a] " : %ASA-" sev "-" id ": " }
# tcp args: 1 asa, 2 conn, 3 src, 4 sport, 5 dst, 6 dport, 7 nat ip, 8 nat port, 9 start, 10 bytes, 11 reason, 12 src if, 13 dst if
function s_asaweb(   a, c, s, n, i, t, dur, ip, k) {
    a = 1 + rnd(2); c = zipf(1); s = zipf(7); ip = CIP[c]; n = 1 + skew(1, 4); t = 0
    for (i = 1; i <= n; i++) {
        dur = rnd(10) ? skew(1, 240) * 1000000 + rnd(1000000) : skew(300, 3600) * 1000000
        k = a T (ASAC[a] += 1 + rnd(4)) T ip T eport(ip) T SIP[s] T (rnd(20) ? 443 : 80) T ASANAT[a] T (1024 + rnd(64000)) T (CLK + t) T skew(3000, 2000000) T pick("TCP FINs from inside|TCP FINs from inside|TCP FINs from outside|TCP Reset-I from inside|TCP Reset-O from outside")
        sched(t, 401, k); sched(t + 50 + rnd(200), 402, k); sched(t + dur, 403, k); sched(t + dur + 30000000 + rnd(10000), 404, k)
        t += rnd(3) ? 2000 + rnd(80000) : 1000000 + rnd(10000000)
    }
}
function s_asadns(   a, k, p) {
    a = 1 + rnd(2); p = 1024 + rnd(64000)
    k = a T (ASAC[a] += 1 + rnd(4)) T "10.20.0." (53 + rnd(2)) T p T pick("8.8.8.8|8.8.4.4|1.1.1.1") T 53 T ASANAT[a] T (1024 + rnd(64000)) T CLK T (60 + rnd(400))
    sched(0, 405, k); sched(30 + rnd(100), 406, k); sched(121000000 + rnd(20000), 407, k); sched(151000000 + rnd(20000), 408, k)
}
function s_asain(   a, v, n, i, t, k, dur, ip) {
    a = 1; v = zipf(5); ip = VIP[v]; n = 1 + rnd(3); t = 0
    for (i = 1; i <= n; i++) {
        dur = skew(2, 120) * 1000000 + rnd(1000000)
        k = a T (ASAC[a] += 1 + rnd(4)) T ip T eport(ip) T "10.20.1." (11 + v % 8) T 443 T "203.0.113.10" T 443 T (CLK + t) T skew(2000, 3000000) T pick("TCP FINs from outside|TCP FINs from outside|TCP Reset-O from outside|TCP FINs from dmz")
        sched(t, 409, k); sched(t + dur, 410, k); t += 100 + rnd(200000)
    }
}
function s_asadeny(   a, b, os, ip, k, sp, dp, dst, i, n) {
    a = 1 + rnd(2); b = zipf(6); os = BOS[b]; ip = BIP[b]; n = os == 1 ? 1 + rnd(6) : 1
    for (i = 0; i < n; i++) {
        sp = os == 1 ? 61000 + b % 4000 : eport(ip); dp = TPORT[zipf(16)]; dst = "10.20.1." (11 + rnd(12))
        if (rnd(3)) {
            k = a T ip T sp T dst T dp
            sched(i * (1000 + rnd(100000)), 411, k); if (os == 0 || os == 3) { sched(1000000 + rnd(30000), 411, k); sched(3000000 + rnd(60000), 411, k) }
        } else { k = a T ip T sp T dst T dp T (1 + skew(1, 20)); sched(i * (1000 + rnd(100000)), 412, k); if (rnd(3) == 0) sched(300000000 + rnd(1000000), 413, k) }
    }
}
function s_asavpn(   a, u) { a = 1 + rnd(2); u = zipf(3); sched(0, 414, a T u); sched(2000 + rnd(4000), 415, a T u) }
function asa(st,   a) {
    a = A[1]
    if (st == 401) return ahdr(a, 6, 305011) "Built dynamic TCP translation from inside:" A[3] "/" A[4] " to outside:" A[7] "/" A[8]
    if (st == 402) return ahdr(a, 6, 302013) "Built outbound TCP connection " A[2] " for outside:" A[5] "/" A[6] " (" A[5] "/" A[6] ") to inside:" A[3] "/" A[4] " (" A[7] "/" A[8] ")"
    if (st == 403) return ahdr(a, 6, 302014) "Teardown TCP connection " A[2] " for outside:" A[5] "/" A[6] " to inside:" A[3] "/" A[4] " duration " hms(int((CLK - A[9]) / 1000000)) " bytes " A[10] " " A[11]
    if (st == 404) return ahdr(a, 6, 305012) "Teardown dynamic TCP translation from inside:" A[3] "/" A[4] " to outside:" A[7] "/" A[8] " duration " hms(int((CLK - A[9]) / 1000000))
    if (st == 405) return ahdr(a, 6, 305011) "Built dynamic UDP translation from inside:" A[3] "/" A[4] " to outside:" A[7] "/" A[8]
    if (st == 406) return ahdr(a, 6, 302015) "Built outbound UDP connection " A[2] " for outside:" A[5] "/53 (" A[5] "/53) to inside:" A[3] "/" A[4] " (" A[7] "/" A[8] ")"
    if (st == 407) return ahdr(a, 6, 302016) "Teardown UDP connection " A[2] " for outside:" A[5] "/53 to inside:" A[3] "/" A[4] " duration " hms(int((CLK - A[9]) / 1000000)) " bytes " A[10]
    if (st == 408) return ahdr(a, 6, 305012) "Teardown dynamic UDP translation from inside:" A[3] "/" A[4] " to outside:" A[7] "/" A[8] " duration " hms(int((CLK - A[9]) / 1000000))
    if (st == 409) return ahdr(a, 6, 302013) "Built inbound TCP connection " A[2] " for outside:" A[3] "/" A[4] " (" A[3] "/" A[4] ") to dmz:" A[5] "/443 (" A[7] "/443)"
    if (st == 410) return ahdr(a, 6, 302014) "Teardown TCP connection " A[2] " for outside:" A[3] "/" A[4] " to dmz:" A[5] "/443 duration " hms(int((CLK - A[9]) / 1000000)) " bytes " A[10] " " A[11]
    if (st == 411) return ahdr(a, 4, 106023) "Deny tcp src outside:" A[2] "/" A[3] " dst inside:" A[4] "/" A[5] " by access-group \"outside_access_in\" [0x" ACLI[a] ", 0x0]"
    if (st == 412) return ahdr(a, 6, 106100) "access-list outside_in denied tcp outside/" A[2] "(" A[3] ") -> inside/" A[4] "(" A[5] ") hit-cnt 1 first hit [0x" ACLH[a] ", 0x0]"
    if (st == 413) return ahdr(a, 6, 106100) "access-list outside_in denied tcp outside/" A[2] "(" A[3] ") -> inside/" A[4] "(" A[5] ") hit-cnt " A[6] " 300-second interval [0x" ACLH[a] ", 0x0]"
    if (st == 414) return ahdr(a, 6, 113004) "AAA user authentication Successful : server =  10.20.5.11 : user = " UN[A[2]]
    return ahdr(a, 6, 113008) "AAA transaction status ACCEPT : user = " UN[A[2]]
}

# ============ FortiGate (500-599) ============
function fbase(d, logid, ty, sb, lvl) { return "date=" DATE " time=" HMS " devname=\"" FGN[d] "\" devid=\"" FGD[d] "\" eventtime=" EP sprintf("%06d%03d", US, rnd(1000)) " tz=\"+0900\" logid=\"" logid "\" type=\"" ty "\" subtype=\"" sb "\" level=\"" lvl "\" vd=\"root\" " }
function bclient(d) { return 1400 + (d - 1) * 200 + zipf(2) }
# forward args: 1 dev, 2 client, 3 sport, 4 dst, 5 dport, 6 session, 7 proto, 8 action, 9 policy, 10 service, 11 start, 12 sent, 13 rcvd
function s_fgt(   d, c, s, n, i, t, dur, k, dp) {
    d = 1 + rnd(3); c = bclient(d); s = zipf(7); n = 1 + skew(1, 4); t = 0
    if (rnd(4) == 0) { dur = 180000000 + rnd(2000000); sched(dur, 501, d T c T eport(CIP[c]) T pick("8.8.8.8|8.8.4.4") T 53 T (FGS[d] += 1 + rnd(30)) T 17 T "accept" T 3 T "DNS" T CLK T (60 + rnd(30)) T (80 + rnd(300))); return }
    for (i = 1; i <= n; i++) {
        dur = rnd(8) ? skew(1, 120) * 1000000 + rnd(1000000) : skew(120, 3600) * 1000000; dp = rnd(20) ? 443 : 80
        k = d T c T eport(CIP[c]) T SIP[s] T dp T (FGS[d] += 1 + rnd(30)) T 6 T pick("close|close|close|client-rst|server-rst|timeout") T (dp == 443 ? 1 : 7) T (dp == 443 ? "HTTPS" : "HTTP") T (CLK + t) T skew(800, 200000) T skew(2000, 3000000)
        sched(t + dur, 501, k); t += 1000 + rnd(100000)
    }
}
function s_fgtdeny(   d, b, ip, sp, k, dp) {
    d = 1 + rnd(3); b = zipf(6); ip = BIP[b]; sp = eport(ip); dp = pick("22|443|541|10443|8443|23")
    k = d T ip T sp T dp; sched(0, 502, k); if (BOS[b] == 0 || BOS[b] == 3) { sched(1000000 + rnd(20000), 502, k); sched(3000000 + rnd(40000), 502, k) }
}
function fgt(st,   d) {
    d = A[1]
    if (st == 501) return "<189>" fbase(d, "0000000013", "traffic", "forward", "notice") "srcip=" CIP[A[2]] " srcport=" A[3] " srcintf=\"port1\" srcintfrole=\"lan\" dstip=" A[4] " dstport=" A[5] " dstintf=\"wan1\" dstintfrole=\"wan\" sessionid=" A[6] " proto=" A[7] " action=\"" A[8] "\" policyid=" A[9] " service=\"" A[10] "\" duration=" int((CLK - A[11]) / 1000000) " sentbyte=" A[12] " rcvdbyte=" A[13]
    if (st == 502) return "<189>" fbase(d, "0001000014", "traffic", "local", "notice") "srcip=" A[2] " srcport=" A[3] " srcintf=\"wan1\" dstip=" FGPUB[d] " dstport=" A[4] " sessionid=" (FGS[d] += 1 + rnd(30)) " proto=6 action=\"deny\" policyid=0 policytype=\"local-in-policy\" service=\"" (A[4] == 22 ? "SSH" : A[4] == 23 ? "TELNET" : "HTTPS") "\""
    if (st == 503) return "<188>" fbase(d, "0211008192", "utm", "virus", "warning") "eventtype=\"infected\" msg=\"File is infected.\" action=\"blocked\" service=\"HTTP\" srcip=" CIP[A[2]] " dstip=" A[3] " virus=\"" pick("EICAR_TEST_FILE|W32/Agent.ABC!tr|JS/Miner.BP!tr") "\" url=\"http://" A[4] "/" hex(6) ".exe\""
    return "<189>" fbase(d, "0100032001", "event", "system", "information") "logdesc=\"Admin login successful\" sn=\"" A[3] "\" user=\"" A[2] "\" ui=\"https(" CIP[A[4]] ")\" method=\"https\" srcip=" CIP[A[4]] " dstip=" FGLAN[d] " action=\"login\" status=\"success\" msg=\"Administrator " A[2] " logged in successfully from https(" CIP[A[4]] ")\""
}
function s_fgtrare(   d, s) { d = 1 + rnd(3); if (rnd(3)) { s = zipf(7); sched(0, 503, d T bclient(d) T SIP[s] T SN[s]) } else sched(0, 504, d T pick("admin|fgadmin|" UN[1 + rnd(10)]) T (1700000000 + rnd(90000000)) T bclient(d)) }

# ============ Squid (600-699) ============
# args: 1 proxy, 2 client, 3 user, 4 method, 5 url, 6 code, 7 bytes, 8 hier, 9 type, 10 elapsed ms
function s_squid(   c, px, s, u, n, i, t, k, r) {
    c = zipf(1); px = "proxy0" (1 + c % 2); u = (COWN[c] % 2) ? UN[COWN[c]] : "-"; r = rnd(20)
    if (r == 0) { k = pick("mega.nz|www.dropbox.com|pastebin.com|transfer.sh|anonfiles.com"); n = 1 + rnd(4)
        for (i = 0; i < n; i++) sched(i * (200000 + rnd(3000000)), 601, px T c T u T "CONNECT" T k ":443" T "TCP_DENIED/403" T (3900 + rnd(20)) T "HIER_NONE/-" T "text/html" T 0); return }
    if (r <= 2) { n = 1 + rnd(3); for (i = 0; i < n; i++) sched(i * (1000 + rnd(90000)), 601, px T c T u T "GET" T pick("http://ocsp.digicert.com/MFEwTzBNMEswSTAJBgUrDgMCGgUABBSAUQYBMq2awn1Rh6Doh%2FsBYgFV7gQUA95QNVbRTLtm8KPiGxvDl7I90VUCEA" hex(22) "|http://ctldl.windowsupdate.com/msdownload/update/v3/static/trustedr/en/authrootstl.cab?" hex(16) "|http://deb.debian.org/debian/pool/main/o/openssl/libssl3_3.0.15-1~deb12u1_amd64.deb|http://security.debian.org/debian-security/dists/bookworm-security/InRelease|http://ocsp.pki.goog/gts1c3/MFIwUDBOMEwwSjAJBgUrDgMCGgUABBTHLnmK3f9hNLO67UdCuLvGwCQHYwQUinR%2F" hex(20)) T pick("TCP_MISS/200|TCP_MISS/200|TCP_HIT/200|TCP_MEM_HIT/200|TCP_REFRESH_UNMODIFIED/304") T skew(300, 60000) T "HIER_DIRECT/" pick("93.184.220.29|23.216.77.198|151.101.110.132|142.250.196.99") T pick("application/ocsp-response|application/vnd.ms-cab-compressed|application/octet-stream|application/pgp-signature") T skew(5, 400)); return }
    s = zipf(7); n = rnd(3) ? 1 + rnd(5) : 1; t = 0
    sched(0, 601, px T c T u T "CONNECT" T SN[s] ":443" T "TCP_TUNNEL/200" T skew(4000, 3000000) T "HIER_DIRECT/" SIP[s] T "-" T skew(60, 120000))
    for (i = 2; i <= n; i++) { t += 20000 + rnd(2000000); k = COMP[1 + rnd(8)]; sched(t, 601, px T c T u T "CONNECT" T k ":443" T "TCP_TUNNEL/200" T skew(2000, 300000) T "HIER_DIRECT/" CMPIP[k] T "-" T skew(40, 60000)) }
}
function squid(st) { return "<166>" SYS " " A[1] " squid[" SQP[A[1]] "]: " EP "." sprintf("%03d", int(US / 1000)) sprintf("%7d", A[10]) " " CIP[A[2]] " " A[6] " " A[7] " " A[4] " " A[5] " " A[3] " " A[8] " " A[9] }

# ============ nginx / apache access (700-799) ============
# request args: 1 host, 2 ip, 3 user, 4 method, 5 path, 6 proto, 7 status, 8 size, 9 referer, 10 ua
function req(dt, h, ip, m, p, pr, code, size, ref, ua) { sched(dt, 701, h T ip T "-" T m T p T pr T code T size T ref T ua) }
function web(st,   h) {
    if (st == 701) { h = A[1]; return "<190>" SYS " " h " " (ROLE[h] == "shop" ? "nginx" : "apache2") ": " A[2] " - " A[3] " [" NGXD HMS " +0900] \"" A[4] " " A[5] " " A[6] "\" " A[7] " " A[8] " \"" A[9] "\" \"" A[10] "\"" }
    if (st == 702) return pageview()
    if (st == 703) return apicall()
    h = A[1]; sched(10000000, 710, JA[CUR])
    return "<190>" SYS " " h " " (ROLE[h] == "shop" ? "nginx" : "apache2") ": " A[2] " - - [" NGXD HMS " +0900] \"GET /health HTTP/1.1\" 200 15 \"-\" \"-\""
}
# visit args: 1 host, 2 visitor, 3 page views left, 4 previous url, 5 shop (1) or corporate (0), 6 assets cached
function s_visit(   v, shop, h) {
    v = zipf(5)
    if (UA[VUA[v]] ~ /^ShopApp/) { sched(0, 703, "web0" (1 + v % 8) T v T (3 + skew(1, 12))); return }
    shop = rnd(7) != 0; h = shop ? "web0" (1 + v % 8) : "web" sprintf("%02d", 9 + v % 4)
    sched(0, 702, h T v T (rnd(3) ? 1 + skew(1, 6) : 1) T pick("-|-|https://www.google.com/|https://www.google.co.jp/|https://search.yahoo.co.jp/|https://www.instagram.com/|https://t.co/" aln(10)) T shop T (v in SEEN))
}
function pageview(   h, v, ip, ua, shop, p, k, size, url, i, a, base, t, n, pid) {
    h = A[1]; v = A[2]; ip = VIP[v]; ua = UA[VUA[v]]; shop = A[5]; SEEN[v] = 1
    base = shop ? "https://shop.example.com" : "https://www.example.co.jp"
    if (shop) {
        k = rnd(20); pid = zipf(10)
        if (k < 9 || A[4] ~ /google|yahoo|instagram|t\.co/ && k < 14) { p = "/products/" (100000 + pid); size = PSZ[pid] + rnd(40) }
        else if (k < 12) { p = "/category/" CATS[zipf(12)] (rnd(3) ? "" : "?page=" (2 + rnd(5))); size = 41000 + rnd(9000) }
        else if (k < 15) { p = "/search?q=" TERMS[zipf(13)] (rnd(4) ? "" : "&page=" (2 + rnd(3))); size = 36000 + rnd(12000) }
        else if (k < 17) { p = "/"; size = 52311 + rnd(60) }
        else if (k < 18) { p = "/cart"; size = 18000 + rnd(4000) }
        else if (k < 19) { req(0, h, ip, "POST", "/cart/add", "HTTP/2.0", 302, 0, base "/products/" (100000 + pid), ua); p = "/cart"; size = 19000 + rnd(4000) }
        else { p = "/login"; size = 14873 }
    } else { k = zipf(11); p = CORPP[k]; size = CORPS[k] }
    url = base p
    if (!A[6]) {   # first view: the page's assets
        n = shop ? 7 : 6; t = 30000 + rnd(60000)
        for (i = 1; i <= n; i++) { split(shop ? SHOPA[i] : CORPA[i], a, " "); req(t, h, ip, "GET", a[1], shop ? "HTTP/2.0" : "HTTP/1.1", 200, a[2], i == 4 && shop ? base SHOPCSS : url, ua); t += 1000 + rnd(40000) }
    } else t = 20000 + rnd(40000)
    if (shop && p ~ /^\/products\//) { req(t + rnd(30000), h, ip, "GET", "/images/products/" (100000 + pid) "/main.jpg", "HTTP/2.0", 200, PIMG[pid], url, ua)
        req(t + 50000 + rnd(100000), h, ip, "GET", "/api/v1/recommendations?item=" (100000 + pid), "HTTP/2.0", 200, 2400 + rnd(3000), url, ua) }
    if (shop && rnd(3) == 0) req(t + 60000 + rnd(200000), h, ip, "GET", "/api/v1/cart", "HTTP/2.0", 200, 120 + rnd(1500), url, ua)
    if (A[3] > 1) sched(3000000 + skew(1, 60) * 1000000, 702, h T v T (A[3] - 1) T url T shop T 1)
    return "<190>" SYS " " h " " (shop ? "nginx" : "apache2") ": " ip " - - [" NGXD HMS " +0900] \"GET " p " " (shop ? "HTTP/2.0" : "HTTP/1.1") "\" 200 " size " \"" A[4] "\" \"" ua "\""
}
function apicall(   h, v, ip, k, p, m, code, size, pid) {
    h = A[1]; v = A[2]; ip = VIP[v]; k = rnd(12); m = "GET"; code = 200; pid = zipf(10)
    if (k < 4) { p = "/api/v1/products?category=" CATS[zipf(12)] "&page=" (1 + rnd(3)); size = 9000 + rnd(20000) }
    else if (k < 8) { p = "/api/v1/products/" (100000 + pid); size = int(PSZ[pid] / 8) }
    else if (k < 9) { p = "/api/v1/cart"; size = 150 + rnd(2000) }
    else if (k < 10) { p = "/api/v1/cart/items"; m = "POST"; code = 201; size = 342 + rnd(10) }
    else if (k < 11) { p = "/api/v1/home/banners"; size = 4127 }
    else { p = "/api/v1/auth/refresh"; m = "POST"; size = 512 }
    if (A[3] > 1) sched(500000 + skew(1, 20) * 1000000, 703, h T v T (A[3] - 1))
    return "<190>" SYS " " h " nginx: " ip " - - [" NGXD HMS " +0900] \"" m " " p " HTTP/2.0\" " code " " size " \"-\" \"" UA[VUA[v]] "\""
}
function s_crawl(   c, h, n, i, t, pid) {
    c = 1 + rnd(NCRAWL); h = "web0" (1 + rnd(8)); n = 3 + skew(1, 30); t = 0
    if (rnd(4) == 0) req(0, h, CRIP[c], "GET", "/robots.txt", "HTTP/1.1", 200, 312, "-", CRUA[c])
    for (i = 1; i <= n; i++) { t += 500000 + rnd(5000000); pid = 1 + rnd(5000); req(t, h, CRIP[c], "GET", "/products/" (100000 + pid), "HTTP/1.1", rnd(60) ? 200 : 404, PSZ[pid] + rnd(40), "-", CRUA[c]) }
}
function s_webscan(   b, h, n, i, t, k, ua, ip, shop) {
    b = zipf(6); ip = BIP[b]; h = "web" sprintf("%02d", 1 + rnd(12)); shop = ROLE[h] == "shop"; n = 3 + skew(1, 20); k = rnd(NSCANP); t = 0
    ua = pick("Mozilla/5.0 zgrab/0.x|python-requests/2.31.0|Go-http-client/1.1|curl/8.5.0|Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36|Mozilla/5.0 (compatible; CensysInspect/1.1; +https://about.censys.io/)|Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0")
    for (i = 0; i < n; i++) { k = k % NSCANP + 1; req(t, h, ip, SCANP[k] ~ /xmlrpc|formLogin/ ? "POST" : "GET", SCANP[k], "HTTP/1.1", SCANP[k] == "/robots.txt" ? 200 : 404, SCANP[k] == "/robots.txt" ? 312 : shop ? 153 : 196, "-", ua); t += 30000 + rnd(800000) }
}

# ============ OpenLDAP slapd (800-899) ============
# args: 1 server, 2 conn, 3 fd, 4 client ip, 5 port, 6 bind dn, 7 uid searched, 8 bind err, 9 op, 10 kind
function s_ldap(   l, k, ip, u, dn, err, a, t, i, n, op) {
    l = "ldap0" (1 + rnd(3)); k = rnd(10); u = UN[zipf(3)]; err = 0
    if (k < 6) { ip = HIP[LNX[1 + rnd(NLNX)]]; dn = "cn=sssd,ou=services,dc=example,dc=co,dc=jp" }
    else if (k < 8) { ip = HIP["radius0" (1 + rnd(2))]; dn = "uid=" u ",ou=people,dc=example,dc=co,dc=jp"; err = rnd(15) ? 0 : 49 }
    else { ip = HIP[pick("mx01|mx02|app15|app16|app17|app18|ci01")]; dn = "cn=" pick("postfix|authapi|jenkins|gitlab") ",ou=services,dc=example,dc=co,dc=jp" }
    a = l T (++SLC[l]) T (12 + rnd(40)) T ip T eport(ip) T dn T u T err
    t = 0; sched(t, 801, a T 0)
    t += 300 + rnd(2000); sched(t, 802, a T 0); t += 100 + rnd(300); sched(t, 803, a T 0); t += 50 + rnd(100); sched(t, 804, a T 0); t += 2000 + rnd(4000); sched(t, 805, a T 0)
    t += 300 + rnd(2000); sched(t, 806, a T 1); t += 100 + rnd(300); sched(t, 807, a T 1); t += 100 + rnd(400); sched(t, 808, a T 1)
    op = 2
    if (!err) { n = k < 6 ? 1 + rnd(3) : k < 8 ? 0 : 1
        for (i = 0; i < n; i++) { t += 500 + rnd(20000); sched(t, 809, a T op); t += 20 + rnd(50); sched(t, 810, a T op); t += 200 + rnd(3000); sched(t, 811, a T op); op++ } }
    t += 500 + rnd(5000); sched(t, 812, a T op); t += 50 + rnd(200); sched(t, 813, a T op)
}
function ldap(st,   p, c) {
    p = hdr(167, A[1], "slapd[" SLP[A[1]] "]") "conn=" A[2]; c = " op=" A[9]
    if (st == 801) return p " fd=" A[3] " ACCEPT from IP=" A[4] ":" A[5] " (IP=0.0.0.0:389)"
    if (st == 802) return p c " EXT oid=1.3.6.1.4.1.1466.20037"
    if (st == 803) return p c " STARTTLS"
    if (st == 804) return p c " RESULT oid= err=0 qtime=0.0000" sprintf("%02d", 8 + rnd(40)) " etime=0.000" sprintf("%03d", 40 + rnd(200)) " text="
    if (st == 805) return p " fd=" A[3] " TLS established tls_ssf=256 ssf=256 tls_proto=TLSv1.3 tls_cipher=TLS_AES_256_GCM_SHA384"
    if (st == 806) return p c " BIND dn=\"" A[6] "\" method=128"
    if (st == 807) return p c " BIND dn=\"" A[6] "\" mech=SIMPLE bind_ssf=0 ssf=256"
    if (st == 808) return p c " RESULT tag=97 err=" A[8] " qtime=0.0000" sprintf("%02d", 8 + rnd(40)) " etime=0.00" sprintf("%04d", 100 + rnd(3000)) " text=" (A[8] ? "invalid credentials" : "")
    if (st == 809) return p c " SRCH base=\"" (rnd(3) ? "ou=people" : "ou=groups") ",dc=example,dc=co,dc=jp\" scope=2 deref=0 filter=\"(&(objectClass=" (rnd(3) ? "posixAccount)(uid=" : "posixGroup)(memberUid=") A[7] "))\""
    if (st == 810) return p c " SRCH attr=" pick("uid uidNumber gidNumber homeDirectory loginShell gecos objectClass|cn gidNumber memberUid objectClass|mail uid cn")
    if (st == 811) return p c " SEARCH RESULT tag=101 err=0 qtime=0.0000" sprintf("%02d", 8 + rnd(40)) " etime=0.000" sprintf("%03d", 100 + rnd(900)) " nentries=" (rnd(8) ? 1 : 0) " text="
    if (st == 812) return p c " UNBIND"
    return p " fd=" A[3] " closed"
}

# ============ FreeRADIUS (900-999) ============
# args: 1 server, 2 user, 3 kind (0 wifi ok, 1 wifi typo then ok, 2 vpn ok, 3 vpn bad password, 4 unknown user)
function s_radius(   r, u, k) { r = "radius0" (1 + rnd(2)); u = zipf(3); k = rnd(20); k = k < 14 ? 0 : k < 16 ? 1 : k < 18 ? 2 : k < 19 ? 3 : 4; sched(0, 901, r T u T k T (k == 4 ? pick("admin|test|vpn|guest|user|support|cisco") : "") T BIP[zipf(6)]) }
function radius(st,   r, u, k, n, p, ap) {
    r = A[1]; u = A[2]; k = A[3]; p = hdr(29, r, "radiusd[" RDP[r] "]"); ap = "ap-" sprintf("%02d", UAP[u])
    if (st == 901) {
        n = (RADN[r] += 6 + rnd(5))
        if (k == 0) { sched(1000 + rnd(3000), 902, JA[CUR] T n); return p "(" n ") Login OK: [" UN[u] "] (from client " ap " port 0 via TLS tunnel)" }
        if (k == 1) { sched(4000000 + rnd(15000000), 901, r T u T 0); sched(800 + rnd(2000), 903, JA[CUR] T n); return p "(" n ") Login incorrect (mschap: MS-CHAP2-Response is incorrect): [" UN[u] "] (from client " ap " port 0 via TLS tunnel)" }
        if (k == 2) return p "(" n ") Login OK: [" UN[u] "] (from client vpn-gw port " (1 + rnd(200)) " cli " UHOME[u] ")"
        if (k == 3) { sched(3000000 + rnd(10000000), 901, r T u T 2); return p "(" n ") Login incorrect (pap: Cleartext password does not match \"known good\" password): [" UN[u] "] (from client vpn-gw port " (1 + rnd(200)) " cli " UHOME[u] ")" }
        if (rnd(3)) sched(1000000 + rnd(4000000), 901, JA[CUR])
        return p "(" n ") Login incorrect (No Auth-Type found: rejecting the user via Post-Auth-Type = Reject): [" A[4] "] (from client vpn-gw port 0 cli " A[5] ")"
    }
    if (st == 902) return p "(" A[6] ") Login OK: [" UN[u] "] (from client " ap " port 0 cli " UWIFI[u] ")"
    return p "(" A[6] ") Login incorrect (mschap: MS-CHAP2-Response is incorrect): [" UN[u] "] (from client " ap " port 0 cli " UWIFI[u] ")"
}

# ============ ClamAV (1000-1099) ============
function s_files(   u, n, i, t, d) { u = zipf(3); n = 1 + skew(1, 12); t = 0; d = pick("sales|dev|hr|finance|design|common|legal")
    for (i = 1; i <= n; i++) { sched(t, 1002, u T d T pick("quote_2026" sprintf("%03d", rnd(1000)) ".xlsx|IMG_" (1000 + rnd(9000)) ".JPG|report_" substr(DATE, 1, 4) substr(DATE, 6, 2) substr(DATE, 9, 2) ".docx|minutes_" rnd(100) ".docx|budget_FY2027_v" (1 + rnd(9)) ".xlsx|design_" hex(4) ".pdf|scan_" (100000 + rnd(900000)) ".pdf|slides_" rnd(50) ".pptx")); t += 20000 + rnd(600000) } }
function clam(st,   h, r) {
    if (st == 1001) {
        h = A[1]; split(A[7], r, ",")
        if (rnd(400) == 0) return hdr(22, h, "clamav-milter[" A[13] "]") "Message " A[2] " from <" A[6] "> to <" r[1] "> with subject '" SUBJA[A[10]] "' message-id '<" A[9] ">' date '" MAILD HMS " +0900' infected by " pick("Doc.Dropper.Agent-" (6000000 + rnd(900000)) "|Win.Trojan.Agent-" (9000000 + rnd(900000)) "|Html.Phishing.Bank-" (7000000 + rnd(99000)))
        return hdr(22, h, "clamav-milter[" A[13] "]") "Clean message " A[2] " from <" A[6] "> to <" r[1] "> with subject '" SUBJA[A[10]] "' message-id '<" A[9] ">' date '" MAILD HMS " +0900'"
    }
    if (st == 1002) return hdr(30, "files01", "clamd[" CLD["files01"] "]") "/srv/share/" A[2] "/" UN[A[1]] "/" A[3] ": OK"
    h = A[1]
    if (st == 1003) { sched(600000000, 1003, h); return hdr(30, h, "clamd[" CLD[h] "]") "SelfCheck: Database status OK." }
    if (st == 1004) { sched(3600000000, 1004, h); FCP[h] = newpid(h); sched(800000 + rnd(400000), 1005, h); sched(900000 + rnd(400000), 1006, h); sched(1000000 + rnd(400000), 1007, h)
        return hdr(30, h, "freshclam[" FCP[h] "]") "ClamAV update process started at " DOW " " SYSD HMS " " YEAR }
    if (st == 1005) { if (CLK >= DAILYT && !(h in DAILYD)) { DAILYD[h] = 1; sched(3000000 + rnd(1000000), 1008, h); sched(3100000 + rnd(1000000), 1009, h); sched(3500000 + rnd(1000000), 1010, h); sched(4500000 + rnd(1000000), 1011, h)
            return hdr(30, h, "freshclam[" FCP[h] "]") "daily.cld updated (version: " (DAILYV + 1) ", sigs: " (DAILYS + 1700 + rnd(10)) ", f-level: 90, builder: raynman)" }
        return hdr(30, h, "freshclam[" FCP[h] "]") "daily.cld database is up-to-date (version: " (DAILYV + (h in DAILYD)) ", sigs: " (DAILYS + (h in DAILYD) * 1703) ", f-level: 90, builder: raynman)" }
    if (st == 1006) return hdr(30, h, "freshclam[" FCP[h] "]") "main.cvd database is up-to-date (version: 62, sigs: 6647427, f-level: 90, builder: sigmgr)"
    if (st == 1007) return hdr(30, h, "freshclam[" FCP[h] "]") "bytecode.cvd database is up-to-date (version: 335, sigs: 86, f-level: 90, builder: raynman)"
    if (st == 1008) return hdr(30, h, "freshclam[" FCP[h] "]") "Database test passed."
    if (st == 1009) return hdr(30, h, "freshclam[" FCP[h] "]") "Clamd successfully notified about the update."
    if (st == 1010) return hdr(30, h, "clamd[" CLD[h] "]") "SelfCheck: Database modification detected. Forcing reload."
    return hdr(30, h, "clamd[" CLD[h] "]") "Database correctly reloaded (" (8721000 + DAILYS % 10000 + 1703) " signatures)"
}

# ============ PostgreSQL (1100-1199) ============
# args: 1 db, 2 pid, 3 seq, 4 user, 5 database, 6 app, 7 client, 8 port, 9 start, 10 sql
function pp(ln) { return hdr(134, A[1], "postgres[" A[2] "]") "[" A[3] "-" ln "] user=" A[4] ",db=" A[5] ",app=" A[6] ",client=" A[7] " " }
function s_pg(   d, k, u, db, ap, ip, a, t, n, i, dur, seq, p, base) {
    d = "db0" (1 + rnd(4)); k = rnd(10); p = newpid(d)
    if (k < 6) { u = "app"; db = pick("appdb|appdb|billing|inventory"); ap = pick("PostgreSQL JDBC Driver|orders|billing"); ip = HIP["app" sprintf("%02d", 1 + rnd(20))]; dur = skew(1, 600) * 1000000 }
    else if (k < 8) { u = "report"; db = "appdb"; ap = "metabase"; ip = HIP["batch0" (1 + rnd(2))]; dur = skew(5, 300) * 1000000 }
    else { u = UN[zipf(3)]; db = pick("appdb|billing|inventory"); ap = "psql"; ip = HIP["bastion0" (1 + rnd(2))]; dur = skew(20, 1800) * 1000000 }
    base = d T p; t = 0; seq = 1
    sched(t, 1101, base T seq T "[unknown]" T "[unknown]" T "[unknown]" T ip T eport(ip) T CLK); seq++
    a = d T p T "%" T u T db T ap T ip T EPT[ip] T CLK
    t += 3000 + rnd(8000); sched(t, 1102, a T seq); seq++
    n = rnd(3) ? 0 : 1 + rnd(3)
    for (i = 0; i < n; i++) { t += rnd(int(dur / (n + 1))) + 1; sched(t, 1103, a T seq T zipf(15)); seq++; if (rnd(6) == 0) { sched(t + 200 + rnd(3000), 1104, a T seq); seq++ } }
    sched((t > dur ? t : dur) + 20000 + rnd(5000), 1105, a T seq)
}
function pg(st,   x, d) {
    if (st > 1101 && st < 1110) A[3] = A[10]
    if (st == 1101) return pp(1) "LOG:  connection received: host=" A[7] " port=" A[8]
    if (st == 1102) return pp(1) "LOG:  connection authorized: user=" A[4] " database=" A[5] " application_name=" A[6]
    if (st == 1103) { x = rnd(5000) + (A[11] == 10 ? 200000 : A[11] == 9 ? 30000 : 300)
        return pp(1) "LOG:  duration: " int(x) "." sprintf("%03d", rnd(1000)) " ms  " (A[6] == "psql" ? "statement: " : "execute S_" (1 + A[11]) ": ") SQL[A[11]] }
    if (st == 1104) return pp(1) "ERROR:  duplicate key value violates unique constraint \"order_items_pkey\""
    if (st == 1105) { x = int((CLK - A[9]) / 1000); return pp(1) "LOG:  disconnection: session time: " int(x / 3600000) ":" sprintf("%02d:%02d.%03d", int(x / 60000) % 60, int(x / 1000) % 60, x % 1000) " user=" A[4] " database=" A[5] " host=" A[7] " port=" A[8] }
    d = A[1]
    if (st == 1110) { sched(300000000, 1110, d); sched(30000000 + rnd(240000000), 1111, d); return hdr(134, d, "postgres[" CKP[d] "]") "[" (++CKS[d]) "-1] user=,db=,app=,client= LOG:  checkpoint starting: time" }
    if (st == 1111) { x = 200 + skew(10, 4000); return hdr(134, d, "postgres[" CKP[d] "]") "[" (++CKS[d]) "-1] user=,db=,app=,client= LOG:  checkpoint complete: wrote " x " buffers (" int(x * 100 / 16384) "." (int(x * 1000 / 16384) % 10) "%); 0 WAL file(s) added, 0 removed, " (1 + rnd(3)) " recycled; write=" (26 + rnd(240)) "." sprintf("%03d", rnd(1000)) " s, sync=0." sprintf("%03d", rnd(200)) " s, total=" (27 + rnd(240)) "." sprintf("%03d", rnd(1000)) " s; sync files=" (5 + rnd(60)) ", longest=0." sprintf("%03d", rnd(100)) " s, average=0.00" rnd(10) " s; distance=" (x * 8 + rnd(20000)) " kB, estimate=" (40000 + rnd(40000)) " kB" }
    # monitor with a stale password, every minute: 1 db, 2 pid, 3 seq
    if (st == 1120) { sched(60000000, 1120, d); MONP = newpid(d); sched(1500 + rnd(2000), 1121, d T MONP); sched(2000 + rnd(2000) + 2000, 1122, d T MONP)
        return hdr(134, d, "postgres[" MONP "]") "[1-1] user=[unknown],db=[unknown],app=[unknown],client=10.20.7.22 LOG:  connection received: host=10.20.7.22 port=" eport("10.20.7.22") }
    if (st == 1121) return hdr(134, d, "postgres[" A[2] "]") "[2-1] user=monitor,db=postgres,app=[unknown],client=10.20.7.22 FATAL:  password authentication failed for user \"monitor\""
    return hdr(134, d, "postgres[" A[2] "]") "[2-2] user=monitor,db=postgres,app=[unknown],client=10.20.7.22 DETAIL:  Connection matched pg_hba.conf line 99: \"host all all 10.20.0.0/16 scram-sha-256\""
}

# ============ Suricata (1200-1299) ============
function flowid() { FLOWL += 1 + rnd(2097152); if (FLOWL >= 1000000000) { FLOWH++; FLOWL -= 1000000000 }; return FLOWH sprintf("%09d", FLOWL) }
function shdr(ids, f) { return hdr(173, ids, "suricata[" SUR[ids] "]") "{\"timestamp\":\"" isosur() "\",\"flow_id\":" f ",\"in_iface\":\"" (ids == "ids01" ? "eth1" : "eth2") "\",\"event_type\":" }
# dns args: 1 ids, 2 flow, 3 client, 4 port, 5 resolver, 6 id, 7 site, 8 rrtype
function s_suri(   r, c, s, f, k, dur, b, ip, g, n, i, dp) {
    r = rnd(10); f = flowid()
    if (r < 4) { c = zipf(1); s = zipf(7); k = "ids01" T f T CIP[c] T (1024 + rnd(64000)) T "10.20.0." (53 + rnd(2)) T rnd(65536) T s T (rnd(4) ? "A" : "AAAA")
        sched(0, 1201, k); sched(300 + (rnd(3) ? rnd(2000) : rnd(120000)), 1202, k); return }
    if (r < 8) { c = zipf(1); s = zipf(7); dur = skew(1, 300) * 1000000 + rnd(1000000)
        k = "ids01" T f T CIP[c] T eport(CIP[c]) T SIP[s] T 443 T s T skew(10, 2000) T skew(10, 4000) T CLK
        sched(40000 + rnd(100000), 1203, k); sched(dur + 60000000 + rnd(1000000), 1204, k); return }
    b = zipf(6); ip = BIP[b]; g = zipf(18); n = BOS[b] == 1 ? 1 + rnd(8) : 1 + rnd(2)
    for (i = 0; i < n; i++) {
        if (i) f = flowid(); dp = SDP[g]
        k = "ids02" T f T ip T (BOS[b] == 1 ? 61000 + b % 4000 : eport(ip)) T "203.0.113." (10 + rnd(20)) T dp T g T (1 + rnd(4)) T (1 + rnd(3)) T CLK
        sched(i * (5000 + rnd(2000000)), 1205, k); sched(i * 2000000 + 60000000 + rnd(2000000), 1206, k)
    }
}
function suri(st,   p, s, x, xa) {
    p = shdr(A[1], A[2])
    if (st == 1201) return p "\"dns\",\"src_ip\":\"" A[3] "\",\"src_port\":" A[4] ",\"dest_ip\":\"" A[5] "\",\"dest_port\":53,\"proto\":\"UDP\",\"dns\":{\"type\":\"query\",\"id\":" A[6] ",\"rrname\":\"" SN[A[7]] "\",\"rrtype\":\"" A[8] "\",\"tx_id\":0,\"opcode\":0}}"
    if (st == 1202) return p "\"dns\",\"src_ip\":\"" A[5] "\",\"src_port\":53,\"dest_ip\":\"" A[3] "\",\"dest_port\":" A[4] ",\"proto\":\"UDP\",\"dns\":{\"version\":2,\"type\":\"answer\",\"id\":" A[6] ",\"flags\":\"8180\",\"qr\":true,\"rd\":true,\"ra\":true,\"opcode\":0,\"rrname\":\"" SN[A[7]] "\",\"rrtype\":\"" A[8] "\",\"rcode\":\"NOERROR\"" (A[8] == "A" ? ",\"answers\":[{\"rrname\":\"" SN[A[7]] "\",\"rrtype\":\"A\",\"ttl\":" (1 + rnd(300)) ",\"rdata\":\"" SIP[A[7]] "\"}]" : "") "}}"
    if (st == 1203) { s = A[7]; return p "\"tls\",\"src_ip\":\"" A[3] "\",\"src_port\":" A[4] ",\"dest_ip\":\"" A[5] "\",\"dest_port\":443,\"proto\":\"TCP\",\"tls\":{\"subject\":\"CN=" SN[s] "\",\"issuerdn\":\"" SISS[s] "\",\"sni\":\"" SN[s] "\",\"version\":\"TLS 1.3\",\"ja3s\":{\"hash\":\"" JA3S[s % 4 + 1] "\"}}}" }
    if (st == 1204) { x = int((CLK - A[10]) / 1000000); return p "\"flow\",\"src_ip\":\"" A[3] "\",\"src_port\":" A[4] ",\"dest_ip\":\"" A[5] "\",\"dest_port\":443,\"proto\":\"TCP\",\"app_proto\":\"tls\",\"flow\":{\"pkts_toserver\":" A[8] ",\"pkts_toclient\":" A[9] ",\"bytes_toserver\":" (A[8] * 90 + rnd(A[8] * 40)) ",\"bytes_toclient\":" (A[9] * 1200 + rnd(A[9] * 200)) ",\"age\":" x ",\"state\":\"closed\",\"reason\":\"timeout\",\"alerted\":false}}" }
    if (st == 1205) { s = A[7]; split(SIG[s], xa, " "); return p "\"alert\",\"src_ip\":\"" A[3] "\",\"src_port\":" A[4] ",\"dest_ip\":\"" A[5] "\",\"dest_port\":" A[6] ",\"proto\":\"TCP\",\"alert\":{\"action\":\"allowed\",\"gid\":1,\"signature_id\":" xa[1] ",\"rev\":" SREV[s] ",\"signature\":\"" substr(SIG[s], length(xa[1]) + 2) "\",\"category\":\"" SCAT[s] "\",\"severity\":" SSEV[s] "}}" }
    return p "\"flow\",\"src_ip\":\"" A[3] "\",\"src_port\":" A[4] ",\"dest_ip\":\"" A[5] "\",\"dest_port\":" A[6] ",\"proto\":\"TCP\",\"flow\":{\"pkts_toserver\":" A[8] ",\"pkts_toclient\":" (A[9] - 1) ",\"bytes_toserver\":" (A[8] * 60) ",\"bytes_toclient\":" ((A[9] - 1) * 54) ",\"age\":" int((CLK - A[10]) / 1000000) ",\"state\":\"" (A[9] > 1 ? "established" : "new") "\",\"reason\":\"timeout\",\"alerted\":true}}"
}

# ============ generic: applications, cron, systemd, dhclient, dockerd (1300-1399) ============
function a5424(h, app, mid) { return "<165>1 " iso5424() " " h " " app " " APPP[h] " " mid " [meta sequenceId=\"" (++APPSEQ[h]) "\" sysUpTime=\"" (APPUP[h] + int(CLK / 10000)) "\"] " }
function s_order(   o, c, n, amt, t, h1, h2) {
    o = (ORDERID += 1 + rnd(3)); c = zipf(5); n = 1 + skew(1, 4); amt = 500 * (1 + skew(1, 60)) + 80 * rnd(10)
    h1 = "app" sprintf("%02d", 1 + rnd(8)); h2 = "app" sprintf("%02d", 9 + rnd(6)); t = 200000 + rnd(1500000)
    sched(0, 1310, h1 T o T c T n T amt); sched(t, 1311, h2 T o T c T n T amt); sched(t + 100000 + rnd(300000), 1312, h1 T o T c T n T amt T t)
}
function s_req(   tr, pid, c, n, i, t, h) {   # a request traced across services: same trace id on several hosts
    tr = hex(16); pid = 100000 + zipf(10); c = zipf(5); n = 1 + rnd(3); t = 0
    for (i = 1; i <= n; i++) { h = "app" sprintf("%02d", i == 1 ? 1 + rnd(8) : i == 2 ? 15 + rnd(6) : 9 + rnd(6)); sched(t, 1315, h T tr T pid T c T i); t += 1000 + rnd(20000) }
}
function gen(st,   h, u) {
    h = A[1]
    if (st == 1301) return hdr(30, h, "systemd[1]") "Started session-" A[7] ".scope - Session " A[7] " of User " UN[A[4]] "."
    if (st == 1302) return hdr(30, h, "systemd[1]") "session-" A[7] ".scope: Deactivated successfully."
    if (st == 1310) return a5424(h, "orders", "ORD") "order " A[2] " received for customer c" (1000000 + A[3]) " (items=" A[4] ", total=" A[5] " JPY)"
    if (st == 1311) return a5424(h, "billing", "PAY") "payment authorised: order=" A[2] " amount=" A[5] " JPY card=****" sprintf("%04d", (A[3] * 7919) % 10000) " merchant=M" (10000 + A[3] % 90000)
    if (st == 1312) return a5424(h, "orders", "ORD") "order " A[2] " processed for customer c" (1000000 + A[3]) " in " int(A[6] / 1000 + rnd(400)) " ms"
    if (st == 1313) return a5424(h, "auth-api", "AUD") "token refreshed for client_id=" APIC[A[2]] " scope=" APIS[A[2]]
    if (st == 1315) return "<134>1 " iso5424() " " h " java " APPP[h] " - - " (rnd(50) ? "INFO" : "WARN") " [http-nio-8080-exec-" zipf(20) "] c.e.api.RequestLogger - " (A[5] == 1 ? "GET /api/v2/items/" A[3] : A[5] == 2 ? "GET /api/v2/customers/c" (1000000 + A[4]) "/profile" : "POST /api/v2/pricing/quote") " status=" (rnd(100) ? 200 : pick("404|500|503")) " took=" (2 + skew(1, 200)) "ms user=c" (1000000 + A[4]) " trace=" A[2]
    # cron: 1 host, 2 job, 3 due, 4 pid
    if (st == 1330) { u = CJU[h, A[2]]; sched(A[3] + CJP[h, A[2]] - CLK, 1330, h T A[2] T (A[3] + CJP[h, A[2]])); A[4] = newpid(h)
        sched(3000 + rnd(5000), 1331, h T A[2] T 0 T A[4]); sched(80000 + skew(1, 2000) * 1000, 1332, h T A[2] T 0 T A[4])
        return hdr(78, h, "CRON[" A[4] "]") "pam_unix(cron:session): session opened for user " u "(uid=" uidof(u) ") by (uid=0)" }
    if (st == 1331) return hdr(78, h, "CRON[" (A[4] + 1) "]") "(" CJU[h, A[2]] ") CMD (" CJC[h, A[2]] ")"
    if (st == 1332) return hdr(78, h, "CRON[" A[4] "]") "pam_unix(cron:session): session closed for user " CJU[h, A[2]]
    # dhclient renewals: 1 host, 2 xid
    if (st == 1340) { u = "0x" hex(8); sched(2000 + rnd(10000), 1341, h T u); sched(14000 + rnd(10000), 1342, h T u)
        return hdr(30, h, "dhclient[" DHC[h] "]") "DHCPREQUEST for " HIP[h] " on eth0 to 10.20.0.1 port 67 (xid=" u ")" }
    if (st == 1341) return hdr(30, h, "dhclient[" DHC[h] "]") "DHCPACK of " HIP[h] " from 10.20.0.1 (xid=" A[2] ")"
    if (st == 1342) { u = 1500 + rnd(600); sched(u * 1000000, 1340, h); return hdr(30, h, "dhclient[" DHC[h] "]") "bound to " HIP[h] " -- renewal in " u " seconds." }
    if (st == 1350) return hdr(30, h, "dockerd[" DAEMON[h] "]") "time=\"" DATE "T" HMS "." sprintf("%06d", US) "000+09:00\" level=info msg=\"ignoring event\" container=" CONT[h] " module=libcontainerd namespace=moby topic=/tasks/delete type=\"*events.TaskDelete\""
    if (st == 1351) return hdr(30, h, "dockerd[" DAEMON[h] "]") "time=\"" DATE "T" HMS "." sprintf("%06d", US) "000+09:00\" level=warning msg=\"Health check for container " CONT[h] " error: context deadline exceeded\""
    return hdr(30, h, "systemd[1]") A[2]
}
function s_token(   k) { k = zipf(20) % 12 + 1; sched(0, 1313, "app" sprintf("%02d", 15 + rnd(6)) T k) }
function s_misc(   h, r) { h = "app" sprintf("%02d", 1 + rnd(20)); r = rnd(4)
    if (r == 0) sched(0, 1351, h); else if (r == 1) sched(0, 1350, h)
    else { sched(0, 1360, h T "Started docker-" CONT[h] ".scope - libcontainer container " CONT[h] "."); sched(30000 + rnd(100000), 1360, h T "docker-" CONT[h] ".scope: Deactivated successfully.") } }

# ============ fixed daemons, periodic jobs ============
function uidof(u) { return u == "root" ? 0 : u == "www-data" ? 33 : u == "backup" ? 34 : u == "postgres" ? 112 : u == "app" ? 1001 : 1002 }
function cronjob(h, per, off, u, cmd,   k) { k = ++CJN[h]; CJP[h, k] = per * 1000000; CJU[h, k] = u; CJC[h, k] = cmd
    k = h T k T (off * 1000000 + CRJ[h]); sched(off * 1000000 + CRJ[h], 1330, k) }
function daemons(   i, h, a, n, s) {
    for (i = 1; i <= 4; i++) { h = "mx0" i; QMGR[h] = 800 + rnd(3000); PSC[h] = QMGR[h] + 2 + rnd(30); MILT[h] = 600 + rnd(200); CLD[h] = 500 + rnd(100); INO[h] = 10000000 + rnd(5000000) }
    CLD["files01"] = 500 + rnd(100)
    for (i = 1; i <= 3; i++) SLP["ldap0" i] = 700 + rnd(600)
    for (i = 1; i <= 2; i++) { RDP["radius0" i] = 900 + rnd(600); SQP["proxy0" i] = 1100 + rnd(900); SUR["ids0" i] = 1300 + rnd(900) }
    for (i = 1; i <= 4; i++) { h = "db0" i; CKP[h] = 700 + rnd(300); CKS[h] = 2000 + rnd(30000) }
    for (i = 1; i <= 20; i++) { h = "app" sprintf("%02d", i); APPP[h] = 2000 + rnd(30000); CONT[h] = hex(64) }
    for (i = 1; i <= 3; i++) FGLAN[i] = "10." (30 + i) ".0.1"
    for (i = 1; i <= 12; i++) { APIC[i] = hex(16); APIS[i] = pick("read|read write|read write orders|openid profile|read:catalog") }
    NWORD = split("root|admin|test|user|ubuntu|oracle|postgres|pi|root|guest|ftpuser|support|nagios|hadoop|git|minecraft|admin1|root|administrator|temp|steam|deploy|jenkins|dev|devops|ec2-user|centos|debian|mysql|root|www-data|tomcat|user1|test1|ubnt|operator|service|sysadmin|backup|web|root|es|elastic|zabbix|vagrant|ansible|odoo|sonar|root|testuser", WORD, "|")
    for (i = 1; i <= NS; i++) SISS[i] = pick("C=US, O=Let's Encrypt, CN=R11|C=US, O=Google Trust Services, CN=WR2|C=US, O=DigiCert Inc, CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1|C=US, O=Amazon, CN=Amazon RSA 2048 M02|C=US, O=Microsoft Corporation, CN=Microsoft Azure RSA TLS Issuing CA 03|C=US, O=Let's Encrypt, CN=E6")
    split(hex(32) " " hex(32) " " hex(32) " " hex(32), JA3S, " ")
    split("22 80 80 1433 3306 5900 80 80 80 80 23 5060", SDP, " ")
    for (i = 1; i <= NSIG; i++) { SREV[i] = 1 + rnd(12); SCAT[i] = i <= 6 || i == 12 ? "Attempted Information Leak" : i <= 8 ? "Potentially Bad Traffic" : "Attempted Administrator Privilege Gain"; SSEV[i] = i <= 8 ? 2 + rnd(2) : 1 }
    for (i = 1; i <= 5; i++) { OUTD[i] = pubip(); OUTP[i] = pick("443|443|123|8443|9000") }
    for (i = 1; i <= NU; i++) { UHOME[i] = jpip(); UAP[i] = 1 + rnd(24) }
    for (i = 1; i <= 8; i++) CMPIP[COMP[i]] = pick("142.250.196.99|142.250.207.8|104.16.85.20|151.101.1.229|157.240.199.7|142.250.198.2|23.215.0.137|104.17.24.14")
    split(SHOPA[1], a, " "); SHOPCSS = a[1]
    DAILYT = rnd(3000) * 1000000; DAILYV = 27830 + rnd(20); DAILYS = 2071000 + rnd(9000)
}
function periodic(   i, h, r, hs) {
    for (i = 1; i <= 12; i++) { h = "web" sprintf("%02d", i); sched(rnd(10000000), 710, h T "10.20.0.2"); sched(rnd(10000000), 710, h T "10.20.0.3") }
    for (i = 1; i <= 4; i++) { sched(rnd(600000000), 1003, "mx0" i); sched(rnd(3600) * 1000000, 1004, "mx0" i) }
    sched(rnd(600000000), 1003, "files01"); sched(rnd(3600) * 1000000, 1004, "files01")
    for (i = 1; i <= 4; i++) sched(rnd(300000000), 1110, "db0" i)
    sched(rnd(60000000), 1120, "db02")
    split("ci01 ci02 ci03 batch01 batch02", hs, " ")
    for (i = 1; i <= 5; i++) { DHC[hs[i]] = 400 + rnd(300); sched(rnd(1800) * 1000000, 1340, hs[i]) }
    for (i = 1; i <= NLNX; i++) {
        h = LNX[i]; r = ROLE[h]; CRJ[h] = rnd(900000)
        cronjob(h, 600, 300, "root", "command -v debian-sa1 > /dev/null && debian-sa1 1 1")
        cronjob(h, 3600, 1020, "root", "   cd / && run-parts --report /etc/cron.hourly")
        if (r == "app") cronjob(h, 60, 0, "app", "/opt/app/bin/queue-metrics.sh >/dev/null 2>&1")
        else if (r == "shop") cronjob(h, 120, 0, "root", "/usr/local/bin/sync-static.sh --quiet")
        else if (r == "corp") { cronjob(h, 300, 0, "www-data", "/usr/bin/php /var/www/corp/wp-cron.php >/dev/null 2>&1"); cronjob(h, 1800, 540, "root", "[ -x /usr/lib/php/sessionclean ] && if [ ! -d /run/systemd/system ]; then /usr/lib/php/sessionclean; fi") }
        else if (r == "db") cronjob(h, 900, 0, "postgres", "/usr/local/bin/pg_wal_archive_check.sh")
        else if (r == "mx") cronjob(h, 300, 0, "root", "/usr/local/sbin/mailq-alert.sh")
        else if (r == "batch") cronjob(h, 60, 0, "backup", "/opt/backup/bin/run-pending.sh")
        else if (r == "proxy") cronjob(h, 300, 120, "root", "/usr/local/bin/update-blocklist.sh")
    }
}

# ============ scenario mix ============
function weights(   n, i, a, b) {
    n = split("ssh 49|brute 7|probe 74|mailin 63|mailout 27|spam 27|scan 225|fwd 100|outrej 25|allow 50|asaweb 45|asadns 37|asain 19|asadeny 24|asavpn 7|fgt 231|fgtdeny 35|fgtrare 3|squid 267|visit 89|crawl 14|webscan 12|ldap 29|radius 141|files 26|pg 108|suri 204|order 112|req 140|token 33|misc 14", a, "|")
    WTOT = 0; for (i = 1; i <= n; i++) { split(a[i], b, " "); WN[i] = b[1]; WTOT += b[2]; CW[i] = WTOT }; NW = n
}
function start(   r, i) {
    r = rnd(WTOT); for (i = 1; r >= CW[i]; i++); r = WN[i]
    if (r == "ssh") s_ssh(); else if (r == "brute") s_brute(); else if (r == "probe") s_probe()
    else if (r == "mailin") s_mailin(); else if (r == "mailout") s_mailout(); else if (r == "spam") s_spam()
    else if (r == "scan") s_scan(); else if (r == "fwd") s_fwd(); else if (r == "outrej") s_outrej(); else if (r == "allow") s_allow()
    else if (r == "asaweb") s_asaweb(); else if (r == "asadns") s_asadns(); else if (r == "asain") s_asain(); else if (r == "asadeny") s_asadeny(); else if (r == "asavpn") s_asavpn()
    else if (r == "fgt") s_fgt(); else if (r == "fgtdeny") s_fgtdeny(); else if (r == "fgtrare") s_fgtrare()
    else if (r == "squid") s_squid(); else if (r == "visit") s_visit(); else if (r == "crawl") s_crawl(); else if (r == "webscan") s_webscan()
    else if (r == "ldap") s_ldap(); else if (r == "radius") s_radius(); else if (r == "files") s_files(); else if (r == "pg") s_pg()
    else if (r == "suri") s_suri(); else if (r == "order") s_order(); else if (r == "req") s_req(); else if (r == "token") s_token(); else s_misc()
}
function run(st) {
    if (st < 400) return st < 200 ? auth(st) : st < 300 ? pfix(st) : kern(st)
    if (st < 800) return st < 500 ? asa(st) : st < 600 ? fgt(st) : st < 700 ? squid(st) : web(st)
    if (st < 1200) return st < 900 ? ldap(st) : st < 1000 ? radius(st) : st < 1100 ? clam(st) : pg(st)
    return st < 1300 ? suri(st) : gen(st)
}
BEGIN {
    CONVFMT = OFMT = "%.17g"    # mawk turns integers above 2^31 into %.6g otherwise
    T = "\t"; HX = "0123456789abcdef"; LC = "abcdefghijklmnopqrstuvwxyz"; Q = 4096
    B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", MN, " "); split("Sun Mon Tue Wed Thu Fri Sat", DN, " ")
    S = SEED % 2147483646 + 1; EPOCH0 = 1795359600      # 2026-11-23T00:00:00+09:00
    LASTSEC = -1; LASTDAY = -1; CLK = 0
    inventory(); daemons(); periodic(); weights()
    for (NL = 0; NL < N; NL++) {
        CLK += rnd(6667)
        while (HN == 0 || JD[H[1]] > CLK) start()
        CUR = hpop(); st = JS[CUR]
        if ((sec = int(CLK / 1000000)) != LASTSEC) settime(sec)
        US = CLK % 1000000
        split(JA[CUR], A, "\t")
        print run(st)
        CNT[int(st / 100)]++
        delete JD[CUR]; delete JS[CUR]; delete JA[CUR]
    }
    if (STATS != "") {
        split("auth postfix kernel asa fortigate squid access slapd radius clamav postgres suricata generic", a, " ")
        for (i = 1; i <= 13; i++) printf "%-10s %8d %5.1f%%\n", a[i], CNT[i], 100 * CNT[i] / N > "/dev/stderr"
        printf "clock end %s (%.1f lines/s), heap %d, jobs %d\n", HMS, N / (CLK / 1000000), HN, JN > "/dev/stderr"
    }
}
AWK
LC_ALL=C exec "$AWKBIN" -v N="$LINES" -v SEED="$SEED" -v STATS="${GEN_STATS:-}" "$PROG"
