//! `--every` and `--cron`: when the next scheduled run is due. A run that
//! took longer than the interval skips the times it missed instead of
//! catching up on them: never a queue of stale runs.

use std::time::{Duration, Instant};

use chrono::{DateTime, Local};
use croner::Cron;

pub struct Schedule {
    every: Option<Duration>,
    cron: Option<Cron>,
    /// The next time `--every` is due.
    next_every: Option<Instant>,
}

/// A time a run is due: when (for waiting) and the wall-clock time (to say).
#[derive(Debug, Clone, Copy)]
pub struct Due {
    pub at: Instant,
    pub wall: DateTime<Local>,
}

impl Schedule {
    pub fn new(every: Option<Duration>, cron: Option<Cron>) -> Schedule {
        Schedule {
            every,
            cron,
            next_every: every.map(|e| Instant::now() + e),
        }
    }

    /// The next scheduled run, the earlier of `--every` and `--cron`.
    pub fn due(&self) -> Option<Due> {
        let now = Instant::now();
        let wall = Local::now();
        let every = self.next_every.map(|at| Due {
            at,
            wall: wall + at.saturating_duration_since(now),
        });
        let cron = self.cron.as_ref().and_then(|c| {
            let next = c.find_next_occurrence(&wall, false).ok()?;
            let wait = (next - wall).to_std().unwrap_or_default();
            Some(Due {
                at: now + wait,
                wall: next,
            })
        });
        match (every, cron) {
            (Some(a), Some(b)) => Some(if a.at <= b.at { a } else { b }),
            (a, b) => a.or(b),
        }
    }

    /// A scheduled run has been made: `--every` is next due one interval
    /// after the last time it was due, skipping the times a long run missed.
    pub fn ran(&mut self) {
        if let (Some(every), Some(next)) = (self.every, &mut self.next_every) {
            let now = Instant::now();
            while *next <= now {
                *next += every;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_is_due_one_interval_after_the_start_then_after_each_run() {
        let mut schedule = Schedule::new(Some(Duration::from_secs(900)), None);
        let first = schedule.due().unwrap();
        let wait = first.at.saturating_duration_since(Instant::now());
        assert!(wait > Duration::from_secs(890) && wait <= Duration::from_secs(900));
        // Not due yet: a run for another reason does not move it.
        schedule.ran();
        assert_eq!(schedule.due().unwrap().at, first.at);
    }

    #[test]
    fn missed_intervals_are_skipped_not_queued() {
        let mut schedule = Schedule::new(Some(Duration::from_secs(60)), None);
        schedule.next_every = Some(Instant::now() - Duration::from_secs(150));
        schedule.ran();
        let at = schedule.due().unwrap().at;
        let wait = at.saturating_duration_since(Instant::now());
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(30),
            "{wait:?}"
        );
    }

    #[test]
    fn cron_is_due_at_its_next_match() {
        let cron: Cron = "0 6 * * *".parse().unwrap();
        let schedule = Schedule::new(None, Some(cron));
        let due = schedule.due().unwrap();
        assert_eq!(due.wall.format("%H:%M:%S").to_string(), "06:00:00");
        assert!(due.wall > Local::now());
        assert!(due.wall - Local::now() <= chrono::TimeDelta::hours(24));
    }

    #[test]
    fn the_earlier_of_the_two_is_due() {
        let cron: Cron = "0 6 * * *".parse().unwrap();
        let schedule = Schedule::new(Some(Duration::from_secs(1)), Some(cron));
        let wait = schedule
            .due()
            .unwrap()
            .at
            .saturating_duration_since(Instant::now());
        assert!(wait <= Duration::from_secs(1));
        assert!(Schedule::new(None, None).due().is_none());
    }
}
