//! OpenCV's `INTER_AREA` resize against gymnasium's `AtariPreprocessing` recordings (`atari/README.md`, opencv-python-
//! headless 5.0.0): the first 64 max-pooled 210×160 Breakout frames, each shrunk to 84×84, must equal the recorded
//! `cv2.resize` output byte for byte.

mod support;

use std::fs;
use std::path::Path;

use knowhow::envs::atari::area_resize::AreaResize;
use support::golden_dir;

const FRAMES: usize = 64;
const SOURCE: (usize, usize) = (210, 160);
const TARGET: (usize, usize) = (84, 84);

fn read(path: &Path, len: usize) -> Vec<u8> {
    let bytes = fs::read(path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    assert_eq!(
        bytes.len(),
        len,
        "{} has {} bytes, not {len}",
        path.display(),
        bytes.len()
    );
    bytes
}

#[test]
fn breakout_frames_shrink_as_cv2_resize_inter_area() {
    let folder = golden_dir().join("atari");
    let source_len = SOURCE.0 * SOURCE.1;
    let target_len = TARGET.0 * TARGET.1;
    let pooled = read(&folder.join("preproc_pooled_64x210x160.u8"), FRAMES * source_len);
    let expected = read(&folder.join("preproc_resized_64x84x84.u8"), FRAMES * target_len);

    let resize = AreaResize::new(SOURCE.0, SOURCE.1, TARGET.0, TARGET.1);
    let mut target = vec![0u8; target_len];
    let mut problems = Vec::new();
    for (frame, (source, expected)) in pooled
        .chunks_exact(source_len)
        .zip(expected.chunks_exact(target_len))
        .enumerate()
    {
        resize.resize(source, &mut target);
        let mismatches: Vec<usize> = (0..target_len)
            .filter(|&index| target[index] != expected[index])
            .collect();
        if let Some(&first) = mismatches.first() {
            problems.push(format!(
                "frame {frame}: {} pixels differ, the first at row {} column {}: {} != {} (cv2)",
                mismatches.len(),
                first / TARGET.1,
                first % TARGET.1,
                target[first],
                expected[first]
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} of {FRAMES} frames differ:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
