//! numpy's `SeedSequence`, `PCG64` and `Generator.integers`, bit for bit, as gymnasium's Atari v5 envs use them.
//!
//! gymnasium's `AtariEnv.seed_game(seed)` turns the user's seed into two 32-bit words with
//! `SeedSequence(seed).generate_state(2)`: the first seeds the environment's numpy `Generator`
//! (`Generator(PCG64(SeedSequence(word)))`), the second, wrapped to `int32`, is the ALE's `random_seed`
//! ([`v5_seeds`]). `AtariPreprocessing.reset` then draws its no-op count with
//! `np_random.integers(1, noop_max + 1)` from that generator on every reset ([`NumpyGenerator::integers`]).
//!
//! Facts of numpy 2.x (`bit_generator.pyx`, `_pcg64.pyx`, `pcg64.h`/`.c`, `distributions.c`,
//! `_bounded_integers.pyx.in`) this module reproduces:
//! - An integer entropy becomes 32-bit words, lowest first (0 is one word, `0`); they are hashed into a pool
//!   of 4 words, and `generate_state` hashes the pool, cycled, into as many words as asked.
//! - `PCG64` asks for 4 `uint64` words, each made of two consecutive 32-bit words (the first one low). Words 0
//!   and 1 are the initial state, word 0 its HIGH half; words 2 and 3 the stream, word 2 its high half. The
//!   seeding is PCG's `srandom_r` (`state = 0; inc = stream << 1 | 1; step; state += initstate; step`), and
//!   each output steps first then applies XSL-RR to the new state: `rand_pcg`'s `Lcg128Xsl64::new` does
//!   the same, so it is used here.
//! - Ranges that fit in 32 bits draw 32-bit words with Lemire's method; a 32-bit word is the low half of a
//!   64-bit output, and the high half is kept in the bit generator for the next 32-bit word. That buffer
//!   belongs to the bit generator, so it survives from one `integers` call to the next (two no-op draws use
//!   one PCG output), while 64-bit draws (`random_raw`, ranges above 32 bits) neither use nor clear it.

use rand::RngCore;
use rand_pcg::Lcg128Xsl64;

/// Words in the entropy pool (numpy's `DEFAULT_POOL_SIZE`).
const POOL_WORDS: usize = 4;
const INIT_A: u32 = 0x43b0_d7e5;
const MULT_A: u32 = 0x931e_8875;
const INIT_B: u32 = 0x8b51_f9dd;
const MULT_B: u32 = 0x58f3_8ded;
const MIX_MULT_L: u32 = 0xca01_f9dd;
const MIX_MULT_R: u32 = 0x4973_f715;
/// Half the bits of a 32-bit word (numpy's `XSHIFT`).
const XSHIFT: u32 = 16;

/// numpy's `SeedSequence(entropy)` for a non-negative integer entropy, with no spawn key and the default pool
/// of 4 words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedSequence {
    pool: [u32; POOL_WORDS],
}

/// The hash numpy's `hashmix` applies to each word going into the pool; it moves the multiplier on.
fn hash_mix(value: u32, multiplier: &mut u32) -> u32 {
    let mut value = value ^ *multiplier;
    *multiplier = multiplier.wrapping_mul(MULT_A);
    value = value.wrapping_mul(*multiplier);
    value ^ (value >> XSHIFT)
}

/// numpy's `mix` of two pool words.
fn mix(x: u32, y: u32) -> u32 {
    let result = MIX_MULT_L.wrapping_mul(x).wrapping_sub(MIX_MULT_R.wrapping_mul(y));
    result ^ (result >> XSHIFT)
}

/// An integer as numpy's `_coerce_to_uint32_array` splits it: 32-bit words, lowest first; 0 is one word.
fn entropy_words(entropy: u128) -> Vec<u32> {
    let mut words = vec![entropy as u32];
    let mut rest = entropy >> 32;
    while rest > 0 {
        words.push(rest as u32);
        rest >>= 32;
    }
    words
}

impl SeedSequence {
    /// `SeedSequence(entropy)`.
    pub fn new(entropy: u128) -> Self {
        let entropy = entropy_words(entropy);
        let mut pool = [0u32; POOL_WORDS];
        let mut multiplier = INIT_A;
        // The first words of entropy, then zeros, each hashed into its pool word.
        for (index, word) in pool.iter_mut().enumerate() {
            *word = hash_mix(entropy.get(index).copied().unwrap_or(0), &mut multiplier);
        }
        // Every pool word mixed into every other, so late words affect earlier ones.
        for source in 0..POOL_WORDS {
            for destination in 0..POOL_WORDS {
                if source != destination {
                    let hashed = hash_mix(pool[source], &mut multiplier);
                    pool[destination] = mix(pool[destination], hashed);
                }
            }
        }
        // numpy then mixes entropy words beyond the pool's size into every pool word; a u128 has at most 4
        // words, so there are none.
        Self { pool }
    }

    /// `generate_state(words)`: `words` 32-bit words (dtype `uint32`).
    pub fn generate_state(&self, words: usize) -> Vec<u32> {
        let mut multiplier = INIT_B;
        self.pool
            .iter()
            .cycle()
            .take(words)
            .map(|&word| {
                let mut value = word ^ multiplier;
                multiplier = multiplier.wrapping_mul(MULT_B);
                value = value.wrapping_mul(multiplier);
                value ^ (value >> XSHIFT)
            })
            .collect()
    }

    /// `generate_state(words, np.uint64)`: twice as many 32-bit words, paired little-endian (first word low).
    pub fn generate_state_u64(&self, words: usize) -> Vec<u64> {
        self.generate_state(2 * words)
            .chunks_exact(2)
            .map(|pair| u64::from(pair[0]) | (u64::from(pair[1]) << 32))
            .collect()
    }
}

/// numpy's `Generator(PCG64(seed_sequence))`: the PCG XSL-RR 128/64 bit generator with its buffered 32-bit
/// half, and the draws gymnasium's Atari environments make from it.
#[derive(Clone, Debug)]
pub struct NumpyGenerator {
    pcg: Lcg128Xsl64,
    /// The high half of the last 64-bit output split for 32-bit words, not yet used (numpy's
    /// `has_uint32`/`uinteger`).
    pending_half: Option<u32>,
}

impl NumpyGenerator {
    /// `Generator(PCG64(SeedSequence(seed)))`, which is also what `np.random.default_rng(seed)` and gymnasium's
    /// `seeding.np_random(seed)` build.
    pub fn from_seed(seed: u128) -> Self {
        Self::from_seed_sequence(&SeedSequence::new(seed))
    }

    /// `Generator(PCG64(seed_sequence))`.
    pub fn from_seed_sequence(seed_sequence: &SeedSequence) -> Self {
        let words = seed_sequence.generate_state_u64(4);
        let initial_state = (u128::from(words[0]) << 64) | u128::from(words[1]);
        let stream = (u128::from(words[2]) << 64) | u128::from(words[3]);
        Self {
            pcg: Lcg128Xsl64::new(initial_state, stream),
            pending_half: None,
        }
    }

    /// The next 64-bit output, as `PCG64.random_raw()` (and numpy's `next_uint64`) gives it; the buffered
    /// 32-bit half is left as it is.
    pub fn next_u64(&mut self) -> u64 {
        self.pcg.next_u64()
    }

    /// The next 32-bit word as numpy's `next_uint32` gives it: the buffered high half if there is one, else
    /// the low half of a new 64-bit output, whose high half is buffered.
    pub fn next_u32(&mut self) -> u32 {
        match self.pending_half.take() {
            Some(half) => half,
            None => {
                let output = self.pcg.next_u64();
                self.pending_half = Some((output >> 32) as u32);
                output as u32
            }
        }
    }

    /// `integers(low, high)` with the default `int64` dtype, `endpoint=False` and `size=None`: a value in
    /// `low..high`. Panics when `low >= high`, where numpy raises `ValueError`.
    pub fn integers(&mut self, low: i64, high: i64) -> i64 {
        assert!(low < high, "integers: low ({low}) must be below high ({high})");
        // numpy draws an offset in the closed range 0..=high-1-low, as unsigned 64-bit arithmetic.
        let range = (i128::from(high) - 1 - i128::from(low)) as u64;
        let offset = if range == 0 {
            0
        } else if range < u64::from(u32::MAX) {
            u64::from(self.lemire_u32(range as u32))
        } else if range == u64::from(u32::MAX) {
            u64::from(self.next_u32())
        } else {
            // An exclusive `high` cannot reach the full 64-bit range, where numpy would use `next_uint64`
            // directly.
            self.lemire_u64(range)
        };
        (low as u64).wrapping_add(offset) as i64
    }

    /// Lemire's method for a value in `0..=range` from 32-bit words (`buffered_bounded_lemire_uint32`);
    /// `range` is below `u32::MAX`.
    fn lemire_u32(&mut self, range: u32) -> u32 {
        let exclusive = range + 1;
        let mut product = u64::from(self.next_u32()) * u64::from(exclusive);
        let mut leftover = product as u32;
        if leftover < exclusive {
            let threshold = (u32::MAX - range) % exclusive;
            while leftover < threshold {
                product = u64::from(self.next_u32()) * u64::from(exclusive);
                leftover = product as u32;
            }
        }
        (product >> 32) as u32
    }

    /// Lemire's method for a value in `0..=range` from 64-bit outputs (`bounded_lemire_uint64`); `range` is
    /// below `u64::MAX`.
    fn lemire_u64(&mut self, range: u64) -> u64 {
        let exclusive = range + 1;
        let mut product = u128::from(self.next_u64()) * u128::from(exclusive);
        let mut leftover = product as u64;
        if leftover < exclusive {
            let threshold = (u64::MAX - range) % exclusive;
            while leftover < threshold {
                product = u128::from(self.next_u64()) * u128::from(exclusive);
                leftover = product as u64;
            }
        }
        (product >> 64) as u64
    }
}

/// The (numpy seed, ALE `random_seed` as i32) gymnasium's v5 environment derives from `seed` in
/// `AtariEnv.seed_game`: the two words of `SeedSequence(seed).generate_state(2)`, the second wrapped to
/// `int32`. The environment's generator is `NumpyGenerator::from_seed(numpy_seed.into())`.
pub fn v5_seeds(seed: u64) -> (u32, i32) {
    let words = SeedSequence::new(u128::from(seed)).generate_state(2);
    (words[0], words[1] as i32)
}

#[cfg(test)]
mod tests {
    //! Expected values come from numpy 2.4.6 (python3), by the Python line in the comment above each.

    use super::*;

    const V5_NUMPY_SEED_0: u128 = 2_968_811_710;

    #[test]
    fn seed_sequence_generate_state_matches_numpy() {
        // [int(x) for x in SeedSequence(s).generate_state(8)]; generate_state(k) for k < 8 is its prefix,
        // checked below for k = 2 and 4.
        let cases: [(u128, [u32; 8]); 6] = [
            (
                0,
                [
                    2968811710, 3677149159, 745650761, 2884920346, 2642120001, 549907821, 574372308, 742431198,
                ],
            ),
            (
                1,
                [
                    1835504127, 1731038949, 1320224556, 2330041505, 321059914, 1226144109, 2879408573, 3503041500,
                ],
            ),
            (
                12345,
                [
                    2688385916, 3048105090, 4196366895, 3152189807, 924159892, 1692637855, 2685664627, 1052446614,
                ],
            ),
            // s = 2**32 + 7 (two entropy words)
            (
                (1 << 32) + 7,
                [
                    369571992, 1544939151, 3514839603, 1195211032, 3297803279, 4092185315, 161251855, 3717564720,
                ],
            ),
            // s = 2**63 + 5
            (
                (1 << 63) + 5,
                [
                    4212394281, 2112726482, 2879868358, 4078486628, 3971872704, 1210879955, 3505354030, 4239521469,
                ],
            ),
            // s = 2**100 + 3 (four entropy words, the last ones zero but present)
            (
                (1 << 100) + 3,
                [
                    158848245, 3120580700, 2515510378, 3450932861, 2503706057, 1820569295, 1046622407, 1395099803,
                ],
            ),
        ];
        for (seed, expected) in cases {
            let sequence = SeedSequence::new(seed);
            assert_eq!(sequence.generate_state(8), expected, "seed {seed}, 8 words");
            assert_eq!(sequence.generate_state(4), expected[..4], "seed {seed}, 4 words");
            assert_eq!(sequence.generate_state(2), expected[..2], "seed {seed}, 2 words");
        }
    }

    #[test]
    fn seed_sequence_u64_words_pair_low_word_first() {
        // [hex(int(x)) for x in SeedSequence(0).generate_state(4, np.uint64)]
        assert_eq!(
            SeedSequence::new(0).generate_state_u64(4),
            [
                0xdb2cd7e7b0f478be,
                0xabf4641a2c71ba49,
                0x20c6ed6d9d7b8d41,
                0x2c4099de223c39d4
            ]
        );
        // [hex(int(x)) for x in SeedSequence(2**63 + 5).generate_state(4, np.uint64)]
        assert_eq!(
            SeedSequence::new((1 << 63) + 5).generate_state_u64(4),
            [
                0x7deda5d2fb140929,
                0xf318c464aba74dc6,
                0x482c8fd3ecbdf7c0,
                0xfcb1f6bdd0ef752e
            ]
        );
    }

    #[test]
    fn pcg64_random_raw_matches_numpy() {
        // [int(x) for x in PCG64(SeedSequence(s)).random_raw(5)]
        let cases: [(u128, [u64; 5]); 3] = [
            (
                0,
                [
                    11749869230777074271,
                    4976686463289251617,
                    755828109848996024,
                    304881062738325533,
                    15002187965291974971,
                ],
            ),
            (
                12345,
                [
                    4193609425186963869,
                    5843160025838961886,
                    14708796524633321433,
                    12474696839993944336,
                    7214697784736971533,
                ],
            ),
            // s = 2**63 + 5: the stream's top bit is set, and PCG drops it.
            (
                (1 << 63) + 5,
                [
                    8858737189621679469,
                    16679054884034326486,
                    11837840767329550784,
                    1150703740661097320,
                    3165930337441308271,
                ],
            ),
        ];
        for (seed, expected) in cases {
            let mut generator = NumpyGenerator::from_seed(seed);
            let raw: Vec<u64> = (0..5).map(|_| generator.next_u64()).collect();
            assert_eq!(raw, expected, "seed {seed}");
        }
    }

    #[test]
    fn integers_one_to_thirty_one_matches_numpy() {
        // g = Generator(PCG64(SeedSequence(2968811710))); [int(g.integers(1, 31)) for _ in range(20)]
        let expected = [22, 1, 1, 30, 12, 24, 3, 3, 20, 9, 29, 13, 7, 11, 10, 18, 24, 4, 19, 17];
        let mut generator = NumpyGenerator::from_seed(V5_NUMPY_SEED_0);
        let drawn: Vec<i64> = (0..20).map(|_| generator.integers(1, 31)).collect();
        assert_eq!(drawn, expected);
    }

    #[test]
    fn integers_small_ranges_match_numpy() {
        // Each list: g = Generator(PCG64(SeedSequence(2968811710))); [int(g.integers(low, high)) for _ in range(n)]
        let draw = |low: i64, high: i64, count: usize| {
            let mut generator = NumpyGenerator::from_seed(V5_NUMPY_SEED_0);
            (0..count).map(|_| generator.integers(low, high)).collect::<Vec<i64>>()
        };
        assert_eq!(draw(0, 4, 12), [2, 0, 0, 3, 1, 3, 0, 0, 2, 1, 3, 1]);
        assert_eq!(draw(-5, 5, 10), [2, -5, -5, 4, -2, 2, -5, -5, 1, -3]);
        assert_eq!(
            draw(0, 1 << 31, 8),
            [1532793024, 8787345, 21794682, 2128337599, 840550537, 1650672338, 144669999, 180827176]
        );
        // range 2**32 - 1: numpy takes the 32-bit word as it is
        assert_eq!(
            draw(0, 1 << 32, 5),
            [3065586049, 17574691, 43589364, 4256675199, 1681101074]
        );
        // range 3e9: Lemire rejects about 30% of words (12 draws take 16 words, i.e. 8 outputs)
        assert_eq!(
            draw(0, 3_000_000_000, 12),
            [
                2141287118, 12275779, 1174235535, 202101654, 252612646, 1918393630, 886545015, 1275668952, 641600215,
                1049106415, 953605209, 1798283699
            ]
        );
        // integers(7, 8) three times, then integers(1, 31): a one-value range draws nothing
        let mut generator = NumpyGenerator::from_seed(V5_NUMPY_SEED_0);
        assert_eq!(
            [
                generator.integers(7, 8),
                generator.integers(7, 8),
                generator.integers(7, 8)
            ],
            [7, 7, 7]
        );
        assert_eq!(generator.integers(1, 31), 22);
    }

    #[test]
    fn integers_rejection_consumes_what_numpy_consumes() {
        // g = Generator(PCG64(SeedSequence(2968811710))); [g.integers(0, 3_000_000_000) for _ in range(12)];
        // int(g.bit_generator.random_raw())
        let mut generator = NumpyGenerator::from_seed(V5_NUMPY_SEED_0);
        for _ in 0..12 {
            generator.integers(0, 3_000_000_000);
        }
        assert_eq!(generator.next_u64(), 2396245975252756377);
        // same with [g.integers(-2**62, 2**63 - 1) for _ in range(8)]
        let mut generator = NumpyGenerator::from_seed(V5_NUMPY_SEED_0);
        for _ in 0..8 {
            generator.integers(-(1 << 62), i64::MAX);
        }
        assert_eq!(generator.next_u64(), 9469578960243406661);
    }

    #[test]
    fn integers_large_ranges_match_numpy() {
        let draw = |low: i64, high: i64, count: usize| {
            let mut generator = NumpyGenerator::from_seed(V5_NUMPY_SEED_0);
            (0..count).map(|_| generator.integers(low, high)).collect::<Vec<i64>>()
        };
        // [int(g.integers(0, 2**40)) for _ in range(5)]
        assert_eq!(
            draw(0, 1 << 40, 5),
            [4499121078, 1089708850946, 845144237412, 92583514129, 324922184611]
        );
        // [int(g.integers(-2**60, 2**62)) for _ in range(5)]
        assert_eq!(
            draw(-(1 << 60), 1 << 62, 5),
            [
                -1129333152685630856,
                4560291235844053420,
                3278068314836835669,
                -667517250048905667,
                550606518650158045
            ]
        );
        // [int(g.integers(-2**62, 2**63 - 1)) for _ in range(8)]: Lemire rejects about 25% of outputs
        assert_eq!(
            draw(-(1 << 62), i64::MAX, 8),
            [
                -4555073973816469216,
                6022689548237450444,
                -523218762610575853,
                1271298658635332852,
                226463369825090137,
                3681433776443350564,
                -2814501536987820622,
                3081430201597186291
            ]
        );
    }

    #[test]
    fn buffered_half_survives_calls_and_64_bit_draws_skip_it() {
        // g = Generator(PCG64(SeedSequence(2968811710)))
        // a = int(g.integers(1, 31)); r = int(g.bit_generator.random_raw()); b = int(g.integers(1, 31))
        // c = int(g.integers(0, 2**40)); d = int(g.integers(1, 31))  ->  22 18282280769442881268 1 845144237412 3
        let mut generator = NumpyGenerator::from_seed(V5_NUMPY_SEED_0);
        assert_eq!(generator.integers(1, 31), 22);
        assert_eq!(generator.next_u64(), 18282280769442881268);
        assert_eq!(generator.integers(1, 31), 1);
        assert_eq!(generator.integers(0, 1 << 40), 845144237412);
        assert_eq!(generator.integers(1, 31), 3);
    }

    #[test]
    #[should_panic(expected = "must be below high")]
    fn integers_rejects_an_empty_range() {
        NumpyGenerator::from_seed(0).integers(5, 5);
    }

    #[test]
    fn v5_seeds_match_gymnasium() {
        // ss = SeedSequence(s); a, b = ss.generate_state(n_words=2); int(a), int(b.astype(np.int32))
        assert_eq!(v5_seeds(0), (2968811710, -617818137));
        assert_eq!(v5_seeds(1), (1835504127, 1731038949));
        assert_eq!(v5_seeds(42), (3444837047, -1625411987));
        assert_eq!(v5_seeds(12345), (2688385916, -1246862206));
    }

    #[test]
    fn v5_noop_counts_from_seed_zero_match_the_recorded_trace() {
        // The recorded Breakout trace (seed 0): the no-op counts of its ten resets, drawn by
        // AtariPreprocessing with env.unwrapped.np_random.integers(1, noop_max + 1), noop_max = 30.
        let (numpy_seed, _) = v5_seeds(0);
        let mut generator = NumpyGenerator::from_seed(numpy_seed.into());
        let noops: Vec<i64> = (0..10).map(|_| generator.integers(1, 31)).collect();
        assert_eq!(noops, [22, 1, 1, 30, 12, 24, 3, 3, 20, 9]);
    }
}
