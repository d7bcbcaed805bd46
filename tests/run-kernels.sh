#!/bin/sh
# tests/run-kernels.sh - kernels loaded with -kernel, in `make check`:
#  - the benchmark guest of ../shared/bench (Multiboot), every workload at a
#    small count, checked against the checksum its native build computes;
#  - memtest86+ (Linux boot protocol) through its first tests, no errors;
#  - Debian's i386 Linux with the BusyBox initramfs, built by
#    ../shared/guests/linux/build-linux.sh into tests/.cache/linux (cached).
# Prints one line per case and "N passed, M failed"; missing inputs or
# tools print SKIP with the reason.
top=$(cd "$(dirname "$0")/.." && pwd)
emu=${EMU:-$top/emu}
shared=${SHARED:-$top/../shared}
tmp=$(mktemp -d /tmp/emu-kernels.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0; skip=0
ok() { pass=$((pass + 1)); echo "PASS: $1"; }
bad() { fail=$((fail + 1)); echo "FAIL: $1"; [ -f "$tmp/out" ] && tail -n 25 "$tmp/out" | sed 's/^/    /'; }
skipped() { skip=$((skip + 1)); echo "SKIP: $1"; }

# ---- the benchmark guest -----------------------------------------------------
if [ ! -d "$shared/bench" ]; then
    skipped "bench: $shared/bench not found"
elif ! echo 'int main(void){return 0;}' | cc -m32 -x c -o "$tmp/m32" - 2>/dev/null; then
    skipped "bench: cc -m32 cannot link (apt-get install gcc-multilib)"
else
    cp -r "$shared/bench" "$tmp/bench" && chmod -R u+w "$tmp/bench"
    if ! make -s -C "$tmp/bench" >"$tmp/out" 2>&1; then
        bad "bench: build"
    else
        # every workload under each engine: the translator, the interpreter,
        # and both in lockstep (a difference fails the run with a report)
        for accel in jit interp lockstep; do
        for w in int:20 mem:2 branch:2 call:50 fpu:2 syscall:20000 pagefault:20 smc:2000 io:100000; do
            name=${w%%:*}; n=${w#*:}
            want=$("$tmp/bench/native" "$name" "$n" 2>/dev/null | grep '^BENCH')
            "$emu" -m 128 -display none -serial stdio -debugcon null -accel $accel --timeout 120 \
                -kernel "$tmp/bench/bench.elf" -append "$name $n" >"$tmp/out" 2>&1 </dev/null
            status=$?
            got=$(grep '^BENCH' "$tmp/out" | tr -d '\r')
            if [ "$status" = 1 ] && [ -n "$want" ] && [ "$got" = "$want" ]; then
                ok "bench $name x$n ($accel): $got"
            else
                echo "    exit status $status (want 1), got '$got', want '$want'"
                bad "bench $name x$n ($accel)"
            fi
        done
        done
    fi
fi

# ---- memtest86+ ---------------------------------------------------------------
mt="$shared/guests/memtest86+ia32.bin"
if [ ! -f "$mt" ]; then
    skipped "memtest86+: $mt not found"
else
    cat >"$tmp/mt.script" <<SCRIPT
wait-screen "Memtest86+ v6" 60
wait-screen "Test #2 " 240
screendump $tmp/mt.txt
exit 0
SCRIPT
    "$emu" -m 32 -display none -kernel "$mt" --script "$tmp/mt.script" --timeout 300 >"$tmp/out" 2>&1 </dev/null
    status=$?
    if [ "$status" = 0 ] && grep -q 'Errors: 0' "$tmp/mt.txt"; then
        ok "memtest86+: tests #0 and #1 pass with Errors: 0"
    else
        bad "memtest86+: tests #0 and #1 (exit $status)"
    fi
fi

# ---- Linux -----------------------------------------------------------------------
cache=${EMU_LINUX_CACHE:-$top/tests/.cache/linux}
if [ ! -f "$cache/vmlinuz" ] && [ -x "$shared/guests/linux/build-linux.sh" ]; then
    if [ "$(id -u)" = 0 ]; then
        mkdir -p "$cache"
        "$shared/guests/linux/build-linux.sh" "$cache" >"$tmp/out" 2>&1 || true
    fi
fi
if [ ! -f "$cache/vmlinuz" ] || [ ! -f "$cache/initrd.gz" ]; then
    skipped "Linux: no kernel in $cache (build-linux.sh needs root and Debian's package mirror)"
else
    # cryptomgr.notests skips ~2/3 of the boot (the crypto self-tests).
    "$emu" -m 256 -kernel "$cache/vmlinuz" -initrd "$cache/initrd.gz" \
        -append "console=ttyS0 cryptomgr.notests" -display none -serial stdio -no-reboot \
        --expect-serial EMU-LINUX-DONE --timeout 400 >"$tmp/out" 2>&1 </dev/null
    status=$?
    if [ "$status" = 0 ] && grep -q EMU-LINUX-BOOT-OK "$tmp/out" &&
       ! grep -Eiq 'Oops|Kernel panic|invalid opcode' "$tmp/out"; then
        ok "Linux boots to EMU-LINUX-DONE, no oops/panic/invalid opcode"
    else
        bad "Linux boot (exit $status)"
    fi
    # ata_piix + sd_mod read the FreeDOS disk over bus-master DMA, sr_mod +
    # isofs the GRUB CD (ATAPI PACKET with DMA).
    if [ -f "$shared/guests/dos.img" ] && [ -f "$shared/guests/grub.iso" ]; then
        "$emu" -m 256 -kernel "$cache/vmlinuz" -initrd "$cache/initrd.gz" \
            -append "console=ttyS0 cryptomgr.notests emu.ata emu.cd" \
            -hda "$shared/guests/dos.img" -cdrom "$shared/guests/grub.iso" -snapshot \
            -display none -serial stdio -no-reboot \
            --expect-serial EMU-LINUX-DONE --timeout 400 >"$tmp/out" 2>&1 </dev/null
        status=$?
        if [ "$status" = 0 ] && grep -q EMU-LINUX-ATA-OK "$tmp/out" && grep -q EMU-LINUX-CD-OK "$tmp/out"; then
            ok "Linux reads the IDE disk and the ATAPI CD (EMU-LINUX-ATA-OK, EMU-LINUX-CD-OK)"
        else
            bad "Linux IDE disk and ATAPI CD (exit $status)"
        fi
    else
        skipped "Linux disk/CD test: dos.img or grub.iso not in $shared/guests"
    fi
fi

echo "kernels: $skip skipped"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
