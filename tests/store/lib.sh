# Shared helpers for the sealed store's tests (sourced, not run). Each test gets a scratch
# directory, the mamori binary of $BUILD and a byte-level block editor (python3, $STORETOOL).
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MAMORI=${MAMORI:-$ROOT/${BUILD:-build}/mamori}
# scratch directory, cleanup, fail/pass/check/eq: the sensor tests' helpers
. "$ROOT/tests/sensor/lib.sh"
finish() {
    if [ "$failures" -ne 0 ]; then echo "$failures check(s) failed"; exit 1; fi
    exit 0
}

[ -x "$MAMORI" ] || { echo "FAIL: no binary at $MAMORI (build with make BUILD=...)"; exit 1; }

mlog() { "$MAMORI" log "$@"; }

# import STORE [options] FILE...: quiet on success, shows stderr on failure
import() {
    local store=$1; shift
    if ! "$MAMORI" log import --store "$store" "$@" 2>"$T/import.err"; then
        echo "import failed:"; cat "$T/import.err"; return 1
    fi
}

# copy STORE NAME: a fresh copy of a store to tamper with; prints its path
copy() { rm -rf "${T:?}/$2"; cp -a "$1" "$T/$2"; rm -f "$T/$2/lock"; echo "$T/$2"; }

# verify_json STORE [args]: the JSON report in $T/v.json, the exit status in $vrc
verify_json() {
    local store=$1; shift
    "$MAMORI" log verify --store "$store" --json "$@" >"$T/v.json" 2>"$T/v.err"
    vrc=$?
}

# expect_ok DESCRIPTION STORE [verify args]
expect_ok() {
    local what=$1 store=$2; shift 2
    verify_json "$store" "$@"
    if [ "$vrc" -eq 0 ] && [ "$(jq -r .ok "$T/v.json")" = true ]; then
        pass "$what: verify OK"
    else
        fail "$what: verify should pass: exit $vrc, $(jq -c '.failure // .' "$T/v.json" 2>/dev/null) $(cat "$T/v.err")"
    fi
}

# expect_fail DESCRIPTION STORE KINDS SEQ [verify args]: exit 1, failure.kind one of KINDS
# ("a|b"), failure.seq = SEQ
expect_fail() {
    local what=$1 store=$2 kinds=$3 seq=$4; shift 4
    verify_json "$store" "$@"
    local kind fseq
    kind=$(jq -r '.failure.kind // "none"' "$T/v.json" 2>/dev/null)
    fseq=$(jq -r '.failure.seq // "none"' "$T/v.json" 2>/dev/null)
    if [ "$vrc" -eq 1 ] && [[ "|$kinds|" == *"|$kind|"* ]] && [ "$fseq" = "$seq" ]; then
        pass "$what: verify fails ($kind at block $fseq)"
    else
        fail "$what: expected exit 1, kind $kinds, seq $seq; got exit $vrc, kind $kind, seq $fseq" \
             "($(jq -r '.failure.reason // empty' "$T/v.json" 2>/dev/null)$(cat "$T/v.err"))"
    fi
}

# failed_at DESCRIPTION "SEGMENT OFFSET": where the last verify report says the failure is
failed_at() {
    eq "$1: segment and offset" "$2" "$(jq -r '"\(.failure.segment) \(.failure.offset)"' "$T/v.json")"
}
# block_at STORE SEQ: "segment offset" of a block
block_at() { storetool "$1" list | awk -v s="$2" '$1 == s { print $4, $5 }'; }

# jf FILTER: a field of the last verify report
jf() { jq -r "$1" "$T/v.json"; }

# ---- the block editor ----
STORETOOL=$T/storetool.py
cat > "$STORETOOL" <<'PY'
# storetool.py STORE COMMAND ARGS: read and edit a store's blocks byte by byte (lib/store/format.h).
# Blocks are numbered by seq across the segments (segments/*.mms, in name order).
import hashlib, os, struct, subprocess, sys

HDR, TRL = 88, 36
TYPES = {1: "segment", 2: "data", 3: "checkpoint", 4: "retention", 5: "recovery", 6: "notice"}

def segfiles(store):
    d = os.path.join(store, "segments")
    return [os.path.join(d, f) for f in sorted(os.listdir(d)) if f.endswith(".mms")]

def blocks(store):
    """every block: dict(file, off, seq, type, ilen, plen, total, hdr, idx, pay, trl)"""
    out = []
    for f in segfiles(store):
        b = open(f, "rb").read()
        off = 0
        while off + HDR <= len(b):
            h = b[off:off + HDR]
            if h[:4] != b"MMB1":
                break
            ilen, plen = struct.unpack_from("<II", h, 36)
            total = HDR + ilen + plen + TRL
            out.append(dict(file=f, off=off, seq=struct.unpack_from("<Q", h, 8)[0], type=h[4],
                            ilen=ilen, plen=plen, total=total, hdr=bytearray(h),
                            idx=bytes(b[off + HDR:off + HDR + ilen]),
                            pay=bytes(b[off + HDR + ilen:off + HDR + ilen + plen]),
                            trl=bytearray(b[off + total - TRL:off + total])))
            off += total
    return out

def find(bl, seq):
    for i, x in enumerate(bl):
        if x["seq"] == seq:
            return i
    sys.exit("no block %d" % seq)

def write_all(store, bl):
    """write every segment file again from the (edited) blocks"""
    files = {}
    for x in bl:
        files.setdefault(x["file"], []).append(bytes(x["hdr"]) + x["idx"] + x["pay"] + bytes(x["trl"]))
    for f, parts in files.items():
        with open(f, "wb") as o:
            o.write(b"".join(parts))

def rechain(bl, i):
    """recompute block i and all after it as a writer would: prev_hash, header check, hash"""
    for j in range(i, len(bl)):
        x = bl[j]
        if j > 0:
            x["hdr"][48:80] = bl[j - 1]["trl"][:32]
        struct.pack_into("<II", x["hdr"], 36, len(x["idx"]), len(x["pay"]))
        x["hdr"][80:84] = hashlib.sha256(bytes(x["hdr"][:80])).digest()[:4]
        x["trl"][:32] = hashlib.sha256(bytes(x["hdr"]) + x["idx"] + x["pay"]).digest()

def edit_file(f, fn):
    b = bytearray(open(f, "rb").read())
    b = fn(b)
    with open(f, "wb") as o:
        o.write(b)

def main():
    store, cmd, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    bl = blocks(store)
    if cmd == "list":  # seq type count file offset total
        for x in bl:
            print(x["seq"], TYPES.get(x["type"], "?"), struct.unpack_from("<I", x["hdr"], 32)[0],
                  os.path.basename(x["file"]), x["off"], x["total"])
    elif cmd == "flip":  # SEQ header|index|payload OFFSET: change one byte (xor 0x01)
        x = bl[find(bl, int(args[0]))]
        base = {"header": 0, "index": HDR, "payload": HDR + x["ilen"]}[args[1]]
        at = x["off"] + base + int(args[2])
        def f(b):
            b[at] ^= 0x01
            return b
        edit_file(x["file"], f)
    elif cmd == "header-rehash":  # SEQ OFFSET: change a header byte and recompute the header check
        i = find(bl, int(args[0]))
        bl[i]["hdr"][int(args[1])] ^= 0x01
        bl[i]["hdr"][80:84] = hashlib.sha256(bytes(bl[i]["hdr"][:80])).digest()[:4]
        write_all(store, bl)
    elif cmd == "cut":  # SEQ: remove the block's bytes
        x = bl[find(bl, int(args[0]))]
        edit_file(x["file"], lambda b: b[:x["off"]] + b[x["off"] + x["total"]:])
    elif cmd == "dup":  # SEQ: a copy of the block right after it (a replayed block)
        x = bl[find(bl, int(args[0]))]
        end = x["off"] + x["total"]
        edit_file(x["file"], lambda b: b[:end] + b[x["off"]:end] + b[end:])
    elif cmd == "swap":  # SEQ: swap the block with the next one (same segment)
        i = find(bl, int(args[0]))
        x, y = bl[i], bl[i + 1]
        assert x["file"] == y["file"]
        def f(b):
            return (b[:x["off"]] + b[y["off"]:y["off"] + y["total"]] + b[x["off"]:x["off"] + x["total"]]
                    + b[y["off"] + y["total"]:])
        edit_file(x["file"], f)
    elif cmd == "truncate":  # SEQ BYTES: cut the file BYTES into the block
        x = bl[find(bl, int(args[0]))]
        os.truncate(x["file"], x["off"] + int(args[1]))
    elif cmd == "forge-sig":  # SEQ FROM_SEQ: the checkpoint takes another checkpoint's signature
        i, k = find(bl, int(args[0])), find(bl, int(args[1]))
        assert bl[i]["type"] == 3 and bl[k]["type"] == 3
        p = bytearray(bl[i]["pay"])
        p[72:136] = bl[k]["pay"][72:136]
        assert bytes(p) != bl[i]["pay"]
        bl[i]["pay"] = bytes(p)
        rechain(bl, i)
        write_all(store, bl)
    elif cmd == "rewrite":  # SEQ [fix-checkpoint]: change the last message byte of a DATA block,
        # recompressed as the writer would, and recompute every hash from there on; fix-checkpoint:
        # also put the new chain hash into the next checkpoint's payload (without a new signature)
        i = find(bl, int(args[0]))
        x = bl[i]
        assert x["type"] == 2
        raw = bytearray(subprocess.run(["zstd", "-q", "-d", "-c"], input=x["pay"], check=True,
                                       capture_output=True).stdout)
        raw[-1] = ord("X") if raw[-1] != ord("X") else ord("Y")
        x["pay"] = subprocess.run(["zstd", "-q", "-3", "-c", "--no-check"], input=bytes(raw), check=True,
                                  capture_output=True).stdout
        rechain(bl, i)
        if args[1:] == ["fix-checkpoint"]:
            for j in range(i + 1, len(bl)):
                if bl[j]["type"] == 3:
                    p = bytearray(bl[j]["pay"])
                    p[24:56] = bl[j]["hdr"][48:80]
                    bl[j]["pay"] = bytes(p)
                    rechain(bl, j)
                    break
        write_all(store, bl)
    elif cmd == "append-retention":  # a RETENTION block at the end, chained but never signed,
        # saying the blocks before the store's first block were deleted by retention
        first, last = bl[0], bl[-1]
        pay = ('{"retention":"deleted","deleted_before_seq":%d,"last_deleted_hash":"%s","segments":[]}'
               % (first["seq"], bytes(first["hdr"][48:80]).hex())).encode()
        now = int(__import__("time").time() * 1e9)
        h = bytearray(HDR)
        h[0:4] = b"MMB1"
        h[4] = 4
        struct.pack_into("<QqqIIII", h, 8, last["seq"] + 1, now, now, 0, 0, len(pay), len(pay))
        bl.append(dict(file=last["file"], off=0, seq=last["seq"] + 1, type=4, ilen=0, plen=len(pay),
                       total=0, hdr=h, idx=b"", pay=pay, trl=bytearray(32) + b"MME1"))
        rechain(bl, len(bl) - 1)
        write_all(store, bl)
    else:
        sys.exit("unknown command " + cmd)

main()
PY
# the interpreter itself (a version manager's shim costs half a second a call)
PYTHON=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) || PYTHON=python3
storetool() { "$PYTHON" "$STORETOOL" "$@"; }
# seqs STORE TYPE: the seqs of the blocks of that type, one a line
seqs() { storetool "$1" list | awk -v t="$2" '$2 == t { print $1 }'; }

DAY=86400
# ago N: N days before now, RFC 3339 (for --receive-time)
ago() { date -u -d "@$(($(date -u +%s) - $1 * DAY))" +%Y-%m-%dT%H:%M:%SZ; }
