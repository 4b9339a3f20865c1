#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run every vmdump command on recorded module output (testdata/*, replayed
# with VMDUMP_REPLAY: no module needed) and on bad arguments; check exit
# codes and that --json output is valid JSON lines.  Where a sample has
# pages.bin (format=bin, recorded with the text `pages` of the same stopped
# process), the binary and text paths must print the same; broken copies of
# it must be refused.
#   ./test_replay.sh [VMDUMP]
set -u
cd "$(dirname "$0")"
V=${1:-./vmdump}
pass=0 fail=0
PID=108
export VMDUMP_NO_PROGRESS=1

json_ok() {
	command -v python3 >/dev/null || return 0
	python3 -c '
import json, sys
lines = sys.stdin.read().splitlines()
assert lines, "no output"
first = json.loads(lines[0])
assert first["vmdump_json"] == 1, first
for l in lines[1:]:
    o = json.loads(l)
    assert isinstance(o, dict) and "type" in o, l
'
}

# expect CODE DESCRIPTION -- ARGS...
expect() {
	want=$1; shift; what=$1; shift; shift
	out=$("$V" "$@" 2>/tmp/vmdump-test.err); got=$?
	if [ "$got" = "$want" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $what: vmdump $*: exit $got, want $want"
		sed 's/^/    /' /tmp/vmdump-test.err | head -5
	fi
	case " $* " in
	*" --json "*)
		if [ "$got" = 0 ] && ! printf '%s\n' "$out" | json_ok; then
			fail=$((fail + 1)); echo "FAIL: $what: invalid JSON"
		fi;;
	esac
}

# same DESCRIPTION -- ARGS...: the same output and exit code from binary
# and text pages
same() {
	what=$1; shift; shift
	a=$(VMDUMP_PAGES_TEXT=1 "$V" "$@" 2>&1; echo "exit $?")
	b=$("$V" "$@" 2>&1; echo "exit $?")
	if [ "$a" = "$b" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $what: vmdump $*: binary and text pages differ"
		printf '%s\n' "$a" > /tmp/vmdump-test.text
		printf '%s\n' "$b" | diff /tmp/vmdump-test.text - | head -10
	fi
}

# patch FILE OFFSET OCTAL: one byte
patch() {
	printf "\\$3" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# A copy of sample $1 with its pages.bin rewritten by the command $2.
bad_bin() {
	rm -rf "$T" && mkdir -p "$T" && cp "$1"/* "$T"/ && eval "$2"
}

for d in testdata/guest*/; do
	export VMDUMP_REPLAY=$d
	A=$(sed -n 's/.*addr=\(0x[0-9a-f]*\).*/\1/p' "$d/translate" | head -n 1)
	for j in "" --json; do
		expect 0 "summary $d" -- $j $PID
		expect 0 "summary $d" -- summary $j $PID
		expect 0 "pages $d" -- pages $j $PID
		expect 0 "pages per page $d" -- pages --per-page $j $PID
		expect 0 "pages only $d" -- pages --only huge,anon $j $PID
		expect 0 "pages range $d" -- pages --range 0x1000+2M $j $PID
		expect 0 "translate $d" -- translate $j $PID "$A"
		expect 0 "layout $d" -- layout $j
		expect 0 "layout pid $d" -- layout $j $PID
		expect 0 "map $d" -- map $j --color always $PID
		expect 0 "watch $d" -- watch $j -n 2 -i 0.01 $PID
	done
	[ -f "$d/pages.bin" ] || continue
	for j in "" --json; do
		same "pages $d" -- pages $j $PID
		same "pages per page $d" -- pages --per-page $j $PID
		same "pages only $d" -- pages --only huge,anon $j $PID
		same "map $d" -- map $j $PID
	done
	same "watch $d" -- watch --json -n 2 -i 0.01 $PID	# text: timestamps
done

# Broken binary samples: refused (exit 10) where text would pass.
T=$(mktemp -d /tmp/vmdump-test.XXXXXX)
B=testdata/guest4-bin
export VMDUMP_REPLAY=$T
bad_bin $B ': > $T/pages.bin'
expect 10 "empty pages.bin" -- pages $PID
bad_bin $B 'head -c 20 $B/pages.bin > $T/pages.bin'
expect 10 "truncated binary header" -- pages $PID
bad_bin $B 'patch $T/pages.bin 0 130'
expect 10 "wrong magic" -- pages $PID
expect 0 "wrong magic, --text-pages" -- --text-pages pages $PID
bad_bin $B 'patch $T/pages.bin 4 0'
expect 10 "binary version 0" -- pages $PID
bad_bin $B 'patch $T/pages.bin 6 40'
expect 10 "record size 32" -- map $PID
bad_bin $B 'patch $T/pages.bin 14 40'
expect 10 "header size 32" -- watch -n 1 -i 0.01 $PID
bad_bin $B 'head -c 100 $B/pages.bin > $T/pages.bin'
expect 10 "output ends inside a record" -- pages $PID
bad_bin $B 'patch $T/pages.bin 88 11'
expect 10 "record with level 9" -- pages $PID
if command -v python3 >/dev/null; then
	# a later revision: 16 more header bytes, 24 more record bytes
	bad_bin $B 'python3 -c "
import struct, sys
b = open(sys.argv[1], \"rb\").read()
h = bytearray(b[:48]); struct.pack_into(\"<H\", h, 6, 72); struct.pack_into(\"<H\", h, 14, 64)
out = bytes(h) + b\"\\xee\" * 16
for i in range(48, len(b), 48): out += b[i:i + 48] + b\"\\xff\" * 24
open(sys.argv[2], \"wb\").write(out)" $B/pages.bin $T/pages.bin'
	same "larger header and records" -- pages --json $PID
	expect 0 "larger header and records" -- pages --json $PID
fi
rm -rf "$T"
export VMDUMP_REPLAY=testdata/bad
expect 10 "garbage pages lines" -- pages $PID
expect 10 "garbage translate lines" -- translate $PID 0x1000
export VMDUMP_REPLAY=testdata/empty
expect 10 "no version line" -- $PID
unset VMDUMP_REPLAY

expect 0 "help" -- --help
expect 0 "help cmd" -- help pages
expect 0 "cmd --help" -- translate --help
expect 0 "version" -- --version
expect 2 "no args" --
expect 2 "unknown command" -- frobnicate 1
expect 2 "unknown option" -- --frob 1
expect 2 "bad pid" -- 12x
expect 2 "pid 0" -- 0
expect 2 "negative pid" -- summary -5
expect 2 "huge pid" -- 99999999999999999999999
expect 2 "translate without addr" -- translate 1
expect 2 "translate bad addr" -- translate 1 7fff0000
expect 2 "bad range" -- pages --range 0x3000-0x1000 1
expect 2 "bad only" -- pages --only purple 1
expect 2 "option for another command" -- map --per-page 1
expect 2 "bad color" -- --color sometimes 1
expect 2 "bad interval" -- watch -i 0 1
expect 2 "bad count" -- watch -n -1 1
expect 2 "bad bytes" -- translate -b 257 1 0x1000
expect 2 "extra args" -- map 1 2
expect 2 "missing value" -- pages 1 --range

echo "test_replay: $pass passed, $fail failed"
[ "$fail" = 0 ]
