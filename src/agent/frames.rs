//! Observations as the replay buffer keeps them: each frame stored once (a transition refers to its two frames by
//! id, so s' of one step and s of the next are one frame), in a ring, as f32 or — for 0/1 observations such as
//! MinAtar's images or board planes — as bits, 32 times smaller.

use crate::agent::allocation::{filled, AllocationError};

/// How a frame's values are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Any values, as f32.
    Float,
    /// Values that are 0 or 1, one bit each.
    Bits,
}

/// A frame's id: the count of frames pushed before it. Ids grow forever; the ring keeps the newest `slots`.
pub type FrameId = u64;

/// A ring of the newest `slots` frames.
#[derive(Debug, Clone)]
pub struct FrameStore {
    frame_size: usize,
    encoding: Encoding,
    slots: usize,
    /// Words of 64 bits per frame (bits encoding).
    words_per_frame: usize,
    floats: Vec<f32>,
    bits: Vec<u64>,
    next_id: FrameId,
}

impl FrameStore {
    pub fn new(frame_size: usize, slots: usize, encoding: Encoding) -> Result<Self, AllocationError> {
        let words_per_frame = frame_size.div_ceil(64);
        let (floats, bits) = match encoding {
            Encoding::Float => (filled("frames", 0.0, frame_size.saturating_mul(slots))?, Vec::new()),
            Encoding::Bits => (Vec::new(), filled("frames", 0, words_per_frame.saturating_mul(slots))?),
        };
        Ok(FrameStore {
            frame_size,
            encoding,
            slots,
            words_per_frame,
            floats,
            bits,
            next_id: 0,
        })
    }

    /// Stores a frame, overwriting the oldest when the ring is full, and returns its id.
    pub fn push(&mut self, frame: &[f32]) -> FrameId {
        let slot = (self.next_id % self.slots as u64) as usize;
        match self.encoding {
            Encoding::Float => {
                self.floats[slot * self.frame_size..(slot + 1) * self.frame_size].copy_from_slice(frame);
            }
            Encoding::Bits => {
                let words = &mut self.bits[slot * self.words_per_frame..(slot + 1) * self.words_per_frame];
                words.fill(0);
                for (index, value) in frame.iter().enumerate() {
                    debug_assert!(
                        *value == 0.0 || *value == 1.0,
                        "a bit-encoded frame holds 0 or 1, got {value}"
                    );
                    if *value != 0.0 {
                        words[index / 64] |= 1 << (index % 64);
                    }
                }
            }
        }
        self.next_id += 1;
        self.next_id - 1
    }

    /// Whether frame `id` is still in the ring.
    pub fn holds(&self, id: FrameId) -> bool {
        id < self.next_id && id + self.slots as u64 >= self.next_id
    }

    /// Appends frame `id`'s values to `out`.
    pub fn extend_with(&self, id: FrameId, out: &mut Vec<f32>) {
        debug_assert!(
            self.holds(id),
            "frame {id} was overwritten (ring of {} frames)",
            self.slots
        );
        let slot = (id % self.slots as u64) as usize;
        match self.encoding {
            Encoding::Float => {
                out.extend_from_slice(&self.floats[slot * self.frame_size..(slot + 1) * self.frame_size])
            }
            Encoding::Bits => {
                let words = &self.bits[slot * self.words_per_frame..(slot + 1) * self.words_per_frame];
                out.extend((0..self.frame_size).map(|index| ((words[index / 64] >> (index % 64)) & 1) as f32));
            }
        }
    }

    /// Bytes held by the frames.
    pub fn bytes(&self) -> usize {
        self.floats.len() * std::mem::size_of::<f32>() + self.bits.len() * std::mem::size_of::<u64>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_read_back_as_written_in_either_encoding() {
        for encoding in [Encoding::Float, Encoding::Bits] {
            let mut store = FrameStore::new(70, 3, encoding).unwrap();
            let frame = |seed: usize| -> Vec<f32> {
                (0..70)
                    .map(|index| (index * 7 + seed).is_multiple_of(3) as u8 as f32)
                    .collect()
            };
            let ids: Vec<FrameId> = (0..5).map(|seed| store.push(&frame(seed))).collect();
            assert_eq!(ids, [0, 1, 2, 3, 4]);
            // A ring of 3: frames 2, 3, 4 are held, 0 and 1 were overwritten.
            assert!(!store.holds(1) && store.holds(2) && store.holds(4) && !store.holds(5));
            for id in 2..5 {
                let mut out = Vec::new();
                store.extend_with(id, &mut out);
                assert_eq!(out, frame(id as usize), "{encoding:?} frame {id}");
            }
        }
    }

    #[test]
    fn bits_take_a_thirty_second_of_floats() {
        // MinAtar's 400-value frames: 7 words of 64 bits = 56 bytes, against 1,600 bytes as f32.
        assert_eq!(FrameStore::new(400, 1000, Encoding::Bits).unwrap().bytes(), 56 * 1000);
        assert_eq!(
            FrameStore::new(400, 1000, Encoding::Float).unwrap().bytes(),
            1600 * 1000
        );
    }
}
