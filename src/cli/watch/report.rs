//! What changed from one run of `seg watch` to the next, as a person reads
//! it: per segmentation the counts before → after and the largest moves
//! between labels, per tag the counts and who gained and lost it.

use std::time::Duration;

use seg::engine::{Changes, LabelCount, RunSummary, TagCount};

use crate::cli::output::thousands;
use seg::i18n::tr;

/// At most this many moves between labels are named per segmentation.
const MOVES_SHOWN: usize = 3;

/// The first line of a turn: the run, why it ran, and how long after the
/// save its tables were there.
pub fn headline(summary: &RunSummary, why: &str, since_save: Option<Duration>) -> String {
    let timing = match since_save {
        Some(t) => tr!(
            "watch-updated-after-save",
            seconds = format!("{:.2}", t.as_secs_f64())
        ),
        None => tr!(
            "watch-seconds",
            seconds = format!("{:.2}", summary.duration_ms as f64 / 1000.0)
        ),
    };
    format!(
        "{}\n",
        tr!(
            "watch-headline",
            run = summary.run_id.to_string(),
            why = why,
            customers = thousands(summary.customers),
            timing = timing
        )
    )
}

/// What changed from `before` to `after`: one line per segmentation and
/// one for the tags, each name with its count before → after (just the
/// count when it stayed), then the largest moves when they are known.
pub fn changes(before: &RunSummary, after: &RunSummary) -> String {
    let mut out = String::new();
    for segmentation in &after.segmentations {
        let name = &segmentation.segmentation;
        let earlier = before
            .segmentations
            .iter()
            .find(|s| s.segmentation == *name)
            .map(|s| &s.labels[..]);
        let counts = match earlier {
            Some(earlier) => label_counts(earlier, &segmentation.labels),
            None => tr!(
                "watch-new",
                counts = label_counts(&segmentation.labels, &segmentation.labels)
            ),
        };
        out.push_str(&format!(
            "  {}\n",
            tr!("watch-counts", name = name.as_str(), counts = counts)
        ));
        if let Some(moves) = after.changes.as_ref().and_then(|c| moves(c, name)) {
            out.push_str(&format!("    {}\n", tr!("watch-moved", moves = moves)));
        }
    }
    for gone in before.segmentations.iter().filter(|b| {
        !after
            .segmentations
            .iter()
            .any(|a| a.segmentation == b.segmentation)
    }) {
        out.push_str(&format!(
            "  {}\n",
            tr!("watch-removed", name = gone.segmentation.as_str())
        ));
    }
    let tags = tag_counts(&before.tags, &after.tags, after.changes.as_ref());
    if !tags.is_empty() {
        out.push_str(&format!("  {}\n", tr!("watch-tags", tags = tags)));
    }
    out
}

fn label_name(label: &LabelCount) -> String {
    label
        .label
        .clone()
        .unwrap_or_else(|| tr!("summary-no-label"))
}

/// `gold 1,204 → 1,310, silver 3,000`: every label now, then those that
/// no longer exist (→ 0).
fn label_counts(before: &[LabelCount], after: &[LabelCount]) -> String {
    let count_in = |labels: &[LabelCount], name: &str| {
        labels
            .iter()
            .find(|l| label_name(l) == name)
            .map(|l| l.customers)
    };
    let now = after.iter().map(|l| {
        (
            label_name(l),
            count_in(before, &label_name(l)),
            Some(l.customers),
        )
    });
    let gone = before
        .iter()
        .filter(|l| count_in(after, &label_name(l)).is_none())
        .map(|l| (label_name(l), Some(l.customers), None));
    now.chain(gone)
        .map(|(name, was, is)| count(&name, was, is))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `gold 1,204 → 1,310`, or `gold 1,204` when it stayed.
fn count(name: &str, before: Option<i64>, after: Option<i64>) -> String {
    let (was, is) = (before.unwrap_or(0), after.unwrap_or(0));
    if was == is {
        format!("{name} {}", thousands(is))
    } else {
        format!("{name} {} → {}", thousands(was), thousands(is))
    }
}

/// The largest movements since the previous run, on one line, as `seg
/// run` ends its summary with them:
/// `changes since run 3: tier 312 A→B, 41 C→A; tags +20 big, -3 online`.
/// Nothing on a first run, when everyone is new.
pub fn changes_line(changes: &Changes) -> Option<String> {
    let from = changes.from_run?;
    let mut parts: Vec<String> = Vec::new();
    let mut segmentations: Vec<&str> = Vec::new();
    for t in &changes.transitions {
        if !segmentations.contains(&t.segmentation.as_str()) {
            segmentations.push(&t.segmentation);
        }
    }
    for s in segmentations {
        if let Some(moves) = moves(changes, s) {
            parts.push(format!("{s} {moves}"));
        }
    }
    let mut tags: Vec<&seg::engine::TagChange> = changes.tags.iter().collect();
    tags.sort_by_key(|t| std::cmp::Reverse(t.gained + t.lost));
    let tags: Vec<String> = tags
        .iter()
        .take(MOVES_SHOWN)
        .flat_map(|t| {
            let gained = (t.gained > 0).then(|| format!("+{} {}", thousands(t.gained), t.tag));
            let lost = (t.lost > 0).then(|| format!("-{} {}", thousands(t.lost), t.tag));
            gained.into_iter().chain(lost)
        })
        .collect();
    if !tags.is_empty() {
        parts.push(tr!("summary-changes-tags", tags = tags.join(", ")));
    }
    let run = from.to_string();
    Some(if parts.is_empty() {
        format!("\n{}\n", tr!("summary-no-changes", run = run))
    } else {
        format!(
            "\n{}\n",
            tr!("summary-changes", run = run, changes = parts.join("; "))
        )
    })
}

/// `312 A→B, 41 C→A`: the largest moves between two different labels.
fn moves(changes: &Changes, segmentation: &str) -> Option<String> {
    let moved: Vec<_> = changes
        .moves()
        .into_iter()
        .filter(|t| t.segmentation == segmentation && t.customers > 0)
        .collect();
    if moved.is_empty() {
        return None;
    }
    let label = |l: &Option<String>| l.clone().unwrap_or_else(|| tr!("summary-no-label"));
    let mut shown: Vec<String> = moved
        .iter()
        .take(MOVES_SHOWN)
        .map(|t| {
            format!(
                "{} {}→{}",
                thousands(t.customers),
                label(&t.from),
                label(&t.to)
            )
        })
        .collect();
    if moved.len() > MOVES_SHOWN {
        let rest: i64 = moved[MOVES_SHOWN..].iter().map(|t| t.customers).sum();
        shown.push(tr!("watch-more", n = thousands(rest)));
    }
    Some(shown.join(", "))
}

/// `vip 480 → 500 (+30 −10), lapsed 2,000`: every tag's count, with who
/// gained and lost it when that is known.
fn tag_counts(before: &[TagCount], after: &[TagCount], changes: Option<&Changes>) -> String {
    let count_in =
        |tags: &[TagCount], name: &str| tags.iter().find(|t| t.tag == name).map(|t| t.customers);
    let now = after
        .iter()
        .map(|t| (&t.tag[..], count_in(before, &t.tag), Some(t.customers)));
    let gone = before
        .iter()
        .filter(|t| count_in(after, &t.tag).is_none())
        .map(|t| (&t.tag[..], Some(t.customers), None));
    now.chain(gone)
        .map(|(name, was, is)| {
            let moved = changes
                .and_then(|c| c.tags.iter().find(|t| t.tag == name))
                .filter(|t| t.gained > 0 || t.lost > 0)
                .map(|t| format!(" (+{} −{})", thousands(t.gained), thousands(t.lost)))
                .unwrap_or_default();
            format!("{}{moved}", count(name, was, is))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use seg::engine::{SegmentationCounts, TagChange, Transition};
    use seg::semantic::ir::AsOfOrigin;

    fn labels(counts: &[(Option<&str>, i64)]) -> Vec<LabelCount> {
        counts
            .iter()
            .map(|(label, n)| LabelCount {
                label: label.map(String::from),
                customers: *n,
                share: 0.0,
            })
            .collect()
    }

    fn summary(run_id: i64, tier: &[(Option<&str>, i64)], tags: &[(&str, i64)]) -> RunSummary {
        RunSummary {
            dry_run: false,
            run_id,
            started_at: String::new(),
            duration_ms: 420,
            as_of: "2026-01-01".into(),
            as_of_origin: AsOfOrigin::Rules,
            rules_hash: String::new(),
            customers: 1000,
            segmentations: vec![SegmentationCounts {
                segmentation: "tier".into(),
                labels: labels(tier),
            }],
            tags: tags
                .iter()
                .map(|(tag, n)| TagCount {
                    tag: tag.to_string(),
                    customers: *n,
                    share: 0.0,
                })
                .collect(),
            score_edges: vec![],
            dataset_values: vec![],
            params: vec![],
            sources: vec![],
            source_rows: vec![],
            lookup_misses: vec![],
            header_only: vec![],
            warnings: vec![],
            tables: vec![],
            files: vec![],
            base_reused: false,
            changes: None,
            expectations: vec![],
            clusters: vec![],
        }
    }

    fn moved(from: Option<&str>, to: Option<&str>, customers: i64) -> Transition {
        Transition {
            segmentation: "tier".into(),
            from: from.map(String::from),
            to: to.map(String::from),
            customers,
            examples: vec![],
        }
    }

    #[test]
    fn counts_before_and_after_without_the_moves() {
        let before = summary(
            1,
            &[(Some("A"), 100), (Some("B"), 400), (Some("C"), 500)],
            &[("vip", 30)],
        );
        let after = summary(
            2,
            &[(Some("A"), 150), (Some("B"), 350), (Some("C"), 500)],
            &[("vip", 30)],
        );
        assert_eq!(
            changes(&before, &after),
            "  tier: A 100 → 150, B 400 → 350, C 500\n  tags: vip 30\n"
        );
    }

    #[test]
    fn the_largest_moves_and_who_gained_and_lost_each_tag() {
        let before = summary(
            1,
            &[(Some("A"), 400), (Some("B"), 600)],
            &[("vip", 30), ("lapsed", 5)],
        );
        let mut after = summary(
            2,
            &[(Some("A"), 100), (Some("B"), 859), (None, 41)],
            &[("vip", 50)],
        );
        // 1,000 customers: 312 A→B, 41 B→none, 12 B→A (so A: 400−312+12 = 100,
        // B: 600+312−41−12 = 859); the diagonal is not a move.
        after.changes = Some(Changes {
            from_run: Some(1),
            to_run: Some(2),
            transitions: vec![
                moved(Some("A"), Some("A"), 88),
                moved(Some("A"), Some("B"), 312),
                moved(Some("B"), Some("B"), 547),
                moved(Some("B"), None, 41),
                moved(Some("B"), Some("A"), 12),
            ],
            tags: vec![
                TagChange {
                    tag: "vip".into(),
                    gained: 25,
                    lost: 5,
                    gained_examples: vec![],
                    lost_examples: vec![],
                },
                TagChange {
                    tag: "lapsed".into(),
                    gained: 0,
                    lost: 5,
                    gained_examples: vec![],
                    lost_examples: vec![],
                },
            ],
        });
        assert_eq!(
            changes(&before, &after),
            "  tier: A 400 → 100, B 600 → 859, (no label) 0 → 41\n    \
             moved: 312 A→B, 41 B→(no label), 12 B→A\n  \
             tags: vip 30 → 50 (+25 −5), lapsed 5 → 0 (+0 −5)\n"
        );
    }

    #[test]
    fn more_moves_than_shown_are_summed() {
        let before = summary(1, &[(Some("A"), 10)], &[]);
        let mut after = summary(2, &[(Some("A"), 10)], &[]);
        after.changes = Some(Changes {
            transitions: vec![
                moved(Some("A"), Some("B"), 5),
                moved(Some("B"), Some("C"), 4),
                moved(Some("C"), Some("D"), 3),
                moved(Some("D"), Some("A"), 2),
                moved(Some("D"), Some("B"), 1),
            ],
            ..Changes::default()
        });
        assert!(
            changes(&before, &after).contains("moved: 5 A→B, 4 B→C, 3 C→D, 3 more\n"),
            "{}",
            changes(&before, &after)
        );
    }

    #[test]
    fn new_and_removed_segmentations_and_labels() {
        let mut before = summary(1, &[(Some("A"), 10), (Some("old"), 5)], &[]);
        before.segmentations.push(SegmentationCounts {
            segmentation: "region".into(),
            labels: labels(&[(Some("north"), 15)]),
        });
        let mut after = summary(2, &[(Some("A"), 15)], &[]);
        after.segmentations.push(SegmentationCounts {
            segmentation: "churn".into(),
            labels: labels(&[(Some("risk"), 3)]),
        });
        assert_eq!(
            changes(&before, &after),
            "  tier: A 10 → 15, old 5 → 0\n  churn: (new) risk 3\n  region: (removed)\n"
        );
    }

    #[test]
    fn the_headline_says_how_long_after_the_save() {
        let s = summary(7, &[], &[]);
        assert_eq!(
            headline(&s, "rules changed", Some(Duration::from_millis(380))),
            "run 7 · rules changed · 1,000 customers · tables updated 0.38 s after the save\n"
        );
        assert_eq!(
            headline(&s, "scheduled", None),
            "run 7 · scheduled · 1,000 customers · 0.42 s\n"
        );
    }
}
