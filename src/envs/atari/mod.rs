//! Atari 2600 games as gymnasium's `ALE/<Game>-v5` gives them, and the DQN preprocessing of their frames: the parts
//! written here (numpy's seeding that v5 uses, OpenCV's area resize, finding ROMs); the emulator itself is the `ale`
//! crate (GPL-2.0), behind the `atari` feature.

#[cfg(feature = "atari")]
pub mod arcade;
pub mod area_resize;
#[cfg(feature = "atari")]
pub mod game;
pub mod numpy_generator;
pub mod roms;
