//! Where Atari ROMs are found: ROMs are never part of knowhow; they come from the folder `KNOWHOW_ATARI_ROMS`
//! names, or else from an installed ale-py (its wheel ships them), and a missing one is an error that says how to
//! get it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The environment variable naming a folder of ROMs (`breakout.bin`, …).
pub const ROM_FOLDER_VARIABLE: &str = "KNOWHOW_ATARI_ROMS";

/// No ROM file for a game where knowhow looked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "no Atari ROM {file} in {looked}. ROMs are not part of knowhow: put the ROM in a folder and name it with \
     {ROM_FOLDER_VARIABLE}=FOLDER (or a spec's env option `roms: \"FOLDER\"`). To get them: `python3 \
     scripts/fetch-atari-roms.py FOLDER` (ale-py 0.12.1's wheel from PyPI, checked), or `pip install \
     ale-py==0.12.1`, whose ROMs knowhow finds by itself"
)]
pub struct RomNotFound {
    pub file: String,
    pub looked: String,
}

/// The folder of an installed ale-py's ROMs, asked of `python3` once per process (`None` without one).
fn installed_ale_py_roms() -> Option<&'static Path> {
    static FOLDER: OnceLock<Option<PathBuf>> = OnceLock::new();
    FOLDER
        .get_or_init(|| {
            let output = Command::new("python3")
                .args([
                    "-c",
                    "import ale_py.roms, os; print(os.path.dirname(ale_py.roms.__file__))",
                ])
                .output()
                .ok()?;
            let folder = PathBuf::from(String::from_utf8(output.stdout).ok()?.trim());
            (output.status.success() && folder.is_dir()).then_some(folder)
        })
        .as_deref()
}

/// The ROM file of `game` (ALE's ROM name, e.g. "breakout"): `<game>.bin` in `KNOWHOW_ATARI_ROMS` when that is
/// set, else in an installed ale-py's `roms` folder.
pub fn rom_path(game: &str) -> Result<PathBuf, RomNotFound> {
    rom_path_in(game, None)
}

/// `<game>.bin` in `folder` when given (a spec's `roms` option), else where `rom_path` looks.
pub fn rom_path_in(game: &str, folder: Option<&Path>) -> Result<PathBuf, RomNotFound> {
    let file = format!("{game}.bin");
    let folder = match (folder, std::env::var_os(ROM_FOLDER_VARIABLE)) {
        (Some(folder), _) => Some(folder.to_path_buf()),
        (None, Some(folder)) => Some(PathBuf::from(folder)),
        (None, None) => installed_ale_py_roms().map(Path::to_path_buf),
    };
    let looked = match &folder {
        Some(folder) if folder.join(&file).is_file() => return Ok(folder.join(&file)),
        Some(folder) => folder.display().to_string(),
        None => format!("{ROM_FOLDER_VARIABLE} (not set) or an installed ale-py (none found by python3)"),
    };
    Err(RomNotFound { file, looked })
}
