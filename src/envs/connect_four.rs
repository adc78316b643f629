//! ConnectFour-v0: Connect Four on a 6 × 7 board, the agent against a built-in opponent, as a gym-style `Env`.
//!
//! The agent moves first; after each of its legal moves that does not end the game the opponent (uniformly random,
//! or a one-step lookahead) replies within the same `step`, drawing from the env's own seeded RNG. Reward +1 for a
//! win, −1 for a loss, 0 otherwise; the episode ends with `terminated`, never `truncated` (a game lasts at most 21
//! agent moves, so it needs no time limit). Full columns are illegal: `legal_actions` masks them, and a full column
//! passed to `step` anyway loses the game on the spot.

use std::fmt;

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use super::{Env, EnvInfo, ObservationValues, StepOutcome};

/// The id of Connect Four against the uniformly random opponent (`Opponent::Random`).
pub const ID: &str = "ConnectFour-v0";
/// The id of Connect Four against the one-step-lookahead opponent (`Opponent::OneStepLookahead`).
pub const LOOKAHEAD_ID: &str = "ConnectFour-Lookahead-v0";

/// Rows of the board; row 0 is the top row, row `ROWS - 1` the bottom one where a column's first disc lands.
pub const ROWS: usize = 6;
/// Columns of the board, one action each.
pub const COLUMNS: usize = 7;
/// Discs in a line that win.
const LINE_LENGTH: usize = 4;
/// The four line directions as (row step, column step): along a row, along a column, and both diagonals.
const DIRECTIONS: [(isize, isize); 4] = [(0, 1), (1, 0), (1, 1), (1, -1)];

/// Whose disc sits in a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disc {
    /// A disc of the learning agent (the first player).
    Agent,
    /// A disc of the built-in opponent.
    Opponent,
}

/// A board, `board[row][column]`, row 0 on top; `None` is an empty cell.
pub type Board = [[Option<Disc>; COLUMNS]; ROWS];

/// The built-in opponent's policy. Every random choice comes from the env's RNG, so a seed fixes the replies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opponent {
    /// Uniform over the legal columns.
    Random,
    /// Wins in one move if it can; otherwise blocks a column where the agent would win with its next move; otherwise
    /// uniform over the legal columns. Ties (two winning or two blocking columns) are broken uniformly at random.
    OneStepLookahead,
}

impl Opponent {
    /// The registry id of Connect Four against this opponent (`ID` or `LOOKAHEAD_ID`).
    pub fn env_id(self) -> &'static str {
        match self {
            Opponent::Random => ID,
            Opponent::OneStepLookahead => LOOKAHEAD_ID,
        }
    }
}

/// How a finished game ended, from the agent's side.
///
/// Every reward before the last step is 0, so an episode's undiscounted return is exactly the final reward:
/// `Outcome::from_return` recovers the outcome from a return (what an evaluation loop holding a `Box<dyn Env>` has),
/// and `ConnectFour::outcome` reports it directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The agent made four in a line.
    Win,
    /// The board filled up with no four in a line.
    Draw,
    /// The opponent made four in a line, or the agent played a full column.
    Loss,
}

impl Outcome {
    /// The reward of the step that ends the game this way: +1, 0 or −1.
    pub fn reward(self) -> f64 {
        match self {
            Outcome::Win => 1.0,
            Outcome::Draw => 0.0,
            Outcome::Loss => -1.0,
        }
    }

    /// The outcome of a finished episode whose undiscounted return is `episode_return` (+1 win, 0 draw, −1 loss);
    /// `None` for any other value.
    pub fn from_return(episode_return: f64) -> Option<Self> {
        [Outcome::Win, Outcome::Draw, Outcome::Loss]
            .into_iter()
            .find(|outcome| outcome.reward() == episode_return)
    }
}

/// Connect Four against a built-in opponent.
///
/// Observation (`OBSERVATION_SIZE` = 84 values, each 0.0 or 1.0): two planes of `ROWS` × `COLUMNS`, the agent's
/// discs then the opponent's, each row-major from the top row; the cell at (`row`, `column`) is index
/// `row * COLUMNS + column` of the agent plane and `ROWS * COLUMNS + row * COLUMNS + column` of the whole
/// observation for the opponent plane. Row 0 is the top row.
///
/// Action `c` drops the agent's disc into column `c` (0 leftmost). An action outside `0..COLUMNS` panics; a full
/// column (illegal, masked by `legal_actions`) loses at once: reward −1, `terminated`, board unchanged, outcome
/// `Loss`. Stepping a finished game panics: call `reset` first.
#[derive(Debug, Clone)]
pub struct ConnectFour {
    board: Board,
    /// Discs in each column.
    heights: [usize; COLUMNS],
    opponent: Opponent,
    /// `Some` once the current game has ended.
    outcome: Option<Outcome>,
    rng: Pcg64,
}

impl Default for ConnectFour {
    /// Against the random opponent, as registered under `ID`.
    fn default() -> Self {
        Self::new(Opponent::Random)
    }
}

impl ConnectFour {
    /// Number of values in the observation: two planes of `ROWS` × `COLUMNS`.
    pub const OBSERVATION_SIZE: usize = 2 * ROWS * COLUMNS;
    /// One action per column.
    pub const ACTION_COUNT: usize = COLUMNS;

    /// An empty board against `opponent`, its RNG seeded with 0; call `reset` to start an episode.
    /// Two planes of 0 or 1; a game won, drawn or lost.
    pub const INFO: EnvInfo = EnvInfo {
        values: ObservationValues::Binary,
        is_game: true,
        ..EnvInfo::vector(Self::OBSERVATION_SIZE, Self::ACTION_COUNT)
    };

    pub fn new(opponent: Opponent) -> Self {
        Self {
            board: [[None; COLUMNS]; ROWS],
            heights: [0; COLUMNS],
            opponent,
            outcome: None,
            rng: Pcg64::seed_from_u64(0),
        }
    }

    /// The built-in opponent's policy.
    pub fn opponent(&self) -> Opponent {
        self.opponent
    }

    /// How the current game ended, or `None` while it is in play (and after `reset`). Stays set after the
    /// terminating `step` until the next `reset` or `set_board`.
    pub fn outcome(&self) -> Option<Outcome> {
        self.outcome
    }

    /// The current board, `board[row][column]`, row 0 on top.
    pub fn board(&self) -> &Board {
        &self.board
    }

    /// Replaces the board with a position in play (e.g. to test a position); the outcome is cleared. Panics if a disc
    /// floats above an empty cell. The position is not checked for an existing four in a line or for disc counts.
    pub fn set_board(&mut self, board: Board) {
        for (column, height) in self.heights.iter_mut().enumerate() {
            let filled = |row: usize| board[row][column].is_some();
            *height = (0..ROWS).rev().take_while(|&row| filled(row)).count();
            let floating = (0..ROWS - *height).any(filled);
            assert!(!floating, "column {column} has a disc above an empty cell");
        }
        self.board = board;
        self.outcome = None;
    }

    /// True when every column is full.
    pub fn is_full(&self) -> bool {
        self.heights.iter().all(|&height| height == ROWS)
    }

    /// Writes the observation of the current board (see the type's doc for the layout).
    pub fn write_observation(&self, observation: &mut [f32]) {
        let (agent_plane, opponent_plane) = observation[..Self::OBSERVATION_SIZE].split_at_mut(ROWS * COLUMNS);
        for (index, cell) in self.board.iter().flatten().enumerate() {
            agent_plane[index] = f32::from(u8::from(*cell == Some(Disc::Agent)));
            opponent_plane[index] = f32::from(u8::from(*cell == Some(Disc::Opponent)));
        }
    }

    /// The row a disc dropped into `column` lands in, or `None` if the column is full.
    fn landing_row(&self, column: usize) -> Option<usize> {
        (self.heights[column] < ROWS).then(|| ROWS - 1 - self.heights[column])
    }

    /// Drops `disc` into the non-full `column` and says whether it made four in a line.
    fn drop_disc(&mut self, column: usize, disc: Disc) -> bool {
        let row = self.landing_row(column).expect("drop_disc into a full column");
        self.board[row][column] = Some(disc);
        self.heights[column] += 1;
        self.completes_line(row, column, disc)
    }

    /// Whether `disc` at (`row`, `column`) is part of four in a line, counting that cell as `disc` whatever it holds
    /// (so it also answers "would a disc dropped here win?").
    fn completes_line(&self, row: usize, column: usize, disc: Disc) -> bool {
        DIRECTIONS.iter().any(|&(row_step, column_step)| {
            let forward = self.run_length(row, column, row_step, column_step, disc);
            let backward = self.run_length(row, column, -row_step, -column_step, disc);
            1 + forward + backward >= LINE_LENGTH
        })
    }

    /// How many `disc`s follow (`row`, `column`) in a row in direction (`row_step`, `column_step`), the cell itself
    /// not counted.
    fn run_length(&self, row: usize, column: usize, row_step: isize, column_step: isize, disc: Disc) -> usize {
        let mut length = 0;
        let (mut row, mut column) = (row as isize, column as isize);
        loop {
            row += row_step;
            column += column_step;
            let inside = (0..ROWS as isize).contains(&row) && (0..COLUMNS as isize).contains(&column);
            if !inside || self.board[row as usize][column as usize] != Some(disc) {
                return length;
            }
            length += 1;
        }
    }

    /// Writes into `columns` the non-full columns where `disc` would make four in a line; returns how many.
    fn winning_columns(&self, disc: Disc, columns: &mut [usize; COLUMNS]) -> usize {
        let mut count = 0;
        for column in 0..COLUMNS {
            if let Some(row) = self.landing_row(column) {
                if self.completes_line(row, column, disc) {
                    columns[count] = column;
                    count += 1;
                }
            }
        }
        count
    }

    /// The built-in opponent's column on a board with at least one free column.
    fn opponent_column(&mut self) -> usize {
        let mut candidates = [0; COLUMNS];
        if self.opponent == Opponent::OneStepLookahead {
            // Win if possible, else block the agent's immediate win.
            for disc in [Disc::Opponent, Disc::Agent] {
                let count = self.winning_columns(disc, &mut candidates);
                if count > 0 {
                    return candidates[self.rng.gen_range(0..count)];
                }
            }
        }
        let mut count = 0;
        for column in (0..COLUMNS).filter(|&column| self.heights[column] < ROWS) {
            candidates[count] = column;
            count += 1;
        }
        candidates[self.rng.gen_range(0..count)]
    }

    /// Ends the game with `outcome` and returns the matching step outcome.
    fn finish(&mut self, outcome: Outcome) -> StepOutcome {
        self.outcome = Some(outcome);
        StepOutcome {
            reward: outcome.reward(),
            terminated: true,
            truncated: false,
        }
    }
}

impl Env for ConnectFour {
    fn info(&self) -> EnvInfo {
        Self::INFO
    }

    fn reset(&mut self, seed: Option<u64>, observation: &mut [f32]) {
        if let Some(seed) = seed {
            self.rng = Pcg64::seed_from_u64(seed);
        }
        self.board = [[None; COLUMNS]; ROWS];
        self.heights = [0; COLUMNS];
        self.outcome = None;
        self.write_observation(observation);
    }

    fn step(&mut self, action: usize, observation: &mut [f32]) -> StepOutcome {
        assert!(
            action < COLUMNS,
            "ConnectFour action {action} is not a column 0..{COLUMNS}"
        );
        assert!(
            self.outcome.is_none(),
            "ConnectFour stepped after the game ended; call reset"
        );
        let outcome = if self.heights[action] == ROWS {
            // Illegal move (full column): the agent forfeits, the board stays as it was.
            self.finish(Outcome::Loss)
        } else if self.drop_disc(action, Disc::Agent) {
            self.finish(Outcome::Win)
        } else if self.is_full() {
            self.finish(Outcome::Draw)
        } else {
            let column = self.opponent_column();
            if self.drop_disc(column, Disc::Opponent) {
                self.finish(Outcome::Loss)
            } else if self.is_full() {
                self.finish(Outcome::Draw)
            } else {
                StepOutcome {
                    reward: 0.0,
                    terminated: false,
                    truncated: false,
                }
            }
        };
        self.write_observation(observation);
        outcome
    }

    /// A column is legal while it has room.
    fn legal_actions(&self, mask: &mut [bool]) {
        for (legal, height) in mask[..COLUMNS].iter_mut().zip(self.heights) {
            *legal = height < ROWS;
        }
    }
}

impl fmt::Display for ConnectFour {
    /// The board as `ROWS` lines from the top: `X` the agent's disc, `O` the opponent's, `.` empty.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        for row in &self.board {
            for cell in row {
                let symbol = match cell {
                    Some(Disc::Agent) => 'X',
                    Some(Disc::Opponent) => 'O',
                    None => '.',
                };
                write!(formatter, "{symbol}")?;
            }
            writeln!(formatter)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONGOING: StepOutcome = StepOutcome {
        reward: 0.0,
        terminated: false,
        truncated: false,
    };

    /// A board from its rows, top first: `X` agent, `O` opponent, `.` empty.
    fn position(rows: [&str; ROWS]) -> Board {
        let mut board = [[None; COLUMNS]; ROWS];
        for (row, text) in rows.iter().enumerate() {
            assert_eq!(text.len(), COLUMNS, "{text}");
            for (column, symbol) in text.chars().enumerate() {
                board[row][column] = match symbol {
                    'X' => Some(Disc::Agent),
                    'O' => Some(Disc::Opponent),
                    '.' => None,
                    other => panic!("unknown cell {other:?}"),
                };
            }
        }
        board
    }

    /// An env against `opponent` set to the position `rows`, reset with `seed` first.
    fn env_at(opponent: Opponent, seed: u64, rows: [&str; ROWS]) -> ConnectFour {
        let mut env = ConnectFour::new(opponent);
        env.reset(Some(seed), &mut [0.0; ConnectFour::OBSERVATION_SIZE]);
        env.set_board(position(rows));
        env
    }

    /// Plays `action` and checks the game ended as `outcome` with its reward, never truncated.
    fn assert_ends(env: &mut ConnectFour, action: usize, outcome: Outcome) {
        let mut observation = [0.0f32; ConnectFour::OBSERVATION_SIZE];
        let step = env.step(action, &mut observation);
        assert_eq!(
            step,
            StepOutcome {
                reward: outcome.reward(),
                terminated: true,
                truncated: false
            },
            "\n{env}"
        );
        assert_eq!(env.outcome(), Some(outcome), "\n{env}");
    }

    #[test]
    fn agent_wins_along_a_row() {
        let mut env = env_at(
            Opponent::Random,
            0,
            [".......", ".......", ".......", ".......", ".......", "OXX.XOO"],
        );
        // The gap in the middle of the line completes it.
        assert_ends(&mut env, 3, Outcome::Win);
        assert_eq!(env.board()[5][3], Some(Disc::Agent));
    }

    #[test]
    fn agent_wins_along_a_column() {
        let mut env = env_at(
            Opponent::Random,
            0,
            [".......", ".......", "..X....", "..X....", "..XO...", "..OO..."],
        );
        // The disc lands on top of three: rows 1..=4 of column 2.
        assert_ends(&mut env, 2, Outcome::Win);
    }

    #[test]
    fn agent_wins_along_the_rising_diagonal() {
        // Bottom-left to top-right: (5,0), (4,1), (3,2), (2,3); the last one is played.
        let mut env = env_at(
            Opponent::Random,
            0,
            [".......", ".......", ".......", "..XO...", ".XOX...", "XOOXO.."],
        );
        assert_ends(&mut env, 3, Outcome::Win);
    }

    #[test]
    fn agent_wins_along_the_falling_diagonal() {
        // Top-left to bottom-right: (2,2), (3,3), (4,4), (5,5); the first one is played.
        let mut env = env_at(
            Opponent::Random,
            0,
            [".......", ".......", ".......", "..OX...", "..OOX..", "..XOOX."],
        );
        assert_ends(&mut env, 2, Outcome::Win);
    }

    /// The opponent (lookahead, so it takes its win) completes four after the agent's harmless move in column 6.
    fn assert_opponent_wins(rows: [&str; ROWS]) {
        for seed in 0..10 {
            let mut env = env_at(Opponent::OneStepLookahead, seed, rows);
            assert_ends(&mut env, 6, Outcome::Loss);
        }
    }

    #[test]
    fn opponent_wins_along_a_row() {
        assert_opponent_wins([".......", ".......", ".......", ".......", "X.X....", "OOO.XX."]);
    }

    #[test]
    fn opponent_wins_along_a_column() {
        assert_opponent_wins([".......", ".......", ".......", "...O...", "X..O...", "X.XO..."]);
    }

    #[test]
    fn opponent_wins_along_the_rising_diagonal() {
        assert_opponent_wins([".......", ".......", ".......", "..OX...", ".OXO...", "OXXX..."]);
    }

    #[test]
    fn opponent_wins_along_the_falling_diagonal() {
        assert_opponent_wins([".......", ".......", ".O.....", ".XO....", ".XXO...", "XXOX..."]);
    }

    /// A full board with no four in a line (21 discs each): rows repeat `XXOOXXO` or its swap `OOXXOOX`.
    const DRAWN_BOARD: [&str; ROWS] = ["XXOOXXO", "XXOOXXO", "OOXXOOX", "XXOOXXO", "OOXXOOX", "OOXXOOX"];

    #[test]
    fn a_full_board_without_four_in_a_line_is_a_draw() {
        // The opponent's reply fills the board: the agent takes (0, 0), the only free column left is 2.
        for opponent in [Opponent::Random, Opponent::OneStepLookahead] {
            let mut rows = DRAWN_BOARD;
            rows[0] = ".X.OXXO";
            let mut env = env_at(opponent, 0, rows);
            assert_ends(&mut env, 0, Outcome::Draw);
            assert_eq!(env.board(), &position(DRAWN_BOARD));
            assert!(env.is_full());
        }
        // The agent's own move fills the board.
        let mut rows = DRAWN_BOARD;
        rows[0] = ".XOOXXO";
        let mut env = env_at(Opponent::Random, 0, rows);
        assert_ends(&mut env, 0, Outcome::Draw);
        assert_eq!(env.board(), &position(DRAWN_BOARD));
    }

    #[test]
    fn full_columns_are_masked_in_legal_actions() {
        let mut env = ConnectFour::default();
        let mut mask = [false; COLUMNS];
        env.legal_actions(&mut mask);
        assert_eq!(mask, [true; COLUMNS]);
        env.set_board(position([
            "O.X....", "X.O....", "O.X....", "X.O....", "O.X....", "X.O....",
        ]));
        env.legal_actions(&mut mask);
        assert_eq!(mask, [false, true, false, true, true, true, true]);
    }

    #[test]
    fn playing_a_full_column_loses_and_leaves_the_board() {
        let rows = ["O......", "X......", "O......", "X......", "O......", "X......"];
        let mut env = env_at(Opponent::Random, 0, rows);
        assert_ends(&mut env, 0, Outcome::Loss);
        assert_eq!(env.board(), &position(rows));
    }

    #[test]
    #[should_panic(expected = "is not a column")]
    fn an_action_outside_the_board_panics() {
        ConnectFour::default().step(COLUMNS, &mut [0.0; ConnectFour::OBSERVATION_SIZE]);
    }

    #[test]
    #[should_panic(expected = "after the game ended")]
    fn stepping_a_finished_game_panics() {
        let mut env = env_at(
            Opponent::Random,
            0,
            [".......", ".......", ".......", ".......", ".......", "XXX.OOO"],
        );
        assert_ends(&mut env, 3, Outcome::Win);
        env.step(0, &mut [0.0; ConnectFour::OBSERVATION_SIZE]);
    }

    #[test]
    #[should_panic(expected = "above an empty cell")]
    fn a_floating_disc_in_set_board_panics() {
        ConnectFour::default().set_board(position([
            ".......", ".......", ".......", ".......", "..X....", ".......",
        ]));
    }

    #[test]
    fn observation_planes_are_own_then_opponent_discs_from_the_top_row() {
        let mut env = ConnectFour::default();
        let mut observation = [0.5f32; ConnectFour::OBSERVATION_SIZE];
        env.reset(Some(3), &mut observation);
        assert_eq!(observation, [0.0; 84]);

        // One move each: the agent's disc at the bottom of column 3, the opponent's somewhere on the bottom row or on
        // top of it.
        assert_eq!(env.step(3, &mut observation), ONGOING);
        let agent_cells: Vec<usize> = (0..42).filter(|&index| observation[index] == 1.0).collect();
        let opponent_cells: Vec<usize> = (42..84).filter(|&index| observation[index] == 1.0).collect();
        assert_eq!(agent_cells, [5 * 7 + 3]);
        assert_eq!(opponent_cells.len(), 1);
        assert!(opponent_cells[0] == 42 + 4 * 7 + 3 || (42 + 35..84).contains(&opponent_cells[0]));
        assert!(observation.iter().all(|&value| value == 0.0 || value == 1.0));

        // A hand-placed position, index by index.
        env.set_board(position([
            ".......", ".......", ".......", ".......", "...O...", "X..XO..",
        ]));
        env.write_observation(&mut observation);
        let mut expected = [0.0f32; 84];
        expected[35] = 1.0; // agent, row 5, column 0
        expected[38] = 1.0; // agent, row 5, column 3
        expected[42 + 31] = 1.0; // opponent, row 4, column 3
        expected[42 + 39] = 1.0; // opponent, row 5, column 4
        assert_eq!(observation, expected);
    }

    #[test]
    fn lookahead_takes_a_winning_move_before_blocking() {
        // The opponent can win in column 4 (row 5: O O O .); the agent threatens column 0 (three X stacked).
        let rows = [".......", ".......", ".......", "X......", "X......", "XOOO.X."];
        for seed in 0..20 {
            let mut env = env_at(Opponent::OneStepLookahead, seed, rows);
            assert_ends(&mut env, 6, Outcome::Loss);
            assert_eq!(env.board()[5][4], Some(Disc::Opponent), "seed {seed}\n{env}");
        }
    }

    #[test]
    fn lookahead_blocks_an_immediate_threat() {
        // The agent threatens column 4 (row 5: X X X . after its move in column 3); the opponent has no win.
        let rows = [".......", ".......", ".......", ".......", "O......", "OXX...."];
        for seed in 0..20 {
            let mut env = env_at(Opponent::OneStepLookahead, seed, rows);
            let mut observation = [0.0f32; ConnectFour::OBSERVATION_SIZE];
            assert_eq!(env.step(3, &mut observation), ONGOING);
            assert_eq!(env.board()[5][4], Some(Disc::Opponent), "seed {seed}\n{env}");
        }
        // The random opponent, for contrast, does not always block.
        let blocked = (0..20)
            .filter(|&seed| {
                let mut env = env_at(Opponent::Random, seed, rows);
                env.step(3, &mut [0.0; ConnectFour::OBSERVATION_SIZE]);
                env.board()[5][4] == Some(Disc::Opponent)
            })
            .count();
        assert!(blocked < 20, "{blocked}");
    }

    /// The observations of one game from `reset(seed)` where the agent always plays the leftmost legal column.
    fn leftmost_game(env: &mut ConnectFour, seed: Option<u64>) -> Vec<Vec<f32>> {
        let mut observation = vec![0.0f32; ConnectFour::OBSERVATION_SIZE];
        env.reset(seed, &mut observation);
        let mut observations = vec![observation.clone()];
        loop {
            let mut mask = [false; COLUMNS];
            env.legal_actions(&mut mask);
            let action = mask.iter().position(|&legal| legal).unwrap();
            let outcome = env.step(action, &mut observation);
            observations.push(observation.clone());
            if outcome.terminated {
                return observations;
            }
        }
    }

    #[test]
    fn same_seed_same_opponent_moves() {
        for opponent in [Opponent::Random, Opponent::OneStepLookahead] {
            let mut first = ConnectFour::new(opponent);
            let mut second = ConnectFour::new(opponent);
            let game = leftmost_game(&mut first, Some(11));
            assert_eq!(game, leftmost_game(&mut second, Some(11)));
            // Other seeds give other replies; `None` continues the stream; reseeding replays it.
            assert!((12..20).any(|seed| leftmost_game(&mut second, Some(seed)) != game));
            assert_ne!(leftmost_game(&mut first, None), game);
            assert_eq!(leftmost_game(&mut first, Some(11)), game);
        }
    }

    #[test]
    fn random_legal_play_always_ends_with_a_consistent_outcome() {
        let mut player = Pcg64::seed_from_u64(99);
        for opponent in [Opponent::Random, Opponent::OneStepLookahead] {
            let mut env = ConnectFour::new(opponent);
            let mut observation = [0.0f32; ConnectFour::OBSERVATION_SIZE];
            env.reset(Some(1), &mut observation);
            for _ in 0..300 {
                env.reset(None, &mut observation);
                let mut episode_return = 0.0;
                for agent_moves in 1..=21 {
                    let mut mask = [false; COLUMNS];
                    env.legal_actions(&mut mask);
                    let legal: Vec<usize> = (0..COLUMNS).filter(|&column| mask[column]).collect();
                    let step = env.step(legal[player.gen_range(0..legal.len())], &mut observation);
                    assert!(!step.truncated);
                    episode_return += step.reward;
                    let agent_discs = observation[..42].iter().sum::<f32>() as usize;
                    let opponent_discs = observation[42..].iter().sum::<f32>() as usize;
                    assert_eq!(agent_discs, agent_moves);
                    // The opponent replies to every move except a winning one (from an empty board the agent's
                    // move never fills it: the opponent places the 42nd disc).
                    let replied = env.outcome() != Some(Outcome::Win);
                    assert_eq!(opponent_discs, if replied { agent_moves } else { agent_moves - 1 });
                    if step.terminated {
                        break;
                    }
                    assert_eq!(step.reward, 0.0);
                    assert_eq!(env.outcome(), None);
                }
                let outcome = env.outcome().expect("a game ends within 21 agent moves");
                assert_eq!(Outcome::from_return(episode_return), Some(outcome));
            }
        }
    }

    #[test]
    fn outcome_round_trips_through_the_episode_return() {
        for outcome in [Outcome::Win, Outcome::Draw, Outcome::Loss] {
            assert_eq!(Outcome::from_return(outcome.reward()), Some(outcome));
        }
        assert_eq!(Outcome::from_return(0.5), None);
        assert_eq!(Opponent::Random.env_id(), ID);
        assert_eq!(Opponent::OneStepLookahead.env_id(), LOOKAHEAD_ID);
    }
}
