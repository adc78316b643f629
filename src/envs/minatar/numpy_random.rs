//! numpy's legacy `RandomState` as MinAtar uses it: the same MT19937 words, `rand()` and `randint()`, so that a
//! MinAtar game seeded with `s` in knowhow draws exactly what `minatar.Environment(...).seed(s)` draws in Python.

use rand_mt::Mt;

/// A Mersenne Twister with numpy's seeding and numpy's ways of turning its 32-bit words into numbers.
#[derive(Debug, Clone)]
pub struct NumpyRandom {
    twister: Mt,
    words_used: u64,
}

impl NumpyRandom {
    /// `numpy.random.RandomState(seed)` for a seed below 2³² (the reference `init_genrand`, which is all numpy's
    /// legacy seeding accepts for an integer); a larger seed is taken as numpy takes the array
    /// `[seed mod 2³², seed / 2³²]` (the reference `init_by_array`), so every `u64` gives its own stream.
    pub fn new(seed: u64) -> Self {
        let twister = match u32::try_from(seed) {
            Ok(small) => Mt::new(small),
            Err(_) => Mt::new_with_key([seed as u32, (seed >> 32) as u32]),
        };
        Self { twister, words_used: 0 }
    }

    /// The next 32-bit word of the generator.
    fn word(&mut self) -> u32 {
        self.words_used += 1;
        self.twister.next_u32()
    }

    /// `rand()`: a uniform in [0, 1) with 53 random bits, made of two words (27 + 26 bits), as numpy makes it.
    pub fn uniform(&mut self) -> f64 {
        let high = u64::from(self.word() >> 5);
        let low = u64::from(self.word() >> 6);
        (high * (1 << 26) + low) as f64 / (1u64 << 53) as f64
    }

    /// `randint(low, high)`: an integer in `low..high` by numpy's masked rejection: with `range = high − 1 − low`,
    /// a word masked to the smallest `2^k − 1 ≥ range` is drawn until it is at most `range`. A single possible
    /// value (`range == 0`) consumes no word.
    pub fn integer(&mut self, low: i64, high: i64) -> i64 {
        assert!(low < high, "randint({low}, {high}) has no value to draw");
        let range = u32::try_from(high - 1 - low).expect("a range that fits in 32 bits");
        if range == 0 {
            return low;
        }
        let mask = u32::MAX >> range.leading_zeros();
        loop {
            let value = self.word() & mask;
            if value <= range {
                return low + i64::from(value);
            }
        }
    }

    /// How many 32-bit words have been drawn since seeding.
    pub fn words_used(&self) -> u64 {
        self.words_used
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniforms_are_numpys_for_seed_zero() {
        // `numpy.random.RandomState(0).rand(3)`, numpy's documented first values for seed 0.
        let mut random = NumpyRandom::new(0);
        assert_eq!(random.uniform(), 0.5488135039273248);
        assert_eq!(random.uniform(), 0.7151893663724195);
        assert_eq!(random.uniform(), 0.6027633760716439);
        assert_eq!(random.words_used(), 6);
    }

    #[test]
    fn integers_use_masked_rejection_one_word_a_try() {
        // The reference generator's words for seed 0 (mt19937ar's init_genrand(0), computed by hand in Python) start 2357136044, 2546248239,
        // 3071714933, 3626093760: masked to 7 they are 4, 7, 5, 0.
        let mut random = NumpyRandom::new(0);
        // randint(1, 6): range 4, mask 7: the first word gives 4, so 1 + 4.
        assert_eq!(random.integer(1, 6), 5);
        assert_eq!(random.words_used(), 1);
        // 7 and 5 exceed the range 4 and are drawn again; 0 is taken.
        assert_eq!(random.integer(1, 6), 1);
        assert_eq!(random.words_used(), 4);
        // A single possible value consumes nothing.
        assert_eq!(random.integer(3, 4), 3);
        assert_eq!(random.words_used(), 4);
    }

    #[test]
    fn large_seeds_have_streams_of_their_own() {
        let mut low = NumpyRandom::new(5);
        let mut high = NumpyRandom::new(5 + (1 << 32));
        let mut other = NumpyRandom::new(6 + (1 << 32));
        let draws = |random: &mut NumpyRandom| (0..4).map(|_| random.uniform()).collect::<Vec<_>>();
        let (low, high, other) = (draws(&mut low), draws(&mut high), draws(&mut other));
        assert_ne!(low, high);
        assert_ne!(high, other);
    }
}
