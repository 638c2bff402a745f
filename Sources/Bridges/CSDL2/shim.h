#pragma once
#include <SDL.h>

// Swift does not import function-like C macros; these wrap the few we use.
static inline int CSDL_WindowPosCentered(void) { return (int)SDL_WINDOWPOS_CENTERED; }
static inline int CSDL_WindowPosUndefined(void) { return (int)SDL_WINDOWPOS_UNDEFINED; }
static inline SDL_Surface *CSDL_LoadBMP(const char *file) { return SDL_LoadBMP(file); }
static inline int CSDL_SaveBMP(SDL_Surface *surface, const char *file) { return SDL_SaveBMP(surface, file); }
static inline int CSDL_MustLock(SDL_Surface *surface) { return SDL_MUSTLOCK(surface); }
