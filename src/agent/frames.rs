//! Observations as the replay buffer keeps them: each frame stored once (a transition refers to its two frames by
//! id, so s' of one step and s of the next are one frame), as f32, as bits for 0/1 observations (MinAtar's images,
//! board planes: 32 times smaller) or as bytes for grey levels (Atari screens: 4 times smaller); and a stacked
//! observation (the `history` wrapper's) split into its planes, each plane stored once although k consecutive
//! stacks show it (an Atari buffer of 1,000,000 transitions holds about 1,000,000 84×84 bytes, not four times that).
//!
//! Frames and planes live in rings that drop what no held transition refers to any more (the replay buffer says
//! which frame its oldest transition starts from) and grow when that is not enough: an env step stores one plane,
//! and one more at the start of an episode, so the rings are sized for the buffer's capacity plus a margin for
//! episode starts, and only very short episodes make them grow.

use crate::agent::allocation::{filled, AllocationError};

/// How a frame's values are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Any values, as f32.
    Float,
    /// Values that are 0 or 1, one bit each.
    Bits,
    /// Values k / 255 for a byte k (`f32::from(k) / 255.0`), one byte each.
    Bytes,
}

/// A frame's id: the count of frames pushed before it. Ids grow forever; a ring keeps the live ones.
pub type FrameId = u64;

/// Items of `unit` values of `T` by id, in a ring that holds the ids from `first_live` to `next` and grows (by a
/// quarter) when a new item would overwrite a live one.
#[derive(Debug, Clone)]
struct LiveRing<T> {
    what: &'static str,
    unit: usize,
    slots: usize,
    values: Vec<T>,
    next: u64,
    first_live: u64,
}

impl<T: Copy + Default> LiveRing<T> {
    fn new(what: &'static str, unit: usize, slots: usize) -> Result<Self, AllocationError> {
        let slots = slots.max(1);
        Ok(LiveRing {
            what,
            unit,
            slots,
            values: filled(what, T::default(), unit.saturating_mul(slots))?,
            next: 0,
            first_live: 0,
        })
    }

    fn range(&self, id: u64) -> std::ops::Range<usize> {
        let slot = (id % self.slots as u64) as usize;
        slot * self.unit..(slot + 1) * self.unit
    }

    /// A new item's id and its values to write (stale values of a dead item).
    fn push(&mut self) -> (u64, &mut [T]) {
        if self.next - self.first_live == self.slots as u64 {
            self.grow();
        }
        let id = self.next;
        self.next += 1;
        let range = self.range(id);
        (id, &mut self.values[range])
    }

    fn get(&self, id: u64) -> &[T] {
        debug_assert!(self.holds(id), "{} {id} is not live", self.what);
        &self.values[self.range(id)]
    }

    fn holds(&self, id: u64) -> bool {
        id >= self.first_live && id < self.next
    }

    /// Items before `id` are no longer read.
    fn release_before(&mut self, id: u64) {
        self.first_live = self.first_live.max(id.min(self.next));
    }

    /// A quarter more slots, the live items moved to their new places.
    fn grow(&mut self) {
        let slots = self.slots + self.slots / 4 + 1;
        let mut grown = LiveRing {
            values: filled(self.what, T::default(), self.unit.saturating_mul(slots))
                .unwrap_or_else(|error| panic!("the replay buffer's {} outgrew memory: {error}", self.what)),
            slots,
            ..*self
        };
        for id in self.first_live..self.next {
            let (from, to) = (self.range(id), grown.range(id));
            grown.values[to].copy_from_slice(&self.values[from]);
        }
        *self = grown;
    }

    fn bytes(&self) -> usize {
        self.values.len() * std::mem::size_of::<T>()
    }
}

impl<T> LiveRing<T> {
    fn empty(what: &'static str) -> Self {
        LiveRing {
            what,
            unit: 0,
            slots: 1,
            values: Vec::new(),
            next: 0,
            first_live: 0,
        }
    }
}

/// The planes' values in their encoding.
#[derive(Debug, Clone)]
enum Planes {
    Float(LiveRing<f32>),
    /// 64 values per word.
    Bits(LiveRing<u64>),
    Bytes(LiveRing<u8>),
}

/// The frames of a replay buffer.
#[derive(Debug, Clone)]
pub struct FrameStore {
    /// Values per plane (a frame of k stacked planes has k times as many).
    plane_size: usize,
    /// Planes per frame: the history's length, 1 without one.
    planes_per_frame: usize,
    planes: Planes,
    /// Each frame's plane ids, oldest plane first (empty with one plane per frame: a frame's plane is its own id).
    frame_planes: LiveRing<u64>,
    next_id: FrameId,
    first_live: FrameId,
    /// The last frame pushed, to find the planes the next stack shares with it.
    previous: Vec<f32>,
}

impl FrameStore {
    /// A store for frames of `frame_size` values, each `planes_per_frame` stacked planes, starting with room for
    /// `slots` planes (and as many frames).
    pub fn new(
        frame_size: usize,
        planes_per_frame: usize,
        slots: usize,
        encoding: Encoding,
    ) -> Result<Self, AllocationError> {
        assert!(
            planes_per_frame >= 1 && frame_size.is_multiple_of(planes_per_frame),
            "a frame of {frame_size} values is not {planes_per_frame} planes"
        );
        let plane_size = frame_size / planes_per_frame;
        let planes = match encoding {
            Encoding::Float => Planes::Float(LiveRing::new("frames", plane_size, slots)?),
            Encoding::Bits => Planes::Bits(LiveRing::new("frames", plane_size.div_ceil(64), slots)?),
            Encoding::Bytes => Planes::Bytes(LiveRing::new("frames", plane_size, slots)?),
        };
        let frame_planes = if planes_per_frame > 1 {
            LiveRing::new("frame planes", planes_per_frame, slots)?
        } else {
            LiveRing::empty("frame planes")
        };
        Ok(FrameStore {
            plane_size,
            planes_per_frame,
            planes,
            frame_planes,
            next_id: 0,
            first_live: 0,
            previous: Vec::new(),
        })
    }

    /// Stores one plane's values and returns its id.
    fn push_plane(&mut self, values: &[f32]) -> u64 {
        match &mut self.planes {
            Planes::Float(ring) => {
                let (id, slot) = ring.push();
                slot.copy_from_slice(values);
                id
            }
            Planes::Bits(ring) => {
                let (id, words) = ring.push();
                words.fill(0);
                for (index, value) in values.iter().enumerate() {
                    debug_assert!(
                        *value == 0.0 || *value == 1.0,
                        "a bit-encoded frame holds 0 or 1, got {value}"
                    );
                    if *value != 0.0 {
                        words[index / 64] |= 1 << (index % 64);
                    }
                }
                id
            }
            Planes::Bytes(ring) => {
                let (id, bytes) = ring.push();
                for (byte, value) in bytes.iter_mut().zip(values) {
                    *byte = (value * 255.0).round() as u8;
                    debug_assert_eq!(f32::from(*byte) / 255.0, *value, "a byte-encoded frame holds k / 255");
                }
                id
            }
        }
    }

    /// Stores a frame and returns its id. A stack whose older planes are the previous frame's newer ones (the next
    /// step of a history) stores only its newest plane; a stack of one repeated plane (a history's first
    /// observation) stores it once.
    pub fn push(&mut self, frame: &[f32]) -> FrameId {
        let (size, count) = (self.plane_size, self.planes_per_frame);
        debug_assert_eq!(frame.len(), size * count);
        let id = self.next_id;
        self.next_id += 1;
        if count == 1 {
            let plane = self.push_plane(frame);
            debug_assert_eq!(plane, id, "one plane per frame: a frame's plane is its own id");
            return id;
        }
        let mut ids = vec![0; count];
        let continues = id > 0 && self.holds(id - 1) && frame[..size * (count - 1)] == self.previous[size..];
        if continues {
            ids[..count - 1].copy_from_slice(&self.frame_planes.get(id - 1)[1..]);
            ids[count - 1] = self.push_plane(&frame[size * (count - 1)..]);
        } else {
            for (index, plane) in frame.chunks_exact(size).enumerate() {
                ids[index] = if index > 0 && plane == &frame[size * (index - 1)..size * index] {
                    ids[index - 1]
                } else {
                    self.push_plane(plane)
                };
            }
        }
        let (frame_id, slot) = self.frame_planes.push();
        debug_assert_eq!(frame_id, id);
        slot.copy_from_slice(&ids);
        self.previous.clear();
        self.previous.extend_from_slice(frame);
        id
    }

    /// Frames before `id` are no longer read: their planes may be overwritten.
    pub fn release_before(&mut self, id: FrameId) {
        self.first_live = self.first_live.max(id.min(self.next_id));
        if self.first_live == self.next_id {
            return;
        }
        // A frame's planes are at least its first one's id, and first planes do not decrease from frame to frame.
        let first_plane = if self.planes_per_frame == 1 {
            self.first_live
        } else {
            self.frame_planes.release_before(self.first_live);
            self.frame_planes.get(self.first_live)[0]
        };
        match &mut self.planes {
            Planes::Float(ring) => ring.release_before(first_plane),
            Planes::Bits(ring) => ring.release_before(first_plane),
            Planes::Bytes(ring) => ring.release_before(first_plane),
        }
    }

    /// Whether frame `id` can still be read.
    pub fn holds(&self, id: FrameId) -> bool {
        id >= self.first_live && id < self.next_id
    }

    /// Appends one plane's values to `out`.
    fn extend_with_plane(&self, plane: u64, out: &mut Vec<f32>) {
        match &self.planes {
            Planes::Float(ring) => out.extend_from_slice(ring.get(plane)),
            Planes::Bits(ring) => {
                let words = ring.get(plane);
                out.extend((0..self.plane_size).map(|index| ((words[index / 64] >> (index % 64)) & 1) as f32));
            }
            // The grey level k / 255, computed as the env computes it.
            Planes::Bytes(ring) => out.extend(ring.get(plane).iter().map(|byte| f32::from(*byte) / 255.0)),
        }
    }

    /// Appends frame `id`'s values to `out`.
    pub fn extend_with(&self, id: FrameId, out: &mut Vec<f32>) {
        debug_assert!(self.holds(id), "frame {id} was released");
        if self.planes_per_frame == 1 {
            self.extend_with_plane(id, out);
        } else {
            for plane in self.frame_planes.get(id) {
                self.extend_with_plane(*plane, out);
            }
        }
    }

    /// Bytes held by the frames.
    pub fn bytes(&self) -> usize {
        let planes = match &self.planes {
            Planes::Float(ring) => ring.bytes(),
            Planes::Bits(ring) => ring.bytes(),
            Planes::Bytes(ring) => ring.bytes(),
        };
        planes + self.frame_planes.bytes() + self.previous.capacity() * std::mem::size_of::<f32>()
    }

    /// Planes held in memory (live or not), the figure that grows.
    #[cfg(test)]
    fn plane_slots(&self) -> usize {
        match &self.planes {
            Planes::Float(ring) => ring.slots,
            Planes::Bits(ring) => ring.slots,
            Planes::Bytes(ring) => ring.slots,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(store: &FrameStore, id: FrameId) -> Vec<f32> {
        let mut out = Vec::new();
        store.extend_with(id, &mut out);
        out
    }

    #[test]
    fn frames_read_back_as_written_in_every_encoding() {
        for encoding in [Encoding::Float, Encoding::Bits, Encoding::Bytes] {
            let mut store = FrameStore::new(70, 1, 3, encoding).unwrap();
            let frame = |seed: usize| -> Vec<f32> {
                (0..70)
                    .map(|index| (index * 7 + seed).is_multiple_of(3) as u8 as f32)
                    .collect()
            };
            let ids: Vec<FrameId> = (0..5).map(|seed| store.push(&frame(seed))).collect();
            assert_eq!(ids, [0, 1, 2, 3, 4]);
            for id in 0..5 {
                assert_eq!(read(&store, id), frame(id as usize), "{encoding:?} frame {id}");
            }
            // Nothing was released: a ring of 3 grew to hold the five.
            assert!(store.plane_slots() >= 5);
            store.release_before(2);
            assert!(!store.holds(1) && store.holds(2) && store.holds(4) && !store.holds(5));
        }
    }

    #[test]
    fn bytes_hold_every_grey_level_exactly() {
        let levels: Vec<f32> = (0..=255u8).map(|byte| f32::from(byte) / 255.0).collect();
        let mut store = FrameStore::new(256, 1, 1, Encoding::Bytes).unwrap();
        let id = store.push(&levels);
        assert_eq!(read(&store, id), levels);
    }

    #[test]
    fn released_frames_make_room_and_the_ring_does_not_grow() {
        let mut store = FrameStore::new(2, 1, 4, Encoding::Float).unwrap();
        for step in 0..100u64 {
            store.push(&[step as f32, -(step as f32)]);
            // Keep the newest three, so that the next push makes four.
            store.release_before(step.saturating_sub(2));
        }
        assert_eq!(store.plane_slots(), 4);
        assert_eq!(read(&store, 97), [97.0, -97.0]);
        assert_eq!(read(&store, 99), [99.0, -99.0]);
    }

    /// The stacks a 3-long history of a 2-value env shows: at reset three copies of the first observation, then
    /// one new observation per step.
    fn history_stacks(episode_lengths: &[usize]) -> Vec<Vec<f32>> {
        let mut stacks = Vec::new();
        let mut counter = 0.0;
        for length in episode_lengths {
            counter += 1.0;
            let mut stack: Vec<f32> = [counter, -counter].repeat(3);
            stacks.push(stack.clone());
            for _ in 0..*length {
                counter += 1.0;
                stack.drain(..2);
                stack.extend([counter, -counter]);
                stacks.push(stack.clone());
            }
        }
        stacks
    }

    #[test]
    fn a_history_stores_each_plane_once_and_reads_every_stack_back() {
        let stacks = history_stacks(&[5, 1, 0, 7]);
        let mut store = FrameStore::new(6, 3, 64, Encoding::Float).unwrap();
        let ids: Vec<FrameId> = stacks.iter().map(|stack| store.push(stack)).collect();
        for (id, stack) in ids.iter().zip(&stacks) {
            assert_eq!(&read(&store, *id), stack, "frame {id}");
        }
        // One plane per step and one per episode start: 5 + 1 + 0 + 7 + 4 planes for 17 stacks.
        let Planes::Float(ring) = &store.planes else {
            unreachable!()
        };
        assert_eq!(ring.next, 17);
        assert_eq!(stacks.len(), 17);
    }

    #[test]
    fn a_history_ring_of_the_live_frames_plus_the_stack_does_not_grow() {
        // Keep the newest 10 frames of a long run of short and long episodes: 10 live frames reach back at most
        // two planes before the oldest one's own.
        let stacks = history_stacks(&[3, 50, 1, 0, 0, 20, 200]);
        let mut store = FrameStore::new(6, 3, 10 + 3, Encoding::Float).unwrap();
        for (step, stack) in stacks.iter().enumerate() {
            let id = store.push(stack);
            store.release_before((step as u64).saturating_sub(9));
            for live in id.saturating_sub(9)..=id {
                assert_eq!(
                    &read(&store, live),
                    &stacks[live as usize],
                    "frame {live} at step {step}"
                );
            }
        }
        assert_eq!(store.plane_slots(), 13);
    }

    #[test]
    fn bits_take_a_thirty_second_of_floats() {
        // MinAtar's 400-value frames: 7 words of 64 bits = 56 bytes, against 1,600 bytes as f32.
        assert_eq!(
            FrameStore::new(400, 1, 1000, Encoding::Bits).unwrap().bytes(),
            56 * 1000
        );
        assert_eq!(
            FrameStore::new(400, 1, 1000, Encoding::Float).unwrap().bytes(),
            1600 * 1000
        );
        // An Atari history of four 84×84 screens: one byte per pixel, once, and four plane ids per frame.
        assert_eq!(
            FrameStore::new(4 * 84 * 84, 4, 1000, Encoding::Bytes).unwrap().bytes(),
            (84 * 84 + 4 * 8) * 1000
        );
    }
}
