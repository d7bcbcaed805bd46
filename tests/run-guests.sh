#!/bin/sh
# tests/run-guests.sh - the test guests of tests/guests/pm_*.S: builds each
# as a 1.44 MB floppy image (obj/tests/guests/NAME.img), boots it headless
# with the debug console on stdout, and checks the exit status: 1 (the guest
# wrote 0 to port 0xf4) for a pass, 0 for pm_triple (a triple fault resets
# the machine, which -no-reboot turns into status 0). Prints PASS/FAIL per
# guest, the guest's output on failure, and a final "N passed, M failed".
#
# EMU selects the binary (default ./emu); EMU_ARGS adds options to every run.
# QEMU=1 runs the same images on qemu-system-i386 instead (the cross-check).
# Arguments name guests to run (default: all pm_*.S).
top=$(cd "$(dirname "$0")/.." && pwd)
emu=${EMU:-$top/emu}
tmp=$(mktemp -d /tmp/emu-guests.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

if [ $# -gt 0 ]; then
    names="$*"
else
    names=$(cd "$top/tests/guests" && ls pm_*.S | sed 's/\.S$//')
fi

for name in $names; do
    img=obj/tests/guests/$name.img
    if ! (cd "$top" && make -s "$img") >"$tmp/out" 2>&1; then
        fail=$((fail + 1)); echo "FAIL: $name (build)"; sed 's/^/    /' "$tmp/out"
        continue
    fi
    want=1
    [ "$name" = pm_triple ] && want=0
    if [ -n "$QEMU" ]; then
        timeout 30 qemu-system-i386 -nic none -display none -no-reboot \
            -drive file="$top/$img",format=raw,if=floppy,snapshot=on \
            -debugcon stdio \
            -device isa-debug-exit,iobase=0xf4,iosize=0x04 >"$tmp/out" 2>&1 </dev/null
    else
        # shellcheck disable=SC2086
        "$emu" -fda "$top/$img" -snapshot -display none -debugcon stdio -no-reboot \
            --timeout 30 $EMU_ARGS >"$tmp/out" 2>&1 </dev/null
    fi
    got=$?
    if [ "$got" = "$want" ]; then
        pass=$((pass + 1)); echo "PASS: $name"
    else
        fail=$((fail + 1)); echo "FAIL: $name (exit status $got, wanted $want)"
        tail -n 40 "$tmp/out" | sed 's/^/    /'
    fi
done

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
