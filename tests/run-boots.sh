#!/bin/sh
# tests/run-boots.sh - the boot matrix of `make check`: real guests from
# ../shared/guests booted headless with --expect-*/--script, plus the
# command-line error contract. Prints one line per case and a final
# "N passed, M failed" line; exits 1 if anything failed.
#
# EMU selects the binary (default ./emu); EMU_ARGS adds options to every
# run (e.g. "-accel interp").
top=$(cd "$(dirname "$0")/.." && pwd)
emu=${EMU:-$top/emu}
guests=${GUESTS:-$top/../shared/guests}
tmp=$(mktemp -d /tmp/emu-boots.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
skip=0

ok() { pass=$((pass + 1)); echo "PASS: $1"; }
bad() { fail=$((fail + 1)); echo "FAIL: $1"; [ -f "$tmp/out" ] && tail -n 30 "$tmp/out" | sed 's/^/    /'; }
skipped() { skip=$((skip + 1)); echo "SKIP: $1"; }

# expect_status NAME STATUS CMD...: run CMD, compare the exit status.
expect_status() {
    name=$1; want=$2; shift 2
    "$@" >"$tmp/out" 2>&1 </dev/null
    got=$?
    if [ "$got" = "$want" ]; then ok "$name"; else echo "    exit status $got, wanted $want"; bad "$name"; fi
}

# --- the command-line contract (needs no guest images) ---------------------
expect_status "missing floppy image exits 2" 2 "$emu" -fda "$tmp/missing.img" -display none --timeout 10
if [ "$(wc -l <"$tmp/out")" = 1 ] && grep -q '^emu: ' "$tmp/out"; then ok "missing image: one error line"; else bad "missing image: one error line"; fi
expect_status "unknown option exits 2" 2 "$emu" --no-such-option
expect_status "bad -m exits 2" 2 "$emu" -m lots -display none
expect_status "bad -m 0 exits 2" 2 "$emu" -m 0 -display none
head -c 1000 /dev/zero >"$tmp/tiny.img"
expect_status "too-small floppy exits 2" 2 "$emu" -fda "$tmp/tiny.img" -display none --timeout 10
expect_status "--help exits 0" 0 "$emu" --help
expect_status "built-in demo boots" 0 "$emu" -display none --expect-screen EMU-DEMO-OK --timeout 30
expect_status "demo: timeout exits 124" 124 "$emu" -display none --expect-screen "text that never appears" --timeout 2
printf 'wait-screen EMU-DEMO-OK 30\nexit 7\n' >"$tmp/exit.script"
expect_status "script exit code" 7 "$emu" -display none --script "$tmp/exit.script" --timeout 30
printf 'wait-screen never-there 1\n' >"$tmp/fail.script"
expect_status "failed wait exits 1" 1 "$emu" -display none --script "$tmp/fail.script" --timeout 30
printf 'wait-screen EMU-DEMO-OK 30\ntype x\nkey esc\nsleep 5\n' >"$tmp/esc.script"
expect_status "demo: Esc powers off through port 0xf4" 1 "$emu" -display none --script "$tmp/esc.script" --timeout 30

# --- FreeDOS ------------------------------------------------------------------
if [ ! -d "$guests" ]; then
    skipped "FreeDOS boots: $guests not found (the shared guest kit is beside the repo)"
else
    expect_status "FreeDOS 1.44M floppy reaches A:\\>" 0 \
        "$emu" -fda "$guests/freedos-1440.img" -display none --expect-screen 'A:\>' --timeout 60
    expect_status "FreeDOS 720K floppy reaches A:\\>" 0 \
        "$emu" -fda "$guests/freedos722.img" -display none --expect-screen 'A:\>' --timeout 60
    expect_status "FreeDOS hard disk reaches C:\\>" 0 \
        "$emu" -hda "$guests/dos.img" -snapshot -display none --expect-screen 'C:\>' --timeout 60
    expect_status "FreeDOS hard disk: AUTOEXEC writes to COM1" 0 \
        "$emu" -hda "$guests/dos.img" -snapshot -display none --expect-serial 'EMU-DOS-BOOT-OK' --timeout 60
    cat >"$tmp/dos.script" <<'SCRIPT'
wait-screen C:\> 60
type ver\n
wait-screen "C:\\>ver\n\nFreeCom version" 20
type mem\n
wait-screen "Total memory" 20
type dir\n
wait-screen "COMMAND  COM" 20
screendump SCREEN
exit 0
SCRIPT
    sed -i "s|SCREEN|$tmp/dos-screen.txt|" "$tmp/dos.script"
    expect_status "FreeDOS script: VER, MEM, DIR typed through the 8042" 0 \
        "$emu" -hda "$guests/dos.img" -snapshot -display none --script "$tmp/dos.script" --timeout 120
    if grep -q 'COMMAND  COM' "$tmp/dos-screen.txt" 2>/dev/null; then ok "script screendump has the DIR listing"; else bad "script screendump has the DIR listing"; fi
    # FreeDOS with HIMEM and EMM386 (virtual-8086 mode) from a copy of the
    # floppy whose CONFIG.SYS loads both; mtools edits the copy.
    if ! command -v mcopy >/dev/null 2>&1; then
        skipped "EMM386 boot: mtools (mcopy) not installed"
    else
        cp "$guests/freedos-1440.img" "$tmp/emm.img" && chmod u+w "$tmp/emm.img"
        printf 'SWITCHES=/N\r\nDOS=HIGH,UMB\r\nFILES=40\r\nDEVICE=A:\\FREEDOS\\BIN\\HIMEM.EXE\r\nDEVICE=A:\\FREEDOS\\BIN\\EMM386.EXE\r\nSHELL=A:\\COMMAND.COM A:\\COMMAND.COM /E:1024 /P\r\n' >"$tmp/config.sys"
        mcopy -o -i "$tmp/emm.img" "$tmp/config.sys" ::CONFIG.SYS
        cat >"$tmp/emm.script" <<SCRIPT
wait-screen A:\> 60
type mem\n
wait-screen "Total memory" 30
screendump $tmp/emm-mem.txt
type debug\n
sleep 1
type r\n
wait-screen "AX=" 20
type q\n
wait-screen "-q\n\nA:\\>" 20
type edit\n
wait-screen "FreeDOS Edit" 20
key alt-x
wait-screen "A:\\>edit\n\nA:\\>" 20
exit 0
SCRIPT
        expect_status "FreeDOS + HIMEM + EMM386: MEM, DEBUG, EDIT in V86 mode" 0 \
            "$emu" -fda "$tmp/emm.img" -display none --script "$tmp/emm.script" --timeout 120
        if grep -Eq '^Upper +[1-9][0-9]*K' "$tmp/emm-mem.txt" 2>/dev/null &&
           grep -Eq '^Extended \(XMS\) +[1-9]' "$tmp/emm-mem.txt"; then
            ok "EMM386: MEM reports upper memory and XMS"
        else
            bad "EMM386: MEM reports upper memory and XMS"
        fi
    fi
    # GRUB 2 (protected mode, its own menu on VGA and COM1).
    expect_status "GRUB floppy: menu, then EMU-GRUB-DONE" 0 \
        "$emu" -fda "$guests/grub-floppy.img" -snapshot -display none -no-reboot \
        --expect-screen "GNU GRUB" --expect-serial EMU-GRUB-DONE --timeout 90
    expect_status "GRUB hybrid ISO as a hard disk: menu, then EMU-GRUB-DONE" 0 \
        "$emu" -hda "$guests/grub.iso" -snapshot -display none -no-reboot \
        --expect-screen "GNU GRUB" --expect-serial EMU-GRUB-DONE --timeout 90
fi

echo "boots: $skip skipped"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
