#!/bin/sh
# tests/run-lockstep.sh - the translator checked against the interpreter,
# block by block (-accel lockstep), in `make check`:
#  - every test guest of tests/guests/pm_*.S (SMC torture included);
#  - FreeDOS from floppy to A:\> and from the hard disk to C:\>;
#  - Debian's i386 Linux for 45 s of lockstep (the kernel decompressor and
#    early boot; the whole boot would take an hour this way) - passing
#    means no difference was found in that time (exit 124, no report);
# (the benchmark workloads run under lockstep in run-kernels.sh).
# A difference prints the block's guest code and both states and fails.
# Prints one line per case and "N passed, M failed"; missing inputs print
# SKIP with the reason.
top=$(cd "$(dirname "$0")/.." && pwd)
emu=${EMU:-$top/emu}
guests=${GUESTS:-$top/../shared/guests}
tmp=$(mktemp -d /tmp/emu-lockstep.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0; skip=0
ok() { pass=$((pass + 1)); echo "PASS: $1"; }
bad() { fail=$((fail + 1)); echo "FAIL: $1"; [ -f "$tmp/out" ] && head -n 40 "$tmp/out" | sed 's/^/    /'; }
skipped() { skip=$((skip + 1)); echo "SKIP: $1"; }

if EMU_ARGS="-accel lockstep" "$top/tests/run-guests.sh" >"$tmp/out" 2>&1; then
    ok "test guests under lockstep ($(tail -n 1 "$tmp/out"))"
else
    bad "test guests under lockstep"
fi

if [ ! -f "$guests/freedos-1440.img" ]; then
    skipped "FreeDOS floppy: $guests/freedos-1440.img not found"
else
    "$emu" -accel lockstep -fda "$guests/freedos-1440.img" -snapshot -display none \
        --expect-screen 'A:\>' --timeout 300 >"$tmp/out" 2>&1 </dev/null
    if [ $? = 0 ]; then ok "FreeDOS floppy to A:\\> under lockstep"; else bad "FreeDOS floppy under lockstep"; fi
fi
if [ ! -f "$guests/dos.img" ]; then
    skipped "FreeDOS hard disk: $guests/dos.img not found"
else
    "$emu" -accel lockstep -hda "$guests/dos.img" -snapshot -display none \
        --expect-screen 'C:\>' --timeout 300 >"$tmp/out" 2>&1 </dev/null
    if [ $? = 0 ]; then ok "FreeDOS hard disk to C:\\> under lockstep"; else bad "FreeDOS hard disk under lockstep"; fi
fi

cache=${EMU_LINUX_CACHE:-$top/tests/.cache/linux}
if [ ! -f "$cache/vmlinuz" ] || [ ! -f "$cache/initrd.gz" ]; then
    skipped "Linux under lockstep: no kernel in $cache (run-kernels.sh builds it)"
else
    "$emu" -accel lockstep -m 256 -kernel "$cache/vmlinuz" -initrd "$cache/initrd.gz" \
        -append "console=ttyS0 cryptomgr.notests" -display none -serial stdio -no-reboot \
        -d stats --timeout 45 >"$tmp/out" 2>&1 </dev/null
    status=$?
    blocks=$(sed -n 's/^ *lockstep blocks *\([0-9]*\) compared.*/\1/p' "$tmp/out")
    if [ "$status" = 124 ] && ! grep -q 'lockstep:' "$tmp/out" && [ "${blocks:-0}" -gt 1000000 ]; then
        ok "Linux: $blocks blocks in lockstep without a difference"
    else
        echo "    exit status $status, blocks compared '${blocks}'"
        bad "Linux under lockstep"
    fi
fi

echo "lockstep: $skip skipped"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
