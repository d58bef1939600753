//! What a person reads in a run's summary besides the counts: each
//! score's buckets in words (`m = 5: monetary ≥ 1,820.50`), the
//! dataset-level values, shares as bars, and the labels' own colours.

use seg::engine::{DatasetValue, ScoreEdge};
use seg::semantic::Program;
use seg::semantic::ir::{EntryKind, ExprKind, NodeKind};

use super::output::thousands;
use seg::i18n::tr;

/// What the summary needs to know of the rules: the colours `describe`
/// gives labels and tags, and what each score ranks.
#[derive(Debug, Clone, Default)]
pub struct Legend {
    /// (segmentation, or `None` for a tag; name; colour).
    colours: Vec<(Option<String>, String, String)>,
    scores: Vec<ScoreInput>,
}

#[derive(Debug, Clone)]
struct ScoreInput {
    score: String,
    /// The metric, column or definition the score ranks, by name; `None`
    /// for an expression (its buckets are then named by the score).
    input: Option<String>,
    higher_is_better: bool,
}

impl Legend {
    pub fn of(program: &Program) -> Legend {
        let colours = program
            .catalogue
            .iter()
            .filter_map(|e| {
                let colour = e.colour.clone()?;
                let segmentation = match e.kind {
                    EntryKind::Label => e.segmentation.clone(),
                    EntryKind::Tag | EntryKind::ManualTag => None,
                };
                Some((segmentation, e.name.clone(), colour))
            })
            .collect();
        let scores = program
            .nodes
            .iter()
            .filter_map(|n| match &n.kind {
                NodeKind::Score(s) => Some(ScoreInput {
                    score: n.name.clone(),
                    input: match &s.input.kind {
                        ExprKind::Node(i) => Some(program.nodes[*i].name.clone()),
                        ExprKind::Column(c) => Some(c.clone()),
                        _ => None,
                    },
                    higher_is_better: s.higher_is_better,
                }),
                _ => None,
            })
            .collect();
        Legend { colours, scores }
    }

    /// The colour of a label (`Some(segmentation)`) or a tag (`None`).
    pub fn colour(&self, segmentation: Option<&str>, name: &str) -> Option<&str> {
        self.colours
            .iter()
            .find(|(s, n, _)| s.as_deref() == segmentation && n == name)
            .map(|(_, _, c)| c.as_str())
    }

    fn score(&self, name: &str) -> Option<&ScoreInput> {
        self.scores.iter().find(|s| s.score == name)
    }
}

/// Each score's buckets, best first, as the values they hold:
///
/// ```text
/// scores (the values of each bucket)
///   m = 3: monetary ≥ 200.50
///   m = 2: monetary 35 to 120
///   m = 1: monetary ≤ 0
/// ```
///
/// The best bucket holds every value from its lowest up (for a score where
/// lower is better, from its highest down), the worst every value on the
/// other side: scores are ranks, so equal values share a bucket. Scores
/// computed `within` a group have edges per group and are left to the
/// line that counts their groups.
pub fn score_edges(edges: &[ScoreEdge], legend: &Legend) -> String {
    let mut out = String::new();
    let mut names: Vec<&str> = Vec::new();
    for e in edges.iter().filter(|e| e.group.is_none()) {
        if !names.contains(&e.score.as_str()) {
            names.push(&e.score);
        }
    }
    for name in names {
        let mut buckets: Vec<&ScoreEdge> = edges
            .iter()
            .filter(|e| e.group.is_none() && e.score == name)
            .collect();
        buckets.sort_by_key(|e| std::cmp::Reverse(e.bucket));
        let (input, higher) = match legend.score(name) {
            Some(s) => (s.input.as_deref().unwrap_or(name), s.higher_is_better),
            None => (name, true),
        };
        for (i, e) in buckets.iter().enumerate() {
            let (Some(low), Some(high)) = (e.low, e.high) else {
                continue;
            };
            let best = i == 0 && buckets.len() > 1;
            let worst = i + 1 == buckets.len() && buckets.len() > 1;
            let (low, high) = (decimal(low), decimal(high));
            let words = match (best, worst, higher) {
                (true, _, true) | (_, true, false) => tr!("edge-at-least", value = low),
                (true, _, false) | (_, true, true) => tr!("edge-at-most", value = high),
                _ if low == high => tr!("edge-equal", value = low),
                _ => tr!("edge-between", low = low, high = high),
            };
            out.push_str(&format!("  {name} = {}: {input} {words}\n", e.bucket));
        }
    }
    if out.is_empty() {
        return out;
    }
    format!("\n{}\n{out}", tr!("summary-scores"))
}

/// The dataset-level values: `percentile(monetary, 0.5) = 77.50`.
pub fn dataset_values(values: &[DatasetValue]) -> String {
    let lines: String = values
        .iter()
        .filter(|v| v.group.is_none())
        .map(|v| {
            let value = v.value.map_or_else(|| tr!("summary-missing"), decimal);
            format!("  {} = {value}\n", v.name)
        })
        .collect();
    if lines.is_empty() {
        return lines;
    }
    format!("\n{}\n{lines}", tr!("summary-dataset-values"))
}

/// How many columns a bar of 100% takes.
pub const BAR_WIDTH: usize = 20;

/// A share as a bar of block characters, in eighths of a column:
/// 33.3% of 20 columns is `██████▋`.
pub fn bar(share: f64) -> String {
    const EIGHTHS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    let eighths = (share.clamp(0.0, 1.0) * (BAR_WIDTH * 8) as f64).round() as usize;
    format!("{}{}", "█".repeat(eighths / 8), EIGHTHS[eighths % 8])
}

/// A number as a person reads it: `1,820.50`; whole numbers without
/// decimals (`1,820`).
pub fn decimal(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return thousands(v as i64);
    }
    let text = format!("{:.2}", v.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, "00"));
    let whole: i64 = whole.parse().unwrap_or(0);
    let sign = if v < 0.0 { "-" } else { "" };
    format!("{sign}{}.{fraction}", thousands(whole))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_drawn_in_eighths() {
        assert_eq!(bar(0.0), "");
        assert_eq!(bar(1.0), "█".repeat(20));
        // 33.3% of 160 eighths is 53.3: 6 whole columns and 5 eighths.
        assert_eq!(bar(1.0 / 3.0), "██████▋");
        assert_eq!(bar(0.5), "██████████");
        assert_eq!(bar(1.5), "█".repeat(20));
    }

    #[test]
    fn decimals_have_thousands_separators() {
        assert_eq!(decimal(1820.5), "1,820.50");
        assert_eq!(decimal(1820.0), "1,820");
        assert_eq!(decimal(-1234567.891), "-1,234,567.89");
        assert_eq!(decimal(0.126), "0.13");
    }

    fn edge(score: &str, bucket: i64, low: f64, high: f64) -> ScoreEdge {
        ScoreEdge {
            score: score.into(),
            group: None,
            bucket,
            low: Some(low),
            high: Some(high),
            customers: 1,
        }
    }

    #[test]
    fn edges_read_best_first_in_words() {
        let legend = Legend {
            colours: vec![],
            scores: vec![
                ScoreInput {
                    score: "m".into(),
                    input: Some("monetary".into()),
                    higher_is_better: true,
                },
                ScoreInput {
                    score: "r".into(),
                    input: Some("recency".into()),
                    higher_is_better: false,
                },
            ],
        };
        let edges = [
            edge("m", 1, 0.0, 0.0),
            edge("m", 2, 35.0, 120.0),
            edge("m", 3, 1820.5, 5000.0),
            edge("r", 1, 787.0, 900.0),
            edge("r", 2, 211.0, 211.0),
            edge("r", 5, 1.0, 12.0),
        ];
        assert_eq!(
            score_edges(&edges, &legend),
            "\nscores (the values of each bucket)\n\
             \x20 m = 3: monetary ≥ 1,820.50\n\
             \x20 m = 2: monetary 35 to 120\n\
             \x20 m = 1: monetary ≤ 0\n\
             \x20 r = 5: recency ≤ 12\n\
             \x20 r = 2: recency = 211\n\
             \x20 r = 1: recency ≥ 787\n"
        );
    }
}
