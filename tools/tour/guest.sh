#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The guest half of `make tour` (scripts/tour packs it as /tour/guest.sh and
# runs it in one guest boot).  For each section of docs/tour.md it starts
# the section's program (/tour/tour SUBCOMMAND), runs vmdump at each of its
# steps and prints every output the document shows between
#
#   @@@BEGIN NAME
#   $ COMMAND          (as run, after variable expansion)
#   OUTPUT
#   @@@END NAME
#
# scripts/tour puts block NAME where docs/tour.md.in says @@NAME@@.  A claim
# the prose makes that this run's output does not show is reported as
# "@@@CHECK-FAILED WHAT", and scripts/tour then refuses the run.
#
# Protocol with a program: it prints pid=N and KEY=0xADDR lines, then
# "waiting" before each step, and reads a line from its stdin (a fifo, our
# fd 3) to go on; it exits when the fifo is closed.

PATH=/tour:$PATH
export PATH
FAILED=0

# The document shows plain `vmdump`; colour is off (it is off in a pipe
# anyway, this makes it explicit).
vmdump() {
	command vmdump --color never "$@"
}

fail() {
	echo "@@@CHECK-FAILED $*"
	FAILED=1
}

# wait until the program has printed "waiting" $STEP times
wait_step() {
	n=0
	while :; do
		c=$(grep -c '^waiting$' "$OUT" 2>/dev/null)
		[ "${c:-0}" -ge "$STEP" ] && break
		if ! kill -0 "$PID" 2>/dev/null; then
			fail "$SUB: exited before step $STEP"
			cat "$OUT"
			exit 1
		fi
		n=$((n + 1))
		if [ $n -gt 600 ]; then
			fail "$SUB: step $STEP timed out"
			cat "$OUT"
			exit 1
		fi
		sleep 0.1
	done
}

# start PROGRAM SUBCOMMAND: run it, wait for its first step; sets P
start() {
	PROG=$1
	SUB=$2
	OUT=/tmp/tour.$SUB.$PROG.out
	CTL=/tmp/tour.$SUB.$PROG.ctl
	rm -f "$CTL"
	mkfifo "$CTL"
	: >"$OUT"
	"$PROG" "$SUB" >"$OUT" 2>&1 <"$CTL" &
	PID=$!
	exec 3>"$CTL"
	STEP=1
	wait_step
	P=$(val pid)
}

# the program's KEY=VALUE
val() {
	sed -n "s/^$1=//p" "$OUT" | head -n 1
}

# let the program do its next step
go() {
	echo go >&3
	STEP=$((STEP + 1))
	wait_step
}

finish() {
	exec 3>&-
	wait "$PID"
}

# the program's output so far, as if it had been started by hand
progout() {
	echo "@@@BEGIN $1"
	echo "\$ $PROG $SUB &"
	grep -v '^waiting$' "$OUT"
	echo "@@@END $1"
}

# show NAME COMMAND...: run each COMMAND and print it with its output
show() {
	name=$1
	shift
	echo "@@@BEGIN $name"
	for c in "$@"; do
		echo "\$ $c"
		eval "$c" 2>&1
	done
	echo "@@@END $name"
}

# an address as vmdump's tables print it: 16 hex digits, no 0x
hex16() {
	printf '%016x' "$1"
}

# translate's result fields for PID ADDR
pfn_of() {
	vmdump translate "$1" "$2" --bytes 0 | sed -n 's/^  pfn *//p'
}
flags_of() {
	vmdump translate "$1" "$2" --bytes 0 | sed -n 's/^  flags *//p'
}
# has FLAGS LETTERS: every letter is in FLAGS; hasnt FLAGS LETTERS: none is
has() {
	case $2 in "") return 0 ;; esac
	l=${2%"${2#?}"}
	case $1 in *"$l"*) has "$1" "${2#?}" ;; *) return 1 ;; esac
}
hasnt() {
	case $2 in "") return 0 ;; esac
	l=${2%"${2#?}"}
	case $1 in *"$l"*) return 1 ;; *) hasnt "$1" "${2#?}" ;; esac
}
# expect WHAT FLAGS +LETTERS -LETTERS
expect() {
	if ! has "$2" "${3#+}" || ! hasnt "$2" "${4#-}"; then
		fail "$1: flags $2, expected $3 $4"
	fi
}
mapped_of() {
	vmdump translate "$1" "$2" --bytes 0 | sed -n 's/.*, mapped \([0-9]*\) time.*/\1/p'
}

show env "uname -r" "vmdump --version | head -n 1" "nproc" "head -n 1 /proc/meminfo" \
	"cat /proc/swaps" "cat /sys/kernel/mm/transparent_hugepage/enabled" \
	"grep -o -w -m 1 la57 /proc/cpuinfo || echo 'no la57: 4-level paging'"

# --- 1. the address space and its segments --------------------------------
start tour segments
progout s1-prog
show s1-summary "vmdump $P"
show s1-layout "vmdump layout $P | grep -E 'START|user|rss'"
finish
start tour-dyn segments
progout s1-dyn-prog
show s1-dyn "vmdump $P | grep -E 'RANGE|\\.so|vdso|total'"
finish

# --- 2. VPN and offset; 3. the page-table walk -----------------------------
start tour vpn
A=$(val addr)
AE=$(val addr_end)
AN=$(val addr_next)
progout s2-prog
show s2-split "printf 'vpn 0x%x  offset 0x%x\\n' \$(($A >> 12)) \$(($A & 0xfff))"
show s2-translate "vmdump translate $P $A --bytes 32 | sed -n '1,2p;/^  pfn/p;/bytes at/,\$p'"
show s2-three \
	"vmdump translate $P $A --bytes 0 | grep -E 'vpn|  pfn'" \
	"vmdump translate $P $AE --bytes 0 | grep -E 'vpn|  pfn'" \
	"vmdump translate $P $AN --bytes 0 | grep -E 'vpn|  pfn'"
[ "$(pfn_of "$P" "$A")" = "$(pfn_of "$P" "$AE")" ] ||
	fail "s2: two offsets in one page have different PFNs"
show s3-walk "vmdump translate $P $A --bytes 0"
SHIFTS="39 30 21 12"
grep -q -w la57 /proc/cpuinfo && SHIFTS="48 $SHIFTS"
show s3-indices "for shift in $SHIFTS; do echo -n \"\$(( ($A >> shift) & 511 )) \"; done; echo"
finish

# --- 4. present bit, page faults, demand paging ----------------------------
start tour demand
A=$(val area)
A5=$(val area_5)
H=$(hex16 "$A")
progout s4-prog
show s4-untouched \
	"vmdump $P | grep -E 'RANGE|^$H'" \
	"vmdump pages $P --range $A+256K" \
	"vmdump translate $P $A --bytes 0 | sed -n '/result/,\$p'"
vmdump translate "$P" "$A" --bytes 0 | grep -q 'stop=none' || fail "s4: untouched page has an entry"
vmdump watch "$P" --range "$A+256K" --interval 2 --count 1 >/tmp/tour.watch 2>&1 &
WPID=$!
# go on once watch has made its first walk (it prints its header then)
n=0
until grep -q '^watching' /tmp/tour.watch; do
	n=$((n + 1))
	[ $n -lt 600 ] || { fail "s4: watch did not start"; break; }
	sleep 0.1
done
go
wait "$WPID"
echo "@@@BEGIN s4-watch"
echo "\$ vmdump watch $P --range $A+256K --interval 2 --count 1"
cat /tmp/tour.watch
echo "@@@END s4-watch"
grep -q 'faulted-in 16$' /tmp/tour.watch || fail "s4: watch did not see 16 pages faulted in"
show s4-written \
	"vmdump $P | grep -E 'RANGE|^$H'" \
	"vmdump map $P | grep -A1 '^$H'" \
	"vmdump pages $P --range $A+32K"
go
show s4-read \
	"vmdump map $P | grep -A1 '^$H'" \
	"vmdump pages $P --range $A+32K"
vmdump translate "$P" "$A5" --bytes 0 | grep -q 'stop=leaf at pte, zero' ||
	fail "s4: a read page is not the zero page"
finish

# --- 5. dirty and accessed -------------------------------------------------
start tour dirty
F=$(val file)
progout s5-prog
F1=$(printf '0x%x' $((F + 4096)))
show s5-1 "vmdump pages $P --range $F+16K --per-page"
expect "s5-1 page 0" "$(flags_of "$P" "$F")" +PA -D
expect "s5-1 page 1" "$(flags_of "$P" "$F1")" +PAD ""
vmdump translate "$P" "$(printf '0x%x' $((F + 2 * 4096)))" --bytes 0 | grep -q 'stop=none' ||
	fail "s5: an untouched page has an entry"
go
show s5-2 "echo 1 > /proc/$P/clear_refs" "vmdump pages $P --range $F+16K --per-page"
expect "s5-2 page 0" "$(flags_of "$P" "$F")" +P -AD
expect "s5-2 page 1" "$(flags_of "$P" "$F1")" +PD -A
go
show s5-3 "vmdump pages $P --range $F+16K --per-page"
expect "s5-3 page 0" "$(flags_of "$P" "$F")" +PA -D
expect "s5-3 page 1" "$(flags_of "$P" "$F1")" +PD -A
go
show s5-4 "vmdump pages $P --range $F+16K --per-page"
expect "s5-4 page 0" "$(flags_of "$P" "$F")" +PAD ""
finish

# --- 6. anonymous vs file-backed -------------------------------------------
start tour backing
F=$(val file)
F1=$(val file_1)
AA=$(val anon)
FEND=$(printf '0x%x' $((F + 4 * 4096)))
progout s6-prog
show s6-summary "vmdump $P | grep -E 'RANGE|tour-file|^$(hex16 "$AA")'"
show s6-pages "vmdump pages $P --range $F+16K" "vmdump pages $P --range $AA+16K"
RAW="exec 4<>/sys/kernel/debug/vmview/pages; echo 'pid=$P start=$F end=$FEND' >&4; cat <&4; exec 4<&-"
show s6-raw "$RAW"
eval "$RAW" | grep -q "^$(printf '0x%016x' $((F1)))-.* src=file off=0x5000" || fail "s6: page 1 is not file offset 0x5000"
expect "s6 file page" "$(flags_of "$P" "$F1")" +P -W
go
show s6-cow "$RAW" \
	"dd if=/tmp/tour-file bs=4096 skip=5 count=1 2>/dev/null | head -c 32; echo" \
	"vmdump translate $P $F1 --bytes 32 | tail -2"
eval "$RAW" | grep -q "^$(printf '0x%016x' $((F1)))-.* src=anon" || fail "s6: written page 1 is not anonymous"
dd if=/tmp/tour-file bs=4096 skip=5 count=1 2>/dev/null | grep -q 'this is page 5' || fail "s6: the file changed"
expect "s6 copied page" "$(flags_of "$P" "$F1")" +PW ""
vmdump translate "$P" "$F1" --bytes 32 | grep -q '|rocess.tour-file|' || fail "s6: the copy lost the file's bytes"
finish

# --- 7. copy-on-write ------------------------------------------------------
start tour cow
A=$(val page)
C=$(val child)
progout s7-prog
COWP="vmdump translate $P $A --bytes 32 | grep -E 'result|flags|pfn|^  0000'"
COWC="vmdump translate $C $A --bytes 32 | grep -E 'result|flags|pfn|^  0000'"
show s7-fork "$COWP" "$COWC"
P1=$(pfn_of "$P" "$A")
[ "$P1" = "$(pfn_of "$C" "$A")" ] || fail "s7: parent and child differ after fork"
[ "$(mapped_of "$P" "$A")" = 2 ] || fail "s7: not mapped twice after fork"
expect "s7 parent after fork" "$(flags_of "$P" "$A")" +P -W
expect "s7 child after fork" "$(flags_of "$C" "$A")" +P -W
go
show s7-child "$COWP" "$COWC"
[ "$P1" = "$(pfn_of "$P" "$A")" ] || fail "s7: the parent's PFN changed when the child wrote"
[ "$P1" != "$(pfn_of "$C" "$A")" ] || fail "s7: the child still has the parent's PFN after writing"
expect "s7 parent after the child wrote" "$(flags_of "$P" "$A")" +P -W
expect "s7 child after writing" "$(flags_of "$C" "$A")" +PW ""
[ "$(mapped_of "$P" "$A")" = 1 ] || fail "s7: parent page still mapped twice"
go
show s7-parent "$COWP"
[ "$P1" = "$(pfn_of "$P" "$A")" ] || fail "s7: the parent's write copied the page"
expect "s7 parent after writing" "$(flags_of "$P" "$A")" +PW ""
finish

# --- 8. swap ---------------------------------------------------------------
start tour swap
A=$(val area)
progout s8-prog
show s8-1 "vmdump pages $P --range $A+32K"
go
show s8-2 "vmdump pages $P --range $A+32K" \
	"vmdump translate $P $A --bytes 0 | sed -n '/pte\\[/,\$p'"
vmdump translate "$P" "$A" --bytes 0 | grep -q 'stop=swap' || fail "s8: not swapped out"
go
show s8-3 "vmdump pages $P --range $A+32K" \
	"vmdump translate $P $A --bytes 16 | sed -n '/result/,/pfn/p;/^  0000/p'"
vmdump translate "$P" "$A" --bytes 0 | grep -q 'stop=leaf' || fail "s8: not swapped back in"
expect "s8 read back" "$(flags_of "$P" "$A")" +PA -WD
vmdump translate "$P" "$(printf '0x%x' $((A + 4 * 4096)))" --bytes 0 | grep -q 'stop=swap' ||
	fail "s8: an unread page is not in swap any more"
finish

# --- 9. huge pages ---------------------------------------------------------
start tour huge
T=$(val thp)
TB=$(val thp_byte)
S=$(val small)
SB=$(val small_byte)
HT=$(val hugetlb)
progout s9-prog
show s9-summary "vmdump $P | grep -E 'RANGE|^($(hex16 "$T")|$(hex16 "$S")|$(hex16 "$HT"))'"
show s9-pages "vmdump pages $P --only huge" "vmdump pages $P --range $S+2M"
show s9-walk \
	"vmdump translate $P $TB --bytes 0 | sed -n '/CR3/,/result/p'" \
	"vmdump translate $P $SB --bytes 0 | sed -n '/CR3/,/result/p'"
vmdump translate "$P" "$TB" --bytes 0 | grep -q 'stop=leaf at pmd' || fail "s9: no THP"
vmdump translate "$P" "$HT" --bytes 0 | grep -q 'stop=leaf at pmd' || fail "s9: no hugetlb page"
vmdump translate "$P" "$SB" --bytes 0 | grep -q 'stop=leaf at pte' || fail "s9: the small region is not 4K"
finish

# --- 10. the direct map; 11. kernel vs user; 12. MMU and TLB ---------------
sleep 1000 &
SLEEP=$!
start tour directmap
A=$(val page)
progout s10-prog
show s10-1 "vmdump layout $P | grep page_offset_base" \
	"vmdump pages $P --range $A" \
	"vmdump translate $P $A --bytes 32 | sed -n '/result/,\$p'"
vmdump translate "$P" "$A" --bytes 32 | grep -q '|hello from pid' || fail "s10: bytes not seen"
go
show s10-2 "vmdump translate $P $A --bytes 32 | sed -n '/bytes at/,\$p'"
show s11-layout "vmdump layout $P"
show s12-cr3 "vmdump layout $P | tail -n 1" "vmdump layout $SLEEP | tail -n 1" \
	"vmdump translate $P $A --bytes 0 | grep CR3"
show s12-cpu "grep -o -w -E 'pge|pcid|invpcid|la57|pti' /proc/cpuinfo | sort -u"
show s12-global "vmdump pages $P | grep -c -E ' [-P][-W][-U][-A][-D][-N]G'" \
	"grep -c -E ' [-P][-W][-U][-A][-D][-N]G' /sys/kernel/debug/vmview/kernel" \
	"grep -m 6 -E ' [-P][-W][-U][-A][-D][-N]G' /sys/kernel/debug/vmview/kernel"
[ "$(vmdump pages "$P" | grep -c -E ' [-P][-W][-U][-A][-D][-N]G')" = 0 ] || fail "s12: a user page is global"
[ "$(grep -c -E ' [-P][-W][-U][-A][-D][-N]G' /sys/kernel/debug/vmview/kernel)" -gt 0 ] || fail "s12: no global kernel page"
[ "$(vmdump layout "$P" | tail -n 1 | sed 's/.* //')" != "$(vmdump layout "$SLEEP" | tail -n 1 | sed 's/.* //')" ] ||
	fail "s12: two processes with one top-level table"
finish
kill "$SLEEP"

echo "@@@DONE failed=$FAILED"
exit "$FAILED"
