#!/usr/bin/env bash
# Tampering with a sealed store: every kind of change, each made on a fresh copy of one store,
# must make `mamori log verify` fail with the right kind of failure AND name the right block.
# The store: 3000 + 1000 generated lines imported twice with 4 KiB blocks (two checkpoints).
. "$(dirname "$0")/lib.sh"

bash "$ROOT/bench/gen_mixed.sh" 3000 > "$T/a.log"
bash "$ROOT/bench/gen_mixed.sh" 1000 7 > "$T/b.log"
S=$T/store
import "$S" --block-size 4k "$T/a.log" || exit 1

# j. an untouched store verifies; a second import continues the chain
expect_ok "j. untouched store after one import" "$S"
eq "j. one checkpoint after one import" 1 "$(jf .checkpoints)"
blocks1=$(jf .blocks)
import "$S" --block-size 4k "$T/b.log" || exit 1
expect_ok "j. after a second import" "$S"
eq "j. records of both imports" 4000 "$(jf .records)"
eq "j. two checkpoints" 2 "$(jf .checkpoints)"
eq "j. the chain starts at block 0" 0 "$(jf .first_seq)"
eq "j. the last block is signed" "$(jf .last_seq)" "$(jf .last_signed_seq)"
check "j. the second import added blocks ($blocks1 -> $(jf .blocks))" [ "$(jf .blocks)" -gt "$blocks1" ]
eq "j. plain verify exits 0" 0 "$("$MAMORI" log verify --store "$S" >/dev/null 2>&1; echo $?)"

storetool "$S" list > "$T/blocks"
mapfile -t ckpts < <(seqs "$S" checkpoint)
mapfile -t data < <(seqs "$S" data)
[ ${#ckpts[@]} -eq 2 ] && [ ${#data[@]} -gt 40 ] || { echo "unexpected layout:"; cat "$T/blocks"; exit 1; }
C1=${ckpts[0]} C2=${ckpts[1]}
N=${data[10]}         # a data block signed by the first checkpoint
LAST=$(tail -n 1 "$T/blocks" | cut -d' ' -f1)   # the second checkpoint, at the end of the file
atN=$(block_at "$S" "$N") atLAST=$(block_at "$S" "$LAST")
echo "layout: $(wc -l < "$T/blocks") blocks, checkpoints $C1 $C2, data block N=$N"

# a. one byte of a data block's (compressed) payload
X=$(copy "$S" a); storetool "$X" flip "$N" payload 7
expect_fail "a. changed payload byte" "$X" changed "$N"
failed_at "a. changed payload byte" "$atN"

# b. a header field (t_min, bytes 16..23): the header check (bytes 80..83) no longer matches
X=$(copy "$S" b); storetool "$X" flip "$N" header 17
expect_fail "b. changed t_min" "$X" "damaged|changed" "$N"
failed_at "b. changed t_min" "$atN"
X=$(copy "$S" b2); storetool "$X" flip "$N" header 33   # count
expect_fail "b. changed record count" "$X" "damaged|changed" "$N"
# ... and with the header check recomputed: the block's hash no longer matches
X=$(copy "$S" b3); storetool "$X" header-rehash "$N" 17
expect_fail "b. changed t_min, header check recomputed" "$X" "damaged|changed" "$N"
# a byte of the bloom filter (index section) is covered by the hash too
X=$(copy "$S" b4); storetool "$X" flip "$N" index 20
expect_fail "b. changed index byte" "$X" changed "$N"

# c. a block cut out of the file
X=$(copy "$S" c); storetool "$X" cut "$N"
expect_fail "c. removed data block" "$X" missing "$N"
failed_at "c. removed data block (where it was)" "$atN"
X=$(copy "$S" c2); storetool "$X" cut "$C1"
expect_fail "c. removed checkpoint" "$X" missing "$C1"

# d. blocks N and N+1 swapped. verify reads blocks in file order and expects seq 0, 1, 2, ...;
# the first position where that breaks is N's: it holds block N+1, and block N is found later in
# the same file, so the report is "reordered", naming block N (the first displaced seq).
X=$(copy "$S" d); storetool "$X" swap "$N"
expect_fail "d. swapped blocks N, N+1" "$X" "reordered" "$N"
# a block replayed (a copy right after it): the copy comes where N+1 belongs
X=$(copy "$S" d2); storetool "$X" dup "$N"
expect_fail "d. duplicated block N" "$X" "reordered|changed" "$N"

# e. the file cut in the middle of its last block: in its body, and in its header
X=$(copy "$S" e); storetool "$X" truncate "$LAST" 150
expect_fail "e. truncated inside the last block" "$X" truncated "$LAST"
failed_at "e. truncated inside the last block" "$atLAST"
X=$(copy "$S" e2); storetool "$X" truncate "$LAST" 40
expect_fail "e. truncated inside the last block's header" "$X" truncated "$LAST"
# whole blocks cut from the end (the last checkpoint): the chain alone cannot tell this from a
# writer that crashed before its checkpoint, but verify must say how much is not signed
X=$(copy "$S" e3); storetool "$X" cut "$LAST"
verify_json "$X"
eq "e. last checkpoint cut: what is signed ends at the first checkpoint" "$C1" "$(jf .last_signed_seq)"
eq "e. last checkpoint cut: the unsigned tail" "$((LAST - C1 - 1)) 1000" "$(jf '"\(.unsigned_blocks) \(.unsigned_records)"')"
# a writer opening a truncated store cuts the torn tail, keeps the bytes and records it
X=$(copy "$S" e4); storetool "$X" truncate "$LAST" 150
import "$X" --block-size 4k "$T/b.log" || fail "e. import after the truncation"
expect_ok "e. after the writer's recovery" "$X"
eq "e. the recovery is recorded" 1 "$(jf .recoveries)"
check "e. the torn bytes are kept" test -n "$(ls "$X"/segments/*.torn-* 2>/dev/null)"

# f. a forged checkpoint: another (valid, but for other content) signature, and the block's hash
# and every later block's prev_hash, header check and hash recomputed: the chain is consistent,
# only the signature can tell
X=$(copy "$S" f); storetool "$X" forge-sig "$C1" "$C2"
expect_fail "f. forged checkpoint signature" "$X" forged "$C1"

# g. rewritten history: a data block's message changed (decompressed, edited, recompressed) and
# every hash from there on recomputed, without a new signature: the next checkpoint signed the
# old chain hash
X=$(copy "$S" g); storetool "$X" rewrite "$N"
expect_fail "g. rewritten data block, hashes recomputed" "$X" "changed|forged" "$C1"
# ... and the checkpoint's signed chain hash made to match: the signature no longer does
X=$(copy "$S" g2); storetool "$X" rewrite "$N" fix-checkpoint
expect_fail "g. rewritten data block and checkpoint payload" "$X" "forged|changed" "$C1"

# h. segment files removed. Three segments: the writer starts a new segment when the receive
# times would span more than a day (segment_interval), so imports received 4 days ago, 2 days ago
# and now make three.
H=$T/segs
bash "$ROOT/bench/gen_mixed.sh" 300 11 > "$T/h.log"
import "$H" --block-size 4k --receive-time "$(ago 4)" "$T/h.log" &&
    import "$H" --block-size 4k --receive-time "$(ago 2)" "$T/h.log" &&
    import "$H" --block-size 4k "$T/h.log" || fail "h. imports"
mapfile -t segs < <(cd "$H/segments" && ls -- *.mms)
eq "h. three segments" 3 "${#segs[@]}"
expect_ok "h. three segments" "$H"
eq "h. verify counts the segments" 3 "$(jf .segments)"
if [ ${#segs[@]} -eq 3 ]; then
    mid=$((16#${segs[1]%.mms}))
    X=$(copy "$H" h); rm "$X/segments/${segs[1]}"
    expect_fail "h. middle segment deleted" "$X" missing "$mid"
    X=$(copy "$H" h2); rm "$X/segments/${segs[0]}"
    expect_fail "h. first segment deleted without a retention record" "$X" missing 0
    # a segment file renamed: its name no longer says which block it starts with
    X=$(copy "$H" h3); mv "$X/segments/${segs[1]}" "$X/segments/$(printf '%016x' $((mid + 1))).mms"
    expect_fail "h. segment file renamed" "$X" "reordered|missing|damaged" "$mid"
fi

# i. the trusted key: another key fails (the segment blocks name the store's key), the key the
# store exports passes
openssl genpkey -algorithm ed25519 -out "$T/other.key" 2>/dev/null &&
    openssl pkey -in "$T/other.key" -pubout -out "$T/other.pub" 2>/dev/null || fail "i. openssl"
expect_fail "i. --pubkey of another key" "$S" forged 0 --pubkey "$T/other.pub"
check "i. pubkey exports the key" sh -c '"$1" log pubkey --store "$2" > "$3"' _ "$MAMORI" "$S" "$T/store.pub"
expect_ok "i. --pubkey of the exported key" "$S" --pubkey "$T/store.pub"
eq "i. the key is the one given" false "$(jf .key_from_store)"
eq "i. the exported key is seal.pub" "$(openssl pkey -pubin -in "$S/seal.pub" -outform DER 2>/dev/null | sha256sum)" \
   "$(openssl pkey -pubin -in "$T/store.pub" -outform DER 2>/dev/null | sha256sum)"
# seal.pub beside the data replaced by an intruder's key
X=$(copy "$S" i); cp "$T/other.pub" "$X/seal.pub"
expect_fail "i. seal.pub replaced" "$X" forged 0

# k. anchors: a checkpoint copied out of the store (`mamori log checkpoint`) is what shows
# blocks removed from the end, which the chain alone cannot
K=$T/anch
import "$K" --block-size 4k "$T/h.log"
mlog checkpoint --store "$K" > "$T/anchor.txt"
import "$K" --block-size 4k "$T/h.log"
mlog checkpoint --store "$K" >> "$T/anchor.txt"
expect_ok "k. both anchors are in the store" "$K" --anchor "$T/anchor.txt"
eq "k. two anchors checked" 2 "$(jq .anchors "$T/v.json")"
last=$(storetool "$K" list | tail -1 | awk '{ print $1 }')
X=$(copy "$K" k); storetool "$X" truncate "$((last - 2))" 0
expect_ok "k. the last blocks cut off at a block boundary: the chain alone cannot tell" "$X"
expect_fail "k. ... the anchor can" "$X" missing "$((last - 2))" --anchor "$T/anchor.txt"
# an anchor not signed by the store's key is refused
# (one hex digit of the last anchor's signature changed to another)
awk 'NR == n { c = substr($0, 201, 1); $0 = substr($0, 1, 200) (c == "0" ? "1" : "0") substr($0, 202) } 1' \
    n="$(wc -l < "$T/anchor.txt")" "$T/anchor.txt" > "$T/forged.txt"
"$MAMORI" log verify --store "$K" --anchor "$T/forged.txt" >/dev/null 2>"$T/a.err"
eq "k. a forged anchor is refused" 2 "$?"
check "k. ... saying it is not signed by the key" grep -q "is not signed by key" "$T/a.err"
finish
