// knowhow's C shim over ALE 0.12.1's C++ ALEInterface (ALE 0.12 has no C API): plain functions over an opaque
// handle, no C++ exception crossing into Rust (each is caught and turned into an error code and message).
// Part of the `ale` crate, under the GPL-2.0 like the ALE it links.

#include <cstring>
#include <exception>

#include "ale/ale_interface.hpp"
#include "ale/common/Log.hpp"

struct KnowhowAle {
  ale::ALEInterface interface;
};

static void write_message(const char* message, char* out, size_t capacity) {
  if (capacity == 0) return;
  std::strncpy(out, message, capacity - 1);
  out[capacity - 1] = '\0';
}

extern "C" {

// 1: `path` is a ROM ALE supports (its name written to `out`); 0: it is not; -1: it could not be read (`out` says why).
int knowhow_ale_supported_rom(const char* path, char* out, size_t capacity) {
  try {
    std::optional<std::string> name = ale::ALEInterface::isSupportedROM(path);
    if (!name) return 0;
    write_message(name->c_str(), out, capacity);
    return 1;
  } catch (const std::exception& error) {
    write_message(error.what(), out, capacity);
    return -1;
  }
}

// A new interface with ALE's logging limited to errors (its welcome banner goes to stderr otherwise).
KnowhowAle* knowhow_ale_new() {
  try {
    ale::Logger::setMode(ale::Logger::Error);
    return new KnowhowAle();
  } catch (...) {
    return nullptr;
  }
}

void knowhow_ale_free(KnowhowAle* handle) { delete handle; }

void knowhow_ale_set_int(KnowhowAle* handle, const char* key, int value) { handle->interface.setInt(key, value); }

void knowhow_ale_set_float(KnowhowAle* handle, const char* key, float value) {
  handle->interface.setFloat(key, value);
}

// 0 on success; -1 with the reason in `out`.
int knowhow_ale_load_rom(KnowhowAle* handle, const char* path, char* out, size_t capacity) {
  try {
    handle->interface.loadROM(path);
    return 0;
  } catch (const std::exception& error) {
    write_message(error.what(), out, capacity);
    return -1;
  }
}

void knowhow_ale_reset_game(KnowhowAle* handle) { handle->interface.reset_game(); }

int knowhow_ale_act(KnowhowAle* handle, int action, float strength) {
  return handle->interface.act(static_cast<ale::Action>(action), strength);
}

int knowhow_ale_game_over(const KnowhowAle* handle, int with_truncation) {
  return handle->interface.game_over(with_truncation != 0) ? 1 : 0;
}

int knowhow_ale_game_truncated(const KnowhowAle* handle) { return handle->interface.game_truncated() ? 1 : 0; }

int knowhow_ale_lives(KnowhowAle* handle) { return handle->interface.lives(); }

int knowhow_ale_frame_number(const KnowhowAle* handle) { return handle->interface.getFrameNumber(); }

int knowhow_ale_episode_frame_number(const KnowhowAle* handle) {
  return handle->interface.getEpisodeFrameNumber();
}

// Writes up to `capacity` actions of the minimal set into `out`; returns how many the set has.
size_t knowhow_ale_minimal_action_set(const KnowhowAle* handle, int* out, size_t capacity) {
  ale::ActionVect actions = handle->interface.getMinimalActionSet();
  for (size_t index = 0; index < actions.size() && index < capacity; ++index) out[index] = actions[index];
  return actions.size();
}

// Copies the 128 bytes of the console's RAM into `out`.
void knowhow_ale_ram(const KnowhowAle* handle, unsigned char* out) {
  const ale::ALERAM& ram = handle->interface.getRAM();
  std::memcpy(out, ram.array(), ram.size());
}

size_t knowhow_ale_screen_height(const KnowhowAle* handle) { return handle->interface.getScreen().height(); }

size_t knowhow_ale_screen_width(const KnowhowAle* handle) { return handle->interface.getScreen().width(); }

// The screen as ALE's grayscale (one byte a pixel) or RGB (three) into `out`, row by row, through the palette
// as ALEInterface::getScreenGrayscale / getScreenRGB do, without their intermediate vector; returns the bytes the
// screen has, writing them only when `capacity` holds them all.
size_t knowhow_ale_screen_grayscale(KnowhowAle* handle, unsigned char* out, size_t capacity) {
  const ale::ALEScreen& screen = handle->interface.getScreen();
  size_t pixels = screen.height() * screen.width();
  if (pixels <= capacity) {
    handle->interface.theOSystem->colourPalette().applyPaletteGrayscale(out, screen.getArray(), pixels);
  }
  return pixels;
}

size_t knowhow_ale_screen_rgb(KnowhowAle* handle, unsigned char* out, size_t capacity) {
  const ale::ALEScreen& screen = handle->interface.getScreen();
  size_t pixels = screen.height() * screen.width();
  if (3 * pixels <= capacity) {
    handle->interface.theOSystem->colourPalette().applyPaletteRGB(out, screen.getArray(), pixels);
  }
  return 3 * pixels;
}

}  // extern "C"
