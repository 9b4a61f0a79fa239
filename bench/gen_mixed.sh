#!/usr/bin/env bash
# gen_mixed.sh [LINES] [SEED] [DAYS] > FILE: a deterministic, realistic mix of syslog lines for the ingest
# benchmark (bench/ingest.sh). No network, no randomness from the system: a Park-Miller generator
# in awk (integer arithmetic below 2^53, so mawk and gawk give the same bytes).
#
# The shapes come from real devices and daemons (the same shapes as tests/parse/*/*/input.log);
# hosts, users, addresses, ports, ids and times vary. Proportions (per 100 lines):
#   14 sshd/sudo/su/PAM/logind auth      10 postfix            14 iptables/nftables/ufw (kernel)
#   10 Cisco ASA                          8 FortiGate           6 Squid via syslog
#   12 nginx/apache access via syslog     4 OpenLDAP slapd      3 FreeRADIUS
#    2 ClamAV (clamd, freshclam)          4 PostgreSQL          5 Suricata EVE JSON over syslog
#    8 generic (systemd, CRON, dhclient, RFC 5424 app lines)
# docs/BENCHMARKS.md records the resulting length distribution.
set -eu
LINES=${1:-5000}
SEED=${2:-20261123}
DAYS=${3:-0} # 0: three lines a second from 23 Nov 15:30; else the lines spread over DAYS days
LC_ALL=C exec awk -v N="$LINES" -v SEED="$SEED" -v DAYS="$DAYS" '
function rnd(n) { S = (S * 16807) % 2147483647; return S % n }      # 0..n-1
function pick(list,   a, k) { k = split(list, a, "|"); return a[rnd(k) + 1] }
function hex(n,   s, i) { s = ""; for (i = 0; i < n; i++) s = s substr("0123456789abcdef", rnd(16) + 1, 1); return s }
function HEX(n) { return toupper(hex(n)) }
function b64(n,   s, i, c) { c = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    s = ""; for (i = 0; i < n; i++) s = s substr(c, rnd(64) + 1, 1); return s }
function lanip(  p) { p = pick("10.0.|10.1.|10.20.|192.168.1.|192.168.10.|172.16.5."); return p (p ~ /^192|^172/ ? "" : rnd(255) ".") (rnd(254) + 1) }
function wanip() { return pick("203.0.113|198.51.100|192.0.2|185.220.101|45.155.205|91.240.118|93.184.216|104.16.132|142.250.196|13.107.42|151.101.1|23.215.0") "." rnd(254) + 1 }
function ip() { return rnd(3) ? wanip() : lanip() }
function port() { return 1024 + rnd(64000) }
function user() { return pick("alice|bob|carol|dave|erin|frank|grace|heidi|ivan|judy|mallory|oscar|peggy|trent|victor|walter|admin|root|deploy|backup|ansible|jenkins|git|postgres|www-data|tanaka|suzuki|sato|yamada|ito") }
function baduser() { return pick("test|oracle|ubuntu|pi|guest|user|ftpuser|support|nagios|hadoop|minecraft|admin1|administrator|temp|steam") }
function host(kind) { return kind sprintf("%02d", rnd(12) + 1) }
function pid() { return 300 + rnd(60000) }
function tick() { return DAYS > 0 ? int(NR_ * DAYS * 86400 / N) : int(NR_ / 3) }
function ts(   t) { t = T0 + tick(); return sprintf("Nov %2d %02d:%02d:%02d", 23 + int(t / 86400), int(t / 3600) % 24, int(t / 60) % 60, t % 60) }
function iso(   t) { t = T0 + tick(); return sprintf("2026-11-%02dT%02d:%02d:%02d.%06d+09:00", 23 + int(t / 86400), int(t / 3600) % 24, int(t / 60) % 60, t % 60, rnd(1000000)) }
function epoch() { return 1795415400 + int(NR_ / 3) }
function hdr(pri, h, prog) { return "<" pri ">" ts() " " h " " prog ": " }
function dom() { return pick("example.com|example.org|example.net|mamori.test|corp.example.jp|mail.example.co.jp|shop.example.com") }
function qid() { return HEX(10 + rnd(2)) }
function path() { return pick("/|/index.html|/login|/api/v1/orders|/api/v1/users/" rnd(9999) "|/static/js/app." hex(8) ".js|/static/css/main.css|/images/logo.png|/wp-login.php|/.env|/search?q=" pick("shoes|tokyo+hotel|laptop|%E6%9D%B1%E4%BA%AC") "&page=" rnd(9) "|/cart/add?id=" rnd(99999) "|/favicon.ico|/robots.txt|/admin/|/cgi-bin/luci/;stok=/locale|/health") }
function ua() { return pick("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36|Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1|curl/8.5.0|python-requests/2.31.0|Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)|Go-http-client/1.1|Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0") }
function mac() { return hex(2) ":" hex(2) ":" hex(2) ":" hex(2) ":" hex(2) ":" hex(2) }

function auth(   h, u, r, p) {
    h = pick("web|db|bastion|app|mx|ci") sprintf("%02d", rnd(12) + 1); u = user(); r = rnd(16); p = pid()
    if (r == 0) return hdr(38, h, "sshd[" p "]") "Accepted publickey for " u " from " ip() " port " port() " ssh2: " pick("RSA|ED25519|ECDSA") " SHA256:" b64(43)
    if (r == 1) return hdr(38, h, "sshd[" p "]") "Accepted password for " u " from " ip() " port " port() " ssh2"
    if (r <= 3) return hdr(38, h, "sshd[" p "]") "Failed password for invalid user " baduser() " from " wanip() " port " port() " ssh2"
    if (r == 4) return hdr(38, h, "sshd[" p "]") "Failed password for " u " from " wanip() " port " port() " ssh2"
    if (r == 5) return hdr(38, h, "sshd[" p "]") "Invalid user " baduser() " from " wanip() " port " port()
    if (r == 6) return hdr(38, h, "sshd[" p "]") "Connection closed by authenticating user " u " " wanip() " port " port() " [preauth]"
    if (r == 7) return hdr(38, h, "sshd[" p "]") "Disconnected from user " u " " ip() " port " port()
    if (r == 8) return hdr(86, h, "sshd[" p "]") "pam_unix(sshd:session): session opened for user " u "(uid=" 1000 + rnd(60) ") by (uid=0)"
    if (r == 9) return hdr(86, h, "sshd[" p "]") "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=" wanip() "  user=" u
    if (r == 10) return hdr(85, h, "sudo") sprintf("%8s", u) " : TTY=pts/" rnd(8) " ; PWD=/home/" u " ; USER=root ; COMMAND=" pick("/usr/bin/systemctl restart nginx|/usr/bin/apt-get upgrade -y|/bin/cat /var/log/auth.log|/usr/bin/journalctl -u sshd --since today|/usr/sbin/iptables -L -n -v|/usr/bin/docker ps -a|/usr/bin/vim /etc/ssh/sshd_config")
    if (r == 11) return hdr(85, h, "sudo") sprintf("%8s", u) " : 3 incorrect password attempts ; TTY=pts/" rnd(8) " ; PWD=/home/" u " ; USER=root ; COMMAND=/bin/bash"
    if (r == 12) return hdr(86, h, "sudo") "pam_unix(sudo:session): session opened for user root(uid=0) by " u "(uid=" 1000 + rnd(60) ")"
    if (r == 13) return hdr(86, h, "su[" p "]") "pam_unix(su:session): session opened for user " pick("root|postgres|www-data") "(uid=0) by " u "(uid=" 1000 + rnd(60) ")"
    if (r == 14) return hdr(38, h, "systemd-logind[" pid() "]") "New session " rnd(9000) " of user " u "."
    return hdr(86, h, "sshd[" p "]") "pam_unix(sshd:session): session closed for user " u
}

function postfix(   h, r, q, p, d) {
    h = "mx" sprintf("%02d", rnd(4) + 1); r = rnd(10); q = qid(); p = pid(); d = dom()
    if (r == 0) return hdr(22, h, "postfix/smtpd[" p "]") "connect from " pick("unknown|mail." d "|smtp.example.net") "[" wanip() "]"
    if (r == 1) return hdr(22, h, "postfix/smtpd[" p "]") q ": client=mail." d "[" wanip() "], sasl_method=PLAIN, sasl_username=" user() "@" d
    if (r == 2) return hdr(22, h, "postfix/smtpd[" p "]") "NOQUEUE: reject: RCPT from unknown[" wanip() "]: 554 5.7.1 <" user() "@" dom() ">: Relay access denied; from=<" baduser() "@" pick("spam.example|bulk.example.net") "> to=<" user() "@" dom() "> proto=ESMTP helo=<" pick("localhost|ylmf-pc|User|win-" hex(6)) ">"
    if (r == 3) return hdr(22, h, "postfix/cleanup[" p "]") q ": message-id=<" hex(8) "-" hex(4) "-" hex(4) "@" d ">"
    if (r == 4) return hdr(22, h, "postfix/qmgr[" p "]") q ": from=<" user() "@" d ">, size=" 800 + rnd(90000) ", nrcpt=" 1 + rnd(3) " (queue active)"
    if (r <= 6) return hdr(22, h, "postfix/smtp[" p "]") q ": to=<" user() "@" dom() ">, relay=" pick("mx1|aspmx.l|mail") "." dom() "[" wanip() "]:25, delay=" rnd(3) "." rnd(99) ", delays=0." rnd(9) "/0.0" rnd(9) "/0." rnd(99) "/0." rnd(99) ", dsn=2.0.0, status=sent (250 2.0.0 OK " epoch() " " b64(12) " - gsmtp)"
    if (r == 7) return hdr(22, h, "postfix/smtpd[" p "]") "disconnect from unknown[" wanip() "] ehlo=1 mail=1 rcpt=" pick("0/1|1") " data=" pick("0|1") " quit=1 commands=" pick("3/4|5")
    if (r == 8) return hdr(22, h, "postfix/postscreen[" p "]") "CONNECT from [" wanip() "]:" port() " to [" lanip() "]:25"
    return hdr(22, h, "postfix/qmgr[" p "]") q ": removed"
}

function kernel(   h, r, pr, s, m) {
    h = pick("gw|fw|edge|router") sprintf("%02d", rnd(6) + 1); r = rnd(6)
    pr = pick("TCP|TCP|TCP|UDP|ICMP")
    m = "MAC=" mac() ":" mac() ":08:00 "
    s = "SRC=" (r < 3 ? wanip() : lanip()) " DST=" (r < 3 ? lanip() : wanip()) " LEN=" 40 + rnd(1400) " TOS=0x00 PREC=0x00 TTL=" 30 + rnd(98) " ID=" rnd(65535) (rnd(2) ? " DF" : "") " PROTO=" pr
    if (pr == "TCP") s = s " SPT=" port() " DPT=" pick("22|23|80|443|445|3389|8080|3306|5432|25") " WINDOW=" pick("64240|1024|29200|65535") " RES=0x00 " pick("SYN|ACK PSH|ACK FIN|RST") " URGP=0"
    else if (pr == "UDP") s = s " SPT=" port() " DPT=" pick("53|123|161|1900|5353|500") " LEN=" 8 + rnd(500)
    else s = s " TYPE=8 CODE=0 ID=" rnd(65535) " SEQ=" rnd(999)
    if (r == 0) return "<4>" ts() " " h " kernel: [UFW BLOCK] IN=eth0 OUT= " m s
    if (r == 1) return "<4>" ts() " " h " kernel: [" rnd(9999999) "." sprintf("%06d", rnd(1000000)) "] nft-drop-in: IN=" pick("eth0|enp3s0|wan0") " OUT= " m s
    if (r == 2) return "<4>" ts() " " h " kernel: IPTABLES-INPUT-DROP: IN=eth0 OUT= " m s
    if (r == 3) return "<4>" ts() " " h " kernel: FWD-ACCEPT: IN=eth1 OUT=eth0 " m s
    if (r == 4) return "<4>" ts() " " h " kernel: filter_OUT_public_REJECT: IN= OUT=eth0 " s
    return "<4>" ts() " " h " kernel: [UFW ALLOW] IN=eth0 OUT= " m s
}

function asa(   h, r, c, sev) {
    h = "asa" sprintf("%02d", rnd(3) + 1); r = rnd(12); c = rnd(9999999)
    if (r <= 2) return "<166>Nov 23 2026 " substr(ts(), 8) " " h " : %ASA-6-302013: Built " pick("inbound|outbound") " TCP connection " c " for outside:" wanip() "/" pick("443|80|22|25") " (" wanip() "/" port() ") to inside:" lanip() "/" port() " (" wanip() "/" port() ")"
    if (r <= 5) return "<166>Nov 23 2026 " substr(ts(), 8) " " h " : %ASA-6-302014: Teardown TCP connection " c " for outside:" wanip() "/443 to inside:" lanip() "/" port() " duration " rnd(2) ":" sprintf("%02d:%02d", rnd(60), rnd(60)) " bytes " rnd(9999999) " " pick("TCP FINs|TCP Reset-I|TCP Reset-O|SYN Timeout|Idle Timeout")
    if (r == 6) return "<166>Nov 23 2026 " substr(ts(), 8) " " h " : %ASA-6-302015: Built outbound UDP connection " c " for outside:" pick("8.8.8.8|1.1.1.1|9.9.9.9") "/53 (" pick("8.8.8.8|1.1.1.1|9.9.9.9") "/53) to inside:" lanip() "/" port() " (" wanip() "/" port() ")"
    if (r == 7) return "<166>Nov 23 2026 " substr(ts(), 8) " " h " : %ASA-6-302016: Teardown UDP connection " c " for outside:8.8.8.8/53 to inside:" lanip() "/" port() " duration 0:00:0" rnd(9) " bytes " rnd(999)
    if (r == 8) return "<164>Nov 23 2026 " substr(ts(), 8) " " h " : %ASA-4-106023: Deny tcp src outside:" wanip() "/" port() " dst inside:" lanip() "/" pick("22|23|445|3389") " by access-group \"outside_access_in\" [0x" hex(8) ", 0x0]"
    if (r == 9) return "<166>Nov 23 2026 " substr(ts(), 8) " " h " : %ASA-6-305011: Built dynamic TCP translation from inside:" lanip() "/" port() " to outside:" wanip() "/" port()
    if (r == 10) return "<166>Nov 23 2026 " substr(ts(), 8) " " h " : %ASA-6-113004: AAA user authentication Successful : server =  " lanip() " : user = " user()
    return "<166>Nov 23 2026 " substr(ts(), 8) " " h " : %ASA-6-106100: access-list outside_in denied tcp outside/" wanip() "(" port() ") -> inside/" lanip() "(" pick("22|445|3389") ") hit-cnt " 1 + rnd(20) " first hit [0x" hex(8) ", 0x0]"
}

function fortigate(   r, t, dev, base) {
    r = rnd(6); t = ts(); dev = pick("FG100E|FG60F|FG200F")
    base = "<189>date=2026-11-23 time=" substr(t, 8) " devname=\"" dev "\" devid=\"" dev "TK" HEX(8) "\" eventtime=" epoch() sprintf("%09d", rnd(1000000000)) " tz=\"+0900\" "
    if (r <= 2) return base "logid=\"0000000013\" type=\"traffic\" subtype=\"forward\" level=\"notice\" vd=\"root\" srcip=" lanip() " srcport=" port() " srcintf=\"port1\" srcintfrole=\"lan\" dstip=" wanip() " dstport=" pick("443|80|53|25") " dstintf=\"wan1\" dstintfrole=\"wan\" sessionid=" rnd(99999999) " proto=" pick("6|17") " action=\"" pick("close|accept|timeout|deny") "\" policyid=" rnd(40) " service=\"" pick("HTTPS|HTTP|DNS|SMTP") "\" duration=" rnd(600) " sentbyte=" rnd(99999) " rcvdbyte=" rnd(999999)
    if (r == 3) return base "logid=\"0001000014\" type=\"traffic\" subtype=\"local\" level=\"notice\" vd=\"root\" srcip=" wanip() " srcport=" port() " srcintf=\"wan1\" dstip=203.0.113.1 dstport=" pick("22|443|541") " sessionid=" rnd(99999999) " proto=6 action=\"deny\" policyid=0 policytype=\"local-in-policy\" service=\"" pick("SSH|HTTPS") "\""
    if (r == 4) return "<188>" substr(base, 6) "logid=\"0211008192\" type=\"utm\" subtype=\"virus\" eventtype=\"infected\" level=\"warning\" vd=\"root\" msg=\"File is infected.\" action=\"blocked\" service=\"HTTP\" srcip=" lanip() " dstip=" wanip() " virus=\"" pick("EICAR_TEST_FILE|W32/Agent.ABC!tr|JS/Miner.BP!tr") "\" url=\"http://" pick("dl|files|cdn") "." dom() "/" hex(6) ".exe\""
    return "<189>" substr(base, 6) "logid=\"0100032001\" type=\"event\" subtype=\"system\" level=\"information\" vd=\"root\" logdesc=\"Admin login successful\" sn=\"" rnd(9999999999) "\" user=\"" user() "\" ui=\"https(" lanip() ")\" method=\"https\" srcip=" lanip() " dstip=" lanip() " action=\"login\" status=\"success\" msg=\"Administrator " user() " logged in successfully from https(" lanip() ")\""
}

function squid(   e) {
    e = epoch()
    return "<166>" ts() " proxy" sprintf("%02d", rnd(3) + 1) " squid[" pid() "]: " e "." sprintf("%03d", rnd(1000)) sprintf("%7d", rnd(3000)) " " lanip() " " pick("TCP_MISS/200|TCP_TUNNEL/200|TCP_HIT/200|TCP_DENIED/403|TCP_MISS/304|TCP_REFRESH_MODIFIED/200") " " rnd(200000) " " pick("GET|GET|CONNECT|POST") " " pick("http://www." dom() path() "|" pick("www.google.com|api.github.com|login.microsoftonline.com|s3.amazonaws.com") ":443|http://update." dom() "/pkg/" hex(12) ".deb") " " pick("-|" user()) " " pick("HIER_DIRECT|HIER_NONE|FIRSTUP_PARENT") "/" wanip() " " pick("text/html|application/json|-|image/png|application/octet-stream")
}

function access(   h, c) {
    h = pick("web|shop|api") sprintf("%02d", rnd(6) + 1)
    c = pick("200|200|200|200|304|301|404|403|500|401")
    return "<190>" ts() " " h " " pick("nginx|nginx|apache2") ": " ip() " - " pick("-|-|-|" user()) " [23/Nov/2026:" substr(ts(), 8) " +0900] \"" pick("GET|GET|GET|POST|HEAD") " " path() " HTTP/" pick("1.1|1.1|2.0") "\" " c " " rnd(60000) " \"" pick("-|https://www." dom() "/|https://www.google.com/") "\" \"" ua() "\""
}

function slapd(   h, c, r, p) {
    h = "ldap" sprintf("%02d", rnd(2) + 1); c = 1000 + rnd(90000); r = rnd(6); p = pid()
    if (r == 0) return hdr(167, h, "slapd[" p "]") "conn=" c " fd=" 10 + rnd(90) " ACCEPT from IP=" lanip() ":" port() " (IP=0.0.0.0:389)"
    if (r == 1) return hdr(167, h, "slapd[" p "]") "conn=" c " op=0 BIND dn=\"uid=" user() ",ou=people,dc=example,dc=com\" method=128"
    if (r == 2) return hdr(167, h, "slapd[" p "]") "conn=" c " op=0 RESULT tag=97 err=" pick("0|0|0|49") " qtime=0.0000" rnd(99) " etime=0.00" rnd(9999) " text="
    if (r == 3) return hdr(167, h, "slapd[" p "]") "conn=" c " op=" rnd(9) " SRCH base=\"ou=people,dc=example,dc=com\" scope=2 deref=0 filter=\"(&(objectClass=posixAccount)(uid=" user() "))\""
    if (r == 4) return hdr(167, h, "slapd[" p "]") "conn=" c " op=" rnd(9) " SEARCH RESULT tag=101 err=0 qtime=0.000012 etime=0.000" rnd(999) " nentries=" rnd(3) " text="
    return hdr(167, h, "slapd[" p "]") "conn=" c " op=" rnd(9) " MOD dn=\"uid=" user() ",ou=people,dc=example,dc=com\" attr=userPassword shadowLastChange entryCSN modifiersName modifyTimestamp"
}

function radius(   r, n) {
    r = rnd(4); n = rnd(99999)
    if (r <= 1) return hdr(29, "radius01", "radiusd[" pid() "]") "(" n ") Login OK: [" user() "] (from client " pick("ap-floor" rnd(9) "|vpn-gw|switch-core") " port " rnd(48) " cli " toupper(hex(2) "-" hex(2) "-" hex(2) "-" hex(2) "-" hex(2) "-" hex(2)) ")"
    if (r == 2) return hdr(29, "radius01", "radiusd[" pid() "]") "(" n ") Login incorrect (pap: Cleartext password does not match \"known good\" password): [" user() "] (from client vpn-gw port " rnd(48) " cli " wanip() ")"
    return hdr(29, "radius01", "radiusd[" pid() "]") "(" n ") Login incorrect (mschap: MS-CHAP2-Response is incorrect): [" pick(user() "|" baduser()) "] (from client ap-floor" rnd(9) " port 0 via TLS tunnel)"
}

function clamav(   r, h) {
    r = rnd(4); h = pick("mx01|mx02|files01")
    if (r == 0) return hdr(30, h, "clamd[" pid() "]") "/home/" user() "/Downloads/" pick("invoice_" rnd(99999) ".zip|setup.exe|report.docm|photo.scr") ": " pick("Win.Trojan.Agent-" rnd(999999) "|Doc.Dropper.Agent-" rnd(999999) "|Eicar-Signature") " FOUND"
    if (r == 1) return hdr(30, h, "clamd[" pid() "]") "SelfCheck: Database status OK."
    if (r == 2) return hdr(30, h, "clamav-milter[" pid() "]") "Message " qid() " from <" user() "@" dom() "> to <" user() "@" dom() "> with subject \x27" pick("Invoice overdue|Your parcel|Meeting notes") "\x27 message-id \x27<" hex(12) "@" dom() ">\x27 date \x27Mon, 23 Nov 2026 " substr(ts(), 8) " +0900\x27 infected by Doc.Dropper.Agent-" rnd(999999)
    return hdr(30, h, "freshclam[" pid() "]") "daily.cld database is up-to-date (version: " 27000 + rnd(500) ", sigs: " 2050000 + rnd(9999) ", f-level: 90, builder: raynman)"
}

function pg(   h, r, p, n, u, db) {
    h = "db" sprintf("%02d", rnd(4) + 1); r = rnd(6); p = pid(); n = rnd(999); u = pick("app|report|etl|" user()); db = pick("appdb|billing|inventory")
    if (r == 0) return hdr(134, h, "postgres[" p "]") "[" n "-1] user=" u ",db=" db ",app=psql,client=" lanip() " LOG:  connection authorized: user=" u " database=" db " application_name=psql"
    if (r == 1) return hdr(134, h, "postgres[" p "]") "[" n "-1] user=" u ",db=" db ",app=[unknown],client=" lanip() " LOG:  duration: " rnd(999) "." sprintf("%03d", rnd(1000)) " ms  statement: SELECT id, owner, total FROM orders WHERE owner = \x27" user() "\x27 LIMIT " rnd(100)
    if (r == 2) return hdr(134, h, "postgres[" p "]") "[" n "-1] user=" u ",db=" db ",app=[unknown],client=" wanip() " FATAL:  password authentication failed for user \"" pick(u "|" baduser()) "\""
    if (r == 3) return hdr(134, h, "postgres[" p "]") "[" n "-1] user=" u ",db=" db ",app=psql,client=" lanip() " ERROR:  relation \"" pick("customer|orderz|tmp_" hex(4)) "\" does not exist at character " rnd(80)
    if (r == 4) return hdr(134, h, "postgres[" p "]") "[" n "-1] user=[unknown],db=[unknown],app=[unknown],client=" lanip() " LOG:  connection received: host=" lanip() " port=" port()
    return hdr(134, h, "postgres[" p "]") "[" n "-1] user=" u ",db=" db ",app=psql,client=" lanip() " LOG:  disconnection: session time: 0:0" rnd(9) ":" sprintf("%02d.%03d", rnd(60), rnd(1000)) " user=" u " database=" db " host=" lanip() " port=" port()
}

function suricata(   r, h, pre) {
    r = rnd(5); h = "ids" sprintf("%02d", rnd(2) + 1)
    pre = hdr(173, h, "suricata[" pid() "]") "{\"timestamp\":\"" iso() "\",\"flow_id\":" rnd(999999999) rnd(9999999) ",\"in_iface\":\"eth1\",\"event_type\":"
    if (r <= 1) return pre "\"alert\",\"src_ip\":\"" wanip() "\",\"src_port\":" port() ",\"dest_ip\":\"" lanip() "\",\"dest_port\":" pick("80|443|22|445") ",\"proto\":\"TCP\",\"alert\":{\"action\":\"allowed\",\"gid\":1,\"signature_id\":" 2000000 + rnd(40000) ",\"rev\":" 1 + rnd(9) ",\"signature\":\"" pick("ET SCAN Potential SSH Scan|ET POLICY curl User-Agent Outbound|GPL ATTACK_RESPONSE id check returned root|ET EXPLOIT Apache log4j RCE Attempt") "\",\"category\":\"" pick("Attempted Information Leak|Potentially Bad Traffic|Attempted Administrator Privilege Gain") "\",\"severity\":" 1 + rnd(3) "}}"
    if (r == 2) return pre "\"dns\",\"src_ip\":\"" lanip() "\",\"src_port\":" port() ",\"dest_ip\":\"" lanip() "\",\"dest_port\":53,\"proto\":\"UDP\",\"dns\":{\"type\":\"query\",\"id\":" rnd(65535) ",\"rrname\":\"" pick("www|api|cdn|login") "." dom() "\",\"rrtype\":\"" pick("A|AAAA|MX|TXT") "\",\"tx_id\":0}}"
    if (r == 3) return pre "\"tls\",\"src_ip\":\"" lanip() "\",\"src_port\":" port() ",\"dest_ip\":\"" wanip() "\",\"dest_port\":443,\"proto\":\"TCP\",\"tls\":{\"subject\":\"CN=" pick("www|api") "." dom() "\",\"issuerdn\":\"C=US, O=Let\x27s Encrypt, CN=R11\",\"sni\":\"" pick("www|api") "." dom() "\",\"version\":\"TLS 1.3\"}}"
    return pre "\"flow\",\"src_ip\":\"" lanip() "\",\"src_port\":" port() ",\"dest_ip\":\"" wanip() "\",\"dest_port\":443,\"proto\":\"TCP\",\"app_proto\":\"tls\",\"flow\":{\"pkts_toserver\":" rnd(999) ",\"pkts_toclient\":" rnd(999) ",\"bytes_toserver\":" rnd(99999) ",\"bytes_toclient\":" rnd(999999) ",\"state\":\"closed\",\"reason\":\"timeout\"}}"
}

function generic(   r, h) {
    r = rnd(7); h = pick("web|app|db|ci|batch") sprintf("%02d", rnd(12) + 1)
    if (r == 0) return hdr(30, h, "systemd[1]") "Started " pick("session-" rnd(9999) ".scope - Session " rnd(9999) " of User " user() ".|logrotate.service - Rotate log files.|apt-daily.service - Daily apt download activities.|certbot.service - Certbot.")
    if (r == 1) return hdr(78, h, "CRON[" pid() "]") "(" pick("root|" user()) ") CMD (" pick("/usr/local/bin/backup.sh --incremental --target s3://backup-" hex(6) "/" h " >/dev/null 2>&1|test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }|/usr/bin/php /var/www/app/artisan schedule:run >> /dev/null 2>&1") ")"
    if (r == 2) return hdr(30, h, "dhclient[" pid() "]") "DHCPACK of " lanip() " from " lanip() " (xid=0x" hex(8) ")"
    if (r == 3) return "<165>1 " iso() " " h " " pick("billing|orders|auth-api") " " pid() " " pick("ORD|PAY|AUD") " [meta sequenceId=\"" rnd(999999) "\" sysUpTime=\"" rnd(9999999) "\"] " pick("order " rnd(9999999) " processed for customer " user() " in " rnd(999) " ms|payment authorised: amount=" rnd(99999) " JPY card=****" sprintf("%04d", rnd(10000)) " merchant=M" rnd(99999) "|token refreshed for client_id=" hex(16) " scope=read write")
    if (r == 4) return "<134>1 " iso() " " h " java " pid() " - - " pick("INFO|WARN|ERROR") " [http-nio-8080-exec-" rnd(200) "] c.e.api.RequestLogger - " pick("GET|POST") " /api/v2/" pick("items|customers|invoices") "/" rnd(99999) " status=" pick("200|201|400|404|500") " took=" rnd(999) "ms user=" user() " trace=" hex(16)
    if (r == 5) return hdr(30, h, "dockerd[" pid() "]") "time=\"" substr(iso(), 1, 19) ".000000000+09:00\" level=" pick("info|warning") " msg=\"" pick("ignoring event|Container failed to exit within 10s of signal 15 - using the force|Layer sha256:" hex(32) " cleaned up") "\" module=libcontainerd namespace=moby"
    return hdr(30, h, "NetworkManager[" pid() "]") "<info>  [" epoch() "." sprintf("%04d", rnd(10000)) "] device (" pick("eth0|ens3|wlp2s0") "): state change: " pick("activated -> deactivating|config -> ip-config|ip-check -> secondaries") " (reason \x27" pick("none|user-requested|carrier-changed") "\x27, sys-iface-state: \x27managed\x27)"
}

BEGIN {
    S = SEED % 2147483646 + 1; T0 = 15 * 3600 + 30 * 60
    # cumulative proportions, per 100
    split("14 24 38 48 56 62 74 78 81 83 87 92 100", cum, " ")
    for (NR_ = 0; NR_ < N; NR_++) {
        k = rnd(100)
        if (k < cum[1]) l = auth(); else if (k < cum[2]) l = postfix(); else if (k < cum[3]) l = kernel()
        else if (k < cum[4]) l = asa(); else if (k < cum[5]) l = fortigate(); else if (k < cum[6]) l = squid()
        else if (k < cum[7]) l = access(); else if (k < cum[8]) l = slapd(); else if (k < cum[9]) l = radius()
        else if (k < cum[10]) l = clamav(); else if (k < cum[11]) l = pg(); else if (k < cum[12]) l = suricata()
        else l = generic()
        print l
    }
}'
