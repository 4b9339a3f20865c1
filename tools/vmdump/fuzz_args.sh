#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Random command lines against vmdump built with ASan/UBSan (make fuzz):
# every run must end with a documented exit code (0..11), never a signal or
# a sanitizer report.  Commands run on recorded module output half of the
# time (VMDUMP_REPLAY=testdata/guest5, text pages, or testdata/guest4-bin,
# binary pages).
#   ./fuzz_args.sh [VMDUMP] [SECONDS]
set -u
cd "$(dirname "$0")"
V=${1:-./vmdump-asan}
SECS=${2:-60}
export ASAN_OPTIONS=exitcode=99:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:exitcode=98:print_stacktrace=1
export VMDUMP_NO_PROGRESS=1
words=(summary pages translate layout map watch check help frob
	--json -j --color --color=always --color=never --colour auto
	--range -r --only -o --per-page -p --interval -i --count -n
	--bytes -b --width -w --verbose -v --help -h --version -V -- -
	--text-pages
	108 1 0 -1 99999999999999999999 4194304 4194305 0x1000 0x7fb218c00000
	0x7fb218c00000-0x7fb218e00000 0x1000+2M 0x1000+99999T 0xffffffffffffffff
	0x-1 present dirty,anon huge,swapped,shared purple, 0.01 0.5 1e9 nan
	inf 2 3 8 1024 257 "" " " "$(printf '\x01\xff')" %s%n%s
	"$(head -c 300 /dev/zero | tr '\0' 9)")
end=$((SECONDS + SECS))
runs=0 bad=0
while [ $SECONDS -lt $end ]; do
	n=$((RANDOM % 7))
	args=()
	for ((k = 0; k < n; k++)); do
		args+=("${words[RANDOM % ${#words[@]}]}")
	done
	case $((RANDOM % 4)) in
	0) R=testdata/guest5;;
	1) R=testdata/guest4-bin;;
	*) R=;;
	esac
	out=$(VMDUMP_REPLAY=$R timeout 3 "$V" "${args[@]}" 2>&1 >/dev/null)
	rc=$?
	runs=$((runs + 1))
	if [ $rc -gt 11 ] && [ $rc != 124 ] || grep -q 'Sanitizer\|runtime error' <<<"$out"; then
		bad=$((bad + 1))
		printf 'BAD rc=%s REPLAY=%s: vmdump' "$rc" "$R"
		printf ' %q' "${args[@]}"
		printf '\n%s\n' "$out" | head -20
	fi
done
echo "fuzz_args: $runs command lines, $bad bad"
[ $bad = 0 ]
