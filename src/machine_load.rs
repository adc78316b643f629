//! What else the machine was doing while a benchmark ran: other processes' CPU use and the time the host stole
//! from this virtual machine, from Linux's `/proc/stat` and `/proc/self/stat` (nothing where they do not exist).

use std::fs;

/// The CPU time counters of the whole machine and of this process at one moment, in the kernel's clock ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snapshot {
    machine: CpuTimes,
    own_ticks: u64,
}

impl Snapshot {
    /// The counters now; `None` where `/proc` cannot be read or parsed (not Linux).
    pub fn now() -> Option<Snapshot> {
        let machine = parse_machine_times(&fs::read_to_string("/proc/stat").ok()?)?;
        let own_ticks = parse_own_ticks(&fs::read_to_string("/proc/self/stat").ok()?)?;
        Some(Snapshot { machine, own_ticks })
    }
}

/// The machine's CPU time summed over its cores (the `cpu` line of `/proc/stat`), and how many cores it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpuTimes {
    /// Time running anything: user (guests included), nice, system, interrupts.
    pub busy: u64,
    /// Time the host gave another machine while this one had work (steal).
    pub stolen: u64,
    /// All of it: busy, idle, waiting for I/O, stolen.
    pub total: u64,
    pub cores: usize,
}

/// The machine's counters from the text of `/proc/stat`: the `cpu` line's user, nice, system, idle, iowait, irq,
/// softirq and steal columns (guest time is already inside user), and the count of `cpuN` lines.
pub fn parse_machine_times(stat: &str) -> Option<CpuTimes> {
    let line = stat.lines().find(|line| line.starts_with("cpu "))?;
    let columns: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .take(8)
        .map(|column| column.parse().ok())
        .collect::<Option<_>>()?;
    let [user, nice, system, idle, iowait, irq, softirq, stolen] = columns[..] else {
        return None;
    };
    let cores = stat
        .lines()
        .filter(|line| line.starts_with("cpu") && line.as_bytes().get(3).is_some_and(u8::is_ascii_digit))
        .count();
    let busy = user + nice + system + irq + softirq;
    Some(CpuTimes {
        busy,
        stolen,
        total: busy + idle + iowait + stolen,
        cores,
    })
}

/// This process's user + system time from the text of `/proc/self/stat` (fields 14 and 15, counted after the
/// command name, which is in parentheses and may hold spaces).
pub fn parse_own_ticks(stat: &str) -> Option<u64> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // Field 3 (the state) is the first after the name, so field n is at n − 3.
    let user: u64 = fields.get(14 - 3)?.parse().ok()?;
    let system: u64 = fields.get(15 - 3)?.parse().ok()?;
    Some(user + system)
}

/// The load between two snapshots.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Load {
    /// Other processes' CPU use, in cores on average (0 on an otherwise idle machine).
    pub other_cores: f64,
    /// The fraction of the machine's CPU time the host stole.
    pub stolen_fraction: f64,
}

/// The load from `before` to `after`; `None` when no time passed on the counters.
pub fn load_between(before: &Snapshot, after: &Snapshot) -> Option<Load> {
    let total = after.machine.total.checked_sub(before.machine.total)?;
    if total == 0 {
        return None;
    }
    let busy = after.machine.busy.saturating_sub(before.machine.busy);
    let own = after.own_ticks.saturating_sub(before.own_ticks);
    let stolen = after.machine.stolen.saturating_sub(before.machine.stolen);
    // Each core adds `total / cores` ticks over the interval, so busy ticks over that are cores in use.
    let per_core = total as f64 / after.machine.cores.max(1) as f64;
    Some(Load {
        other_cores: busy.saturating_sub(own) as f64 / per_core,
        stolen_fraction: stolen as f64 / total as f64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MACHINE_BEFORE: &str = "cpu  1000 10 200 5000 40 0 30 120 0 0\n\
        cpu0 500 5 100 2500 20 0 15 60 0 0\n\
        cpu1 500 5 100 2500 20 0 15 60 0 0\n\
        intr 123 0 0\n";
    // 400 ticks later on 2 cores (200 each): 230 busy (user 150, nice 0, system 70, softirq 10), 140 idle,
    // 10 waiting for I/O (not busy), 20 stolen.
    const MACHINE_AFTER: &str = "cpu  1150 10 270 5140 50 0 40 140 0 0\n\
        cpu0 575 5 135 2570 25 0 20 70 0 0\n\
        cpu1 575 5 135 2570 25 0 20 70 0 0\n";

    #[test]
    fn reads_the_machine_line_and_counts_the_cores() {
        let times = parse_machine_times(MACHINE_BEFORE).unwrap();
        assert_eq!(
            times,
            CpuTimes {
                busy: 1000 + 10 + 200 + 30,
                stolen: 120,
                total: 1240 + 5000 + 40 + 120,
                cores: 2,
            }
        );
        assert_eq!(parse_machine_times("intr 1 2 3\n"), None);
        assert_eq!(parse_machine_times("cpu  1 2 3\n"), None, "too few columns");
    }

    #[test]
    fn reads_own_time_past_a_name_with_spaces_and_parentheses() {
        // Fields 14 (utime) = 37 and 15 (stime) = 5; the name "(a b) c" holds a space and a parenthesis.
        let stat = "4242 ((a b) c) R 1 4242 4242 0 -1 4194304 99 0 0 0 37 5 0 0 20 0 1 0 2321854";
        assert_eq!(parse_own_ticks(stat), Some(42));
        assert_eq!(parse_own_ticks("4242 (x) R 1 2"), None);
    }

    #[test]
    fn other_cores_are_the_busy_ticks_less_our_own_per_core_tick() {
        let machine_before = parse_machine_times(MACHINE_BEFORE).unwrap();
        let machine_after = parse_machine_times(MACHINE_AFTER).unwrap();
        // We ran 190 of the 230 busy ticks: the others used 40 of 200 ticks per core, 0.2 cores; 20 of 400 stolen.
        let before = Snapshot {
            machine: machine_before,
            own_ticks: 1000,
        };
        let after = Snapshot {
            machine: machine_after,
            own_ticks: 1190,
        };
        let load = load_between(&before, &after).unwrap();
        assert!((load.other_cores - 0.2).abs() < 1e-12, "{load:?}");
        assert!((load.stolen_fraction - 0.05).abs() < 1e-12, "{load:?}");
        assert_eq!(load_between(&before, &before), None, "no time passed");
    }

    #[test]
    fn this_machine_has_counters_that_move_forward() {
        // Where /proc exists (Linux, as in CI), a snapshot reads and a busy loop shows as our own time, not others'.
        let Some(before) = Snapshot::now() else {
            return;
        };
        assert!(before.machine.cores >= 1);
        let mut sum = 0u64;
        let started = std::time::Instant::now();
        while started.elapsed().as_millis() < 200 {
            sum = sum.wrapping_add(std::hint::black_box(sum) | 1);
        }
        let after = Snapshot::now().unwrap();
        assert!(after.own_ticks > before.own_ticks, "200 ms of work counted ({sum})");
        let load = load_between(&before, &after).unwrap();
        assert!(load.stolen_fraction >= 0.0 && load.stolen_fraction <= 1.0);
        assert!(load.other_cores >= 0.0 && load.other_cores <= before.machine.cores as f64);
    }
}
