/*
 * ui/sdl.c - the SDL2 display window and keyboard input.
 *
 * Models:       a resizable window that always shows the guest picture at
 *               4:3 (720x400 text and 320x200 graphics both fill a 4:3
 *               frame, as on a VGA monitor); the texture is re-uploaded
 *               only when vga_render reports a change; key presses and
 *               releases go to the InputSink as set-1 key numbers, host
 *               auto-repeat as further presses (like the keyboard's own
 *               typematic repeat); closing the window ends the run.
 * Not modelled: mouse input and grab (Ctrl+Alt+G is reserved for it), host
 *               keyboard layouts other than by physical key position.
 * Spec:         SDL2 API (SDL_CreateWindow, SDL_RenderSetLogicalSize,
 *               SDL_UpdateTexture, SDL_PollEvent).
 */
#include "ui/sdl.h"
#include "ui/keymap.h"

#ifdef CONFIG_SDL
#include <SDL.h>

#define SDL_UI_ASPECT_W 640
#define SDL_UI_ASPECT_H 480

struct SdlUi {
    Vga          *vga;
    InputSink     input;
    SDL_Window   *window;
    SDL_Renderer *renderer;
    SDL_Texture  *texture;
    int           tex_w, tex_h;
};

static void set_err(char *err, size_t errlen, const char *what)
{
    if (err && errlen)
        snprintf(err, errlen, "%s: %s", what, SDL_GetError());
}

SdlUi *sdl_ui_new(Vga *vga, InputSink input, char *err, size_t errlen)
{
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
        set_err(err, errlen, "cannot open a display");
        return NULL;
    }
    SdlUi *ui = xzalloc(sizeof *ui);
    ui->vga = vga;
    ui->input = input;
    ui->window = SDL_CreateWindow("emu", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED,
                                  960, 720, SDL_WINDOW_RESIZABLE);
    if (ui->window)
        ui->renderer = SDL_CreateRenderer(ui->window, -1, 0);
    if (!ui->window || !ui->renderer) {
        set_err(err, errlen, "cannot create the window");
        sdl_ui_free(ui);
        return NULL;
    }
    /* Scale whatever the VGA produces into a 4:3 frame, letterboxed. */
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "linear");
    SDL_RenderSetLogicalSize(ui->renderer, SDL_UI_ASPECT_W, SDL_UI_ASPECT_H);
    SDL_SetRenderDrawColor(ui->renderer, 0, 0, 0, 255);
    SDL_RenderClear(ui->renderer);
    SDL_RenderPresent(ui->renderer);
    return ui;
}

void sdl_ui_refresh(SdlUi *ui)
{
    const uint32_t *pixels;
    int w, h, stride;
    bool changed = vga_render(ui->vga, &pixels, &w, &h, &stride);
    if (!ui->texture || w != ui->tex_w || h != ui->tex_h) {
        if (ui->texture)
            SDL_DestroyTexture(ui->texture);
        ui->texture = SDL_CreateTexture(ui->renderer, SDL_PIXELFORMAT_RGB888,
                                        SDL_TEXTUREACCESS_STREAMING, w, h);
        ui->tex_w = w, ui->tex_h = h;
        changed = true;
    }
    if (!ui->texture)
        return;
    if (changed)
        SDL_UpdateTexture(ui->texture, NULL, pixels, stride * (int)sizeof(uint32_t));
    SDL_RenderClear(ui->renderer);
    SDL_RenderCopy(ui->renderer, ui->texture, NULL, NULL);
    SDL_RenderPresent(ui->renderer);
}

static void key_event(SdlUi *ui, const SDL_KeyboardEvent *k, bool down)
{
    SDL_Keymod mod = SDL_GetModState();
    if (down && k->keysym.scancode == SDL_SCANCODE_G &&
        (mod & KMOD_CTRL) && (mod & KMOD_ALT))
        return;   /* reserved host combo (mouse grab release) */
    uint16_t code = keymap_sdl_scancode((int)k->keysym.scancode);
    if (code && ui->input.key)
        ui->input.key(ui->input.dev, code, down);
}

bool sdl_ui_poll(SdlUi *ui)
{
    SDL_Event ev;
    bool running = true;
    while (SDL_PollEvent(&ev)) {
        switch (ev.type) {
        case SDL_QUIT:
            running = false;
            break;
        case SDL_WINDOWEVENT:
            if (ev.window.event == SDL_WINDOWEVENT_CLOSE)
                running = false;
            break;
        case SDL_KEYDOWN:
            key_event(ui, &ev.key, true);
            break;
        case SDL_KEYUP:
            key_event(ui, &ev.key, false);
            break;
        default:
            break;
        }
    }
    return running;
}

void sdl_ui_free(SdlUi *ui)
{
    if (!ui)
        return;
    if (ui->texture)
        SDL_DestroyTexture(ui->texture);
    if (ui->renderer)
        SDL_DestroyRenderer(ui->renderer);
    if (ui->window)
        SDL_DestroyWindow(ui->window);
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
    free(ui);
}

#else /* !CONFIG_SDL */

SdlUi *sdl_ui_new(Vga *vga, InputSink input, char *err, size_t errlen)
{
    if (err && errlen)
        snprintf(err, errlen, "built without SDL");
    return NULL;
}

void sdl_ui_refresh(SdlUi *ui) { }
bool sdl_ui_poll(SdlUi *ui) { return false; }
void sdl_ui_free(SdlUi *ui) { }

#endif
