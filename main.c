/*
 * main.c - emu's entry point: parse the command line, open the trace file,
 * run one session.
 */
#include "emu.h"

#include <errno.h>

#include "ui/loop.h"
#include "ui/options.h"

int main(int argc, char **argv)
{
    EmuOptions o;
    int rc = options_parse(&o, argc, argv);
    if (rc == 1)
        return 0;
    if (rc)
        return 2;
    emu_log_mask = o.log_mask;
    if (o.log_file) {
        emu_log_file = fopen(o.log_file, "w");
        if (!emu_log_file) {
            emu_error(o.log_file, "cannot open trace file: %s", strerror(errno));
            return 2;
        }
    }
    int status = emu_run(&o);
    if (emu_log_file)
        fclose(emu_log_file);
    return status;
}
