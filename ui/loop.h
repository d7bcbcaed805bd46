/*
 * ui/loop.h - one emulator session: builds the PC from the options, runs the
 * main loop (CPU slices, timers, host events, automation) and returns the
 * process exit status (DESIGN.md section 5).
 */
#ifndef UI_LOOP_H
#define UI_LOOP_H

#include "ui/options.h"

int emu_run(const EmuOptions *o);

#endif
