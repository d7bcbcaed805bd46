/*
 * ui/sdl.h - the SDL2 window: shows what the VGA renders and turns host
 * keyboard events into key numbers for the guest keyboard.
 */
#ifndef UI_SDL_H
#define UI_SDL_H

#include "emu.h"
#include "hw/backend.h"
#include "hw/vga.h"

typedef struct SdlUi SdlUi;

/*
 * Open the window (title "emu"). Returns NULL and a one-line reason in err
 * when there is no display or emu was built without SDL; the caller then
 * runs headless.
 */
SdlUi *sdl_ui_new(Vga *vga, InputSink input, char *err, size_t errlen);

/* Render the VGA, upload the picture if it changed, present. Call ~60 Hz. */
void sdl_ui_refresh(SdlUi *ui);

/* Handle pending host events; false when the user closed the window. */
bool sdl_ui_poll(SdlUi *ui);

void sdl_ui_free(SdlUi *ui);

#endif
