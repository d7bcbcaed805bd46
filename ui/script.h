/*
 * ui/script.h - the automation script (--script FILE): one command per
 * line, '#' comments, blank lines ignored.
 *
 *   wait-screen TEXT [SECONDS]    wait-serial TEXT [SECONDS]
 *   type TEXT                     key COMBO
 *   sleep SECONDS                 screendump FILE
 *   savevm NAME                   loadvm NAME
 *   exit CODE
 *
 * TEXT is the rest of the line; a trailing number is taken as SECONDS. To
 * wait for text that ends in a number, or has leading/trailing spaces, quote
 * it: wait-screen "Version 6". In TEXT, \n is Enter, \t Tab, \e Esc, \\ a
 * backslash, \" a quote.
 */
#ifndef UI_SCRIPT_H
#define UI_SCRIPT_H

#include "emu.h"

typedef enum ScriptOp {
    SC_WAIT_SCREEN, SC_WAIT_SERIAL, SC_TYPE, SC_KEY, SC_SLEEP,
    SC_SCREENDUMP, SC_SAVEVM, SC_LOADVM, SC_EXIT,
} ScriptOp;

typedef struct ScriptCmd {
    ScriptOp op;
    char *text;          /* unescaped TEXT, COMBO, FILE or NAME */
    double seconds;      /* wait timeout (0 = none), sleep length */
    int code;            /* exit */
    int line;
} ScriptCmd;

typedef struct Script {
    char *path;
    ScriptCmd *cmds;
    int n;
} Script;

/* Parse a whole script; NULL after one error line naming file:line. */
Script *script_load(const char *path);
/* Parse from a string (tests). */
Script *script_parse(const char *name, const char *text);
void script_free(Script *s);

#endif
