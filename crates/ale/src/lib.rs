//! A narrow, safe interface over the Arcade Learning Environment 0.12.1 (ALE, C++, vendored and compiled by
//! build.rs): load a supported ROM with ALE's settings, reset, act, and read lives, frame counters, RAM and the
//! screen. What knowhow's `ALE/<Game>-v5` environments need, nothing more. GPL-2.0, like ALE.

use std::ffi::{c_char, c_int, CStr, CString};
use std::path::{Path, PathBuf};
use std::ptr::NonNull;

// Links the static zlib ALE reads ROMs through.
use libz_sys as _;

#[repr(C)]
struct Handle {
    _private: [u8; 0],
}

extern "C" {
    fn knowhow_ale_supported_rom(path: *const c_char, out: *mut c_char, capacity: usize) -> c_int;
    fn knowhow_ale_new() -> *mut Handle;
    fn knowhow_ale_free(handle: *mut Handle);
    fn knowhow_ale_set_int(handle: *mut Handle, key: *const c_char, value: c_int);
    fn knowhow_ale_set_float(handle: *mut Handle, key: *const c_char, value: f32);
    fn knowhow_ale_load_rom(handle: *mut Handle, path: *const c_char, out: *mut c_char, capacity: usize) -> c_int;
    fn knowhow_ale_reset_game(handle: *mut Handle);
    fn knowhow_ale_act(handle: *mut Handle, action: c_int, strength: f32) -> c_int;
    fn knowhow_ale_game_over(handle: *const Handle, with_truncation: c_int) -> c_int;
    fn knowhow_ale_game_truncated(handle: *const Handle) -> c_int;
    fn knowhow_ale_lives(handle: *mut Handle) -> c_int;
    fn knowhow_ale_frame_number(handle: *const Handle) -> c_int;
    fn knowhow_ale_episode_frame_number(handle: *const Handle) -> c_int;
    fn knowhow_ale_minimal_action_set(handle: *const Handle, out: *mut c_int, capacity: usize) -> usize;
    fn knowhow_ale_ram(handle: *const Handle, out: *mut u8);
    fn knowhow_ale_screen_height(handle: *const Handle) -> usize;
    fn knowhow_ale_screen_width(handle: *const Handle) -> usize;
    fn knowhow_ale_screen_grayscale(handle: *mut Handle, out: *mut u8, capacity: usize) -> usize;
    fn knowhow_ale_screen_rgb(handle: *mut Handle, out: *mut u8, capacity: usize) -> usize;
}

/// Bytes of the console's RAM.
pub const RAM_SIZE: usize = 128;

/// Why an emulator could not be made.
#[derive(Debug, thiserror::Error)]
pub enum AleError {
    #[error("no ROM file at {0}")]
    RomMissing(PathBuf),
    #[error("{path}: not a ROM the Arcade Learning Environment 0.12.1 supports (its md5 is not in ALE's list)")]
    RomUnsupported { path: PathBuf },
    #[error("{path}: {message}")]
    RomUnreadable { path: PathBuf, message: String },
    #[error("the Arcade Learning Environment could not start")]
    NotStarted,
}

/// The settings ALE reads when a ROM is loaded (its `setInt`/`setFloat` keys).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// `random_seed`: seeds ALE's own generator, which draws the sticky actions (0 is an ordinary seed here).
    pub random_seed: i32,
    /// `repeat_action_probability`: the chance, per frame, that the previous action is kept.
    pub repeat_action_probability: f32,
    /// `frame_skip`: frames emulated per `act`, rewards summed.
    pub frame_skip: i32,
    /// `max_num_frames_per_episode`: the frame count at which an episode is truncated (0: never).
    pub max_frames_per_episode: i32,
}

/// One emulator with a ROM loaded.
#[derive(Debug)]
pub struct Ale {
    handle: NonNull<Handle>,
    rom: PathBuf,
    rom_name: String,
}

// An `Ale` owns its emulator alone; ALE keeps no state shared between instances that acting touches.
unsafe impl Send for Ale {}

fn c_string(text: &str) -> CString {
    CString::new(text).expect("no NUL inside")
}

fn path_string(path: &Path) -> Result<CString, AleError> {
    CString::new(path.as_os_str().as_encoded_bytes()).map_err(|_| AleError::RomUnreadable {
        path: path.to_path_buf(),
        message: "the path has a NUL byte".into(),
    })
}

fn message(buffer: &[u8]) -> String {
    CStr::from_bytes_until_nul(buffer)
        .map(|text| text.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The name ALE gives the ROM at `path` (e.g. "breakout"), checked before loading: ALE's `loadROM` would end the
/// process on a ROM it does not know.
pub fn supported_rom(path: &Path) -> Result<String, AleError> {
    if !path.is_file() {
        return Err(AleError::RomMissing(path.to_path_buf()));
    }
    let path_text = path_string(path)?;
    let mut buffer = vec![0u8; 256];
    // SAFETY: the path is NUL-terminated and the buffer holds `capacity` bytes.
    let found = unsafe { knowhow_ale_supported_rom(path_text.as_ptr(), buffer.as_mut_ptr().cast(), buffer.len()) };
    match found {
        1 => Ok(message(&buffer)),
        0 => Err(AleError::RomUnsupported {
            path: path.to_path_buf(),
        }),
        _ => Err(AleError::RomUnreadable {
            path: path.to_path_buf(),
            message: message(&buffer),
        }),
    }
}

impl Ale {
    /// An emulator with `settings`, the ROM at `rom` loaded (ALE's `loadROM`, which also resets the game once).
    pub fn new(rom: &Path, settings: &Settings) -> Result<Ale, AleError> {
        let rom_name = supported_rom(rom)?;
        // SAFETY: no arguments; null is checked.
        let handle = NonNull::new(unsafe { knowhow_ale_new() }).ok_or(AleError::NotStarted)?;
        let mut ale = Ale {
            handle,
            rom: rom.to_path_buf(),
            rom_name,
        };
        ale.load(settings)?;
        Ok(ale)
    }

    /// Applies `settings` and loads the ROM again, as gymnasium's v5 does on a seeded reset.
    pub fn load(&mut self, settings: &Settings) -> Result<(), AleError> {
        let handle = self.handle.as_ptr();
        // SAFETY: the handle is live; keys are NUL-terminated and name ALE settings of these types.
        unsafe {
            knowhow_ale_set_int(handle, c_string("random_seed").as_ptr(), settings.random_seed);
            knowhow_ale_set_float(
                handle,
                c_string("repeat_action_probability").as_ptr(),
                settings.repeat_action_probability,
            );
            knowhow_ale_set_int(handle, c_string("frame_skip").as_ptr(), settings.frame_skip);
            knowhow_ale_set_int(
                handle,
                c_string("max_num_frames_per_episode").as_ptr(),
                settings.max_frames_per_episode,
            );
        }
        let path_text = path_string(&self.rom)?;
        let mut buffer = vec![0u8; 512];
        // SAFETY: the handle is live, the path NUL-terminated, the buffer `capacity` bytes long.
        let loaded =
            unsafe { knowhow_ale_load_rom(handle, path_text.as_ptr(), buffer.as_mut_ptr().cast(), buffer.len()) };
        if loaded != 0 {
            return Err(AleError::RomUnreadable {
                path: self.rom.clone(),
                message: message(&buffer),
            });
        }
        Ok(())
    }

    /// The ROM's name in ALE (e.g. "breakout").
    pub fn rom_name(&self) -> &str {
        &self.rom_name
    }

    /// ALE's `reset_game`: a console reset and the ROM's start-up actions; frame counters of the episode restart.
    pub fn reset_game(&mut self) {
        // SAFETY: the handle is live.
        unsafe { knowhow_ale_reset_game(self.handle.as_ptr()) }
    }

    /// ALE's `act(action, strength)` with an ALE action number (0 = NOOP … 17): the reward of the frames emulated.
    pub fn act(&mut self, action: i32, strength: f32) -> i32 {
        // SAFETY: the handle is live; ALE takes any int as its action enum and ignores unknown ones.
        unsafe { knowhow_ale_act(self.handle.as_ptr(), action, strength) }
    }

    /// Whether the game is over; with `with_truncation`, also when the episode's frame limit is reached.
    pub fn game_over(&self, with_truncation: bool) -> bool {
        // SAFETY: the handle is live.
        unsafe { knowhow_ale_game_over(self.handle.as_ptr(), c_int::from(with_truncation)) != 0 }
    }

    /// Whether the episode reached `max_frames_per_episode`.
    pub fn game_truncated(&self) -> bool {
        // SAFETY: the handle is live.
        unsafe { knowhow_ale_game_truncated(self.handle.as_ptr()) != 0 }
    }

    /// Lives left, as the ROM's settings read them from RAM.
    pub fn lives(&mut self) -> i32 {
        // SAFETY: the handle is live.
        unsafe { knowhow_ale_lives(self.handle.as_ptr()) }
    }

    /// Frames emulated since the ROM was loaded (reset frames not counted).
    pub fn frame_number(&self) -> i32 {
        // SAFETY: the handle is live.
        unsafe { knowhow_ale_frame_number(self.handle.as_ptr()) }
    }

    /// Frames emulated since the episode began.
    pub fn episode_frame_number(&self) -> i32 {
        // SAFETY: the handle is live.
        unsafe { knowhow_ale_episode_frame_number(self.handle.as_ptr()) }
    }

    /// The game's minimal action set, as ALE action numbers.
    pub fn minimal_action_set(&self) -> Vec<i32> {
        let mut actions = vec![0; 18];
        // SAFETY: the handle is live and `actions` holds 18 ints (ALE has 18 actions at most).
        let count =
            unsafe { knowhow_ale_minimal_action_set(self.handle.as_ptr(), actions.as_mut_ptr(), actions.len()) };
        actions.truncate(count);
        actions
    }

    /// The console's 128 bytes of RAM.
    pub fn ram(&self) -> [u8; RAM_SIZE] {
        let mut ram = [0u8; RAM_SIZE];
        // SAFETY: the handle is live and `ram` holds the 128 bytes written.
        unsafe { knowhow_ale_ram(self.handle.as_ptr(), ram.as_mut_ptr()) };
        ram
    }

    /// The screen's (height, width) in pixels: (210, 160).
    pub fn screen_size(&self) -> (usize, usize) {
        // SAFETY: the handle is live.
        unsafe {
            (
                knowhow_ale_screen_height(self.handle.as_ptr()),
                knowhow_ale_screen_width(self.handle.as_ptr()),
            )
        }
    }

    /// The screen in ALE's grayscale, one byte a pixel, row by row, into `out` (height × width bytes).
    pub fn screen_grayscale(&mut self, out: &mut [u8]) {
        // SAFETY: the handle is live; the shim writes only when `out.len()` holds the screen.
        let needed = unsafe { knowhow_ale_screen_grayscale(self.handle.as_ptr(), out.as_mut_ptr(), out.len()) };
        assert_eq!(out.len(), needed, "a grayscale screen takes height × width bytes");
    }

    /// The screen in RGB, three bytes a pixel, row by row, into `out` (height × width × 3 bytes).
    pub fn screen_rgb(&mut self, out: &mut [u8]) {
        // SAFETY: the handle is live; the shim writes only when `out.len()` holds the screen.
        let needed = unsafe { knowhow_ale_screen_rgb(self.handle.as_ptr(), out.as_mut_ptr(), out.len()) };
        assert_eq!(out.len(), needed, "an RGB screen takes height × width × 3 bytes");
    }
}

impl Drop for Ale {
    fn drop(&mut self) {
        // SAFETY: the handle was made by knowhow_ale_new and is freed once.
        unsafe { knowhow_ale_free(self.handle.as_ptr()) }
    }
}
