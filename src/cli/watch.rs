//! `seg watch`: run a rule set, then again whenever its rules or data are
//! saved, and on a schedule (`--every`, `--cron`). The database is open only
//! while a run writes it, so between runs other programs can read it.

mod decide;
mod report;
mod schedule;

pub use report::changes_line;

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use seg::diagnostic::render;
use seg::engine::{BaseCache, Stop};
use seg::i18n::tr;
use seg::source::SourceMap;
use serde_json::json;

use self::decide::{Event, Folder, Interest, Kind, Verdict, decide};
use self::schedule::Schedule;
use super::args::{Format, WatchArgs};
use super::run::{self, Once, Target};
use super::{CLEAN, check, output, replay};

/// How long a save's burst of events may last and still be one change.
const DEBOUNCE: Duration = Duration::from_millis(50);

/// What wakes the watch up.
enum Wake {
    Files(DebounceEventResult),
    /// Ctrl-C or SIGTERM.
    Stop,
}

/// Why a turn runs.
#[derive(Debug, Clone, Copy)]
enum Trigger {
    Start,
    Change { rules: bool, data: bool },
    Schedule,
}

impl Trigger {
    fn words(self) -> String {
        match self {
            Trigger::Start => tr!("watch-first-run"),
            Trigger::Change {
                rules: true,
                data: true,
            } => tr!("watch-rules-and-data-changed"),
            Trigger::Change { rules: true, .. } => tr!("watch-rules-changed"),
            Trigger::Change { .. } => tr!("watch-data-changed"),
            Trigger::Schedule => tr!("watch-scheduled"),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Trigger::Start => "start",
            Trigger::Change { .. } => "change",
            Trigger::Schedule => "schedule",
        }
    }
}

pub fn run(args: WatchArgs) -> u8 {
    if args.run.engine.engine == super::args::EngineKind::Spark {
        return output::usage(
            tr!("watch-not-on-spark"),
            Some(tr!("watch-not-on-spark.help")),
        );
    }
    // A watch runs at one date; a range of dates is `seg run`'s replay.
    if let Err(status) = check::one_date(&args.run.rules, "watch") {
        return status;
    }
    if let Err(status) = replay::dates(&args.run) {
        return status;
    }
    let mut target = match Target::of(&args.run, "seg watch") {
        Ok(t) => t,
        Err(status) => return status,
    };
    // The base table of the last run is kept here for the next (see
    // `engine/base_cache.rs`); a folder that cannot be made only costs time.
    let kept = std::env::temp_dir().join(format!("seg-watch-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&kept);
    if std::fs::create_dir_all(&kept).is_ok() {
        target.options.base_cache = Some(BaseCache::new(&kept));
    }
    let Ok(cwd) = std::env::current_dir() else {
        return output::usage(tr!("watch-no-current-folder"), None);
    };
    let (tx, rx) = mpsc::channel();
    if let Err(e) = forward_signals(tx.clone(), target.stop.clone()) {
        return output::usage(tr!("watch-no-signals", error = e.to_string()), None);
    }
    let debouncer = match new_debouncer(DEBOUNCE, None, move |r| {
        let _ = tx.send(Wake::Files(r));
    }) {
        Ok(d) => d,
        Err(e) => return output::usage(tr!("watch-cannot-watch", error = e.to_string()), None),
    };
    let rules_is_file = args.run.rules.path.extension().is_some_and(|e| e == "seg");
    let interest = Interest::new(&args.run.rules.path, rules_is_file, &[], &cwd);
    let mut watch = Watch {
        interest,
        schedule: Schedule::new(args.every, args.cron.clone()),
        args,
        target,
        cwd,
        rules_is_file,
        debouncer,
        watched: Vec::new(),
        previous: None,
        rules_gone: false,
    };
    watch.follow();
    watch.say(
        &tr!(
            "watch-watching",
            path = watch.args.run.rules.path.display().to_string()
        ),
        json!({"event": "watching", "path": watch.args.run.rules.path}),
    );
    watch.turn(Trigger::Start, None);
    watch.serve(&rx);
    watch.say(&tr!("watch-stopped"), json!({"event": "stopped"}));
    let _ = std::fs::remove_dir_all(&kept);
    CLEAN
}

/// Ctrl-C and SIGTERM become a [`Wake::Stop`], and stop a run in
/// progress: its query is interrupted and its transaction rolls back, so
/// the tables of the run before stay whole; then the watch ends.
fn forward_signals(tx: mpsc::Sender<Wake>, stop: Stop) -> std::io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
    std::thread::spawn(move || {
        for _ in signals.forever() {
            stop.request();
            let _ = tx.send(Wake::Stop);
        }
    });
    Ok(())
}

struct Watch {
    args: WatchArgs,
    target: Target,
    cwd: PathBuf,
    rules_is_file: bool,
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    /// What the last good run read, and the folders watched for it.
    interest: Interest,
    watched: Vec<Folder>,
    /// The last good run, to say what changed since.
    previous: Option<seg::engine::RunSummary>,
    rules_gone: bool,
    schedule: Schedule,
}

impl Watch {
    /// Waits for changes and the schedule until told to stop. Whatever
    /// arrived while a run was busy is taken together as one change, so
    /// one more run follows on the newest content.
    fn serve(&mut self, rx: &Receiver<Wake>) {
        loop {
            let wake = match self.schedule.due() {
                Some(due) => rx.recv_timeout(due.at.saturating_duration_since(Instant::now())),
                None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            };
            match wake {
                Ok(Wake::Stop) | Err(RecvTimeoutError::Disconnected) => return,
                Ok(Wake::Files(first)) => {
                    let mut batch = vec![first];
                    while let Ok(more) = rx.try_recv() {
                        match more {
                            Wake::Stop => return,
                            Wake::Files(r) => batch.push(r),
                        }
                    }
                    self.changed(batch);
                }
                Err(RecvTimeoutError::Timeout) => {
                    if self
                        .schedule
                        .due()
                        .is_some_and(|due| due.at <= Instant::now() + Duration::from_millis(5))
                    {
                        self.turn(Trigger::Schedule, None);
                        self.schedule.ran();
                    }
                }
            }
        }
    }

    fn changed(&mut self, batch: Vec<DebounceEventResult>) {
        let mut events = Vec::new();
        let mut first: Option<Instant> = None;
        for result in batch {
            match result {
                Ok(debounced) => {
                    for e in debounced {
                        let kind = match e.event.kind {
                            EventKind::Access(_) => Kind::Read,
                            _ => Kind::Change,
                        };
                        if kind == Kind::Change {
                            first = Some(first.map_or(e.time, |f| f.min(e.time)));
                        }
                        events.push(Event {
                            kind,
                            paths: e.event.paths.clone(),
                        });
                    }
                }
                Err(errors) => {
                    for e in errors {
                        self.say(
                            &tr!("watch-warning", error = e.to_string()),
                            json!({"event": "warning", "message": e.to_string()}),
                        );
                    }
                }
            }
        }
        match decide(&self.interest, &events, self.rules_exist()) {
            Verdict::Ignore => {}
            Verdict::RulesGone => {
                if !self.rules_gone {
                    self.rules_gone = true;
                    let path = self.args.run.rules.path.display().to_string();
                    self.say(
                        &tr!("watch-rules-gone", path = path.as_str()),
                        json!({"event": "rules_gone", "path": path}),
                    );
                }
            }
            Verdict::Rerun { rules, data } => {
                self.rules_gone = false;
                self.follow();
                self.turn(Trigger::Change { rules, data }, first);
            }
        }
    }

    fn rules_exist(&self) -> bool {
        let path = self.interest.rules();
        if self.rules_is_file {
            path.is_file()
        } else {
            path.is_dir()
        }
    }

    /// Watches the folders of the current interest (again: a folder that
    /// was deleted and made anew is a new one to the system), and no others.
    fn follow(&mut self) {
        let wanted = self.interest.folders().to_vec();
        for old in self.watched.iter().filter(|f| !wanted.contains(f)) {
            let _ = self.debouncer.unwatch(&old.path);
        }
        for folder in &wanted {
            let mode = if folder.recursive {
                RecursiveMode::Recursive
            } else {
                RecursiveMode::NonRecursive
            };
            // A folder that is not there (yet) is not watched; the parent
            // of the rule set is, so its return is seen.
            let _ = self.debouncer.watch(&folder.path, mode);
        }
        self.watched = wanted;
    }

    /// One check and, when clean, one run; then says what came of it.
    fn turn(&mut self, trigger: Trigger, first_event: Option<Instant>) {
        let once = run::once(&self.args.run.rules, &self.target, false);
        let since_save = first_event.map(|t| t.elapsed());
        if self.target.stop.requested() && !matches!(once, Once::Ran { .. }) {
            // Whatever the stop cut short (a check, a run) is not news.
            self.say(
                &tr!(
                    "watch-interrupted",
                    trigger = trigger.words(),
                    kept = self.kept()
                ),
                json!({"event": "interrupted", "trigger": trigger.name()}),
            );
            return;
        }
        match once {
            Once::Ran {
                summary,
                files,
                diagnostics,
                sources,
                legend,
            } => {
                self.warnings(&files, &diagnostics);
                // Before the run is announced, so that the page is current
                // when a reader hears of it.
                if let Some(file) = &self.args.run.report {
                    super::report::after_run(&self.args.run.rules, &self.target.db, file, false);
                }
                self.ran(trigger, &summary, &legend, since_save);
                self.interest = Interest::new(
                    &self.args.run.rules.path,
                    self.rules_is_file,
                    &sources,
                    &self.cwd,
                );
                self.follow();
                self.previous = Some(summary);
            }
            Once::Rejected { files, diagnostics } => self.rejected(trigger, &files, &diagnostics),
            Once::Unreadable(e) => {
                let d = e.diagnostic();
                self.not_run(
                    trigger,
                    &format!(
                        "{}{}",
                        d.message,
                        d.help.map(|h| format!(" ({h})")).unwrap_or_default()
                    ),
                    &SourceMap::default(),
                    &[e.diagnostic()],
                );
            }
            Once::Failed(e) => {
                if self.args.run.format == Format::Json {
                    let said = super::errors::said(&e);
                    self.json(json!({"event": "failed", "trigger": trigger.name(),
                        "message": said.message(), "help": said.help()}));
                } else {
                    output::failure(&e);
                    output::stdout(&format!(
                        "{}\n",
                        tr!(
                            "watch-failed",
                            trigger = trigger.words(),
                            kept = self.kept()
                        )
                    ));
                }
            }
        }
        self.next_scheduled();
    }

    fn ran(
        &self,
        trigger: Trigger,
        summary: &seg::engine::RunSummary,
        legend: &super::summary::Legend,
        since_save: Option<Duration>,
    ) {
        if self.args.run.format == Format::Json {
            let ms = since_save.map(|t| t.as_millis() as u64);
            self.json(json!({"event": "run", "trigger": trigger.name(),
                "since_save_ms": ms, "summary": summary}));
            return;
        }
        let headline = report::headline(summary, &trigger.words(), since_save);
        let text = match &self.previous {
            _ if self.args.run.quiet => headline,
            Some(previous) => headline + &report::changes(previous, summary),
            // The first run: the summary of `seg run`.
            None => run::human(summary, legend, &self.target.db),
        };
        output::stdout(&text);
    }

    fn rejected(
        &self,
        trigger: Trigger,
        files: &SourceMap,
        diagnostics: &[seg::diagnostic::Diagnostic],
    ) {
        let totals = output::totals(diagnostics);
        self.not_run(trigger, &totals, files, diagnostics);
    }

    /// The rules could not run: the diagnostics, as `seg check` shows
    /// them, and the word that the last good outputs stay.
    fn not_run(
        &self,
        trigger: Trigger,
        why: &str,
        files: &SourceMap,
        diagnostics: &[seg::diagnostic::Diagnostic],
    ) {
        if self.args.run.format == Format::Json {
            self.json(json!({"event": "not_run", "trigger": trigger.name(),
                "diagnostics": render::json(diagnostics, files)}));
            return;
        }
        output::diagnostics(diagnostics, files, Format::Human);
        output::stdout(&format!(
            "{}\n",
            tr!(
                "watch-not-run",
                trigger = trigger.words(),
                why = why,
                kept = self.kept()
            )
        ));
    }

    fn warnings(&self, files: &SourceMap, diagnostics: &[seg::diagnostic::Diagnostic]) {
        if self.args.run.format == Format::Human {
            output::diagnostics(diagnostics, files, Format::Human);
        }
    }

    /// What stays when a turn does not run.
    fn kept(&self) -> String {
        match &self.previous {
            Some(p) => tr!("watch-kept", run = p.run_id.to_string()),
            None => tr!("watch-waiting"),
        }
    }

    fn next_scheduled(&self) {
        if let Some(due) = self.schedule.due() {
            let at = due.wall.format("%Y-%m-%d %H:%M:%S %:z").to_string();
            self.say(
                &tr!("watch-next", at = at.as_str()),
                json!({"event": "scheduled", "at": at}),
            );
        }
    }

    /// A line for a person, or a JSON object for a program.
    fn say(&self, text: &str, value: serde_json::Value) {
        match self.args.run.format {
            Format::Human => output::stdout(&format!("{text}\n")),
            Format::Json => self.json(value),
        }
    }

    fn json(&self, value: serde_json::Value) {
        output::stdout(&format!("{value}\n"));
    }
}
