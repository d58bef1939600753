//! Reading what `seg report` draws from a database: the last run's sizes
//! (the run log, as `seg history` reads it), metrics per label, the grid of
//! two scores, tag overlaps, histograms with the score edges, the history
//! of every run and the movement between the last two (as `seg changes`
//! reads it), and the catalogue.

use super::history::{self, RunSizes};
use super::{Engine, EngineError};
use crate::report::{self, Bin, Cell, Distribution, Entry, Flow, Grid, Movement, Overlaps, Report};
use crate::semantic::Program;
use crate::semantic::ir::{ExprKind, NodeKind};
use crate::semantic::types::Type;
use crate::sql::DuckDb;
use crate::sql::report as queries;

/// How many of the largest tags the overlap matrix shows.
pub const OVERLAP_TAGS: usize = 8;

/// The metric summed per label when none is asked for, if the rules have it.
pub const DEFAULT_METRIC: &str = "monetary";

/// Everything the report of the database's last run shows. `metric` is
/// the metric summed per label (default: `monetary`, when the rules have
/// one); `program` is the rule set the database was run with.
pub fn read(
    engine: &Engine,
    program: &Program,
    metric: Option<&str>,
) -> Result<Report, EngineError> {
    let runs = history::runs(engine)?;
    let Some(last) = runs.last() else {
        return Err(history::no_runs());
    };
    let metric = chosen_metric(program, metric);
    let catalogue = catalogue(engine)?;
    let mut report = Report {
        run_id: last.run_id,
        as_of: last.as_of.clone(),
        customers: last.customers,
        metric: metric.clone(),
        catalogue,
        ..Report::default()
    };
    report.segmentations = segmentations(engine, last, metric.as_deref())?;
    report.grid = grid(engine, program, metric.as_deref())?;
    report.tags = tags(last, &report.catalogue);
    report.overlaps = overlaps(engine, program, &report.tags)?;
    report.distributions = distributions(engine, program)?;
    report.runs = runs.iter().map(run_of).collect();
    report.movement = movement(engine, &runs);
    Ok(report)
}

/// `--metric`, else `monetary` when the rules define it; a metric the
/// rules do not define is the caller's to refuse ([`metric_names`]).
fn chosen_metric(program: &Program, metric: Option<&str>) -> Option<String> {
    let names = metric_names(program);
    let wanted = metric.unwrap_or(DEFAULT_METRIC);
    names
        .into_iter()
        .find(|n| crate::semantic::names::same(n, wanted))
}

/// The numeric metrics of the rules, in their order.
pub fn metric_names(program: &Program) -> Vec<String> {
    program
        .declared()
        .into_iter()
        .filter_map(|(_, n)| match &n.kind {
            NodeKind::Metric(e) if e.ty == Type::Number => Some(n.name.clone()),
            _ => None,
        })
        .collect()
}

fn segmentations(
    engine: &Engine,
    last: &RunSizes,
    metric: Option<&str>,
) -> Result<Vec<report::Segmentation>, EngineError> {
    let mut out: Vec<report::Segmentation> = Vec::new();
    for l in &last.labels {
        if !out.iter().any(|s| s.name == l.segmentation) {
            out.push(report::Segmentation {
                name: l.segmentation.clone(),
                labels: Vec::new(),
            });
        }
        let s = out.iter_mut().find(|s| s.name == l.segmentation);
        if let Some(s) = s {
            s.labels.push(report::Label {
                name: l.label.clone(),
                customers: l.customers,
                metric: None,
            });
        }
    }
    let Some(metric) = metric else {
        return Ok(out);
    };
    for s in &mut out {
        for row in engine.query_text(&queries::label_metric(&DuckDb, &s.name, metric))? {
            let label = row.first().cloned().flatten();
            let value = row.get(1).cloned().flatten().and_then(|v| v.parse().ok());
            if let Some(l) = s.labels.iter_mut().find(|l| l.name == label) {
                l.metric = value;
            }
        }
    }
    Ok(out)
}

fn catalogue(engine: &Engine) -> Result<Vec<Entry>, EngineError> {
    Ok(engine
        .query_text(&queries::catalogue(&DuckDb))?
        .into_iter()
        .map(|mut row| {
            row.resize(8, None);
            let mut take = |i: usize| row[i].take();
            Entry {
                kind: take(0).unwrap_or_default(),
                segmentation: take(1),
                name: take(2).unwrap_or_default(),
                category: take(3),
                description: take(4),
                colour: take(5),
                rule: take(6),
                defined_at: take(7),
            }
        })
        .collect())
}

fn tags(last: &RunSizes, catalogue: &[Entry]) -> Vec<report::Tag> {
    last.tags
        .iter()
        .map(|t| {
            let entry = catalogue
                .iter()
                .find(|e| e.kind == "tag" && e.name == t.tag);
            report::Tag {
                name: t.tag.clone(),
                category: entry.and_then(|e| e.category.clone()),
                colour: entry.and_then(|e| e.colour.clone()),
                customers: t.customers,
            }
        })
        .collect()
}

/// The overlaps of the largest tags (the first in the rules' order of
/// equals), those with customers.
fn overlaps(
    engine: &Engine,
    program: &Program,
    tags: &[report::Tag],
) -> Result<Overlaps, EngineError> {
    let mut largest: Vec<&report::Tag> = tags.iter().filter(|t| t.customers > 0).collect();
    largest.sort_by_key(|t| std::cmp::Reverse(t.customers));
    largest.truncate(OVERLAP_TAGS);
    let names: Vec<String> = tags
        .iter()
        .filter(|t| largest.iter().any(|l| l.name == t.name))
        .map(|t| t.name.clone())
        .collect();
    if names.len() < 2 {
        return Ok(Overlaps::default());
    }
    let key = &program.customers.key;
    let tag = queries::tag_column(program);
    let mut counts = vec![vec![0; names.len()]; names.len()];
    for row in engine.query_text(&queries::overlaps(&DuckDb, key, &tag, &names))? {
        let text = |i: usize| row.get(i).cloned().flatten().unwrap_or_default();
        let (a, b) = (text(0), text(1));
        let n = text(2).parse().unwrap_or(0);
        if let (Some(i), Some(j)) = (
            names.iter().position(|t| *t == a),
            names.iter().position(|t| *t == b),
        ) {
            counts[i][j] = n;
        }
    }
    Ok(Overlaps {
        tags: names,
        counts,
    })
}

/// The first segmentation that reads two scores or more, with the first
/// two it reads (in the order written) as rows and columns.
fn grid_scores(program: &Program) -> Option<(String, String, String, u32)> {
    let nodes = &program.nodes;
    for (_, node) in program.declared() {
        let NodeKind::Segmentation(_) = &node.kind else {
            continue;
        };
        let mut scores: Vec<usize> = Vec::new();
        for expr in node.kind.exprs() {
            expr.walk(|e| {
                if let ExprKind::Node(i) = e.kind
                    && matches!(nodes[i].kind, NodeKind::Score(_))
                    && !scores.contains(&i)
                {
                    scores.push(i);
                }
            });
        }
        if let [r, f, ..] = scores[..] {
            let buckets = |i: usize| match &nodes[i].kind {
                NodeKind::Score(s) => s.buckets,
                _ => 0,
            };
            return Some((
                node.name.clone(),
                nodes[r].name.clone(),
                nodes[f].name.clone(),
                buckets(r).max(buckets(f)),
            ));
        }
    }
    None
}

fn grid(
    engine: &Engine,
    program: &Program,
    metric: Option<&str>,
) -> Result<Option<Grid>, EngineError> {
    let Some((segmentation, rows, columns, buckets)) = grid_scores(program) else {
        return Ok(None);
    };
    let sql = queries::grid(&DuckDb, &segmentation, &rows, &columns, metric);
    let cells = engine
        .query_text(&sql)?
        .into_iter()
        .filter_map(|row| {
            let text = |i: usize| row.get(i).cloned().flatten();
            let number = |i: usize| text(i).and_then(|t| t.parse::<f64>().ok());
            Some(Cell {
                row: number(0)? as u32,
                column: number(1)? as u32,
                customers: number(2).unwrap_or(0.0) as i64,
                average: number(3),
                label: text(4),
            })
        })
        .collect();
    Ok(Some(Grid {
        segmentation,
        rows,
        columns,
        buckets,
        cells,
    }))
}

/// A histogram per metric a score ranks (the score's input is the
/// metric itself), in the scores' order, with the last run's edges.
fn distributions(engine: &Engine, program: &Program) -> Result<Vec<Distribution>, EngineError> {
    let edges = history::last_score_edges(engine)?
        .map(|l| l.edges)
        .unwrap_or_default();
    let mut out = Vec::new();
    for (_, node) in program.declared() {
        let NodeKind::Score(score) = &node.kind else {
            continue;
        };
        let ExprKind::Node(i) = score.input.kind else {
            continue;
        };
        let input = &program.nodes[i];
        if !matches!(input.kind, NodeKind::Metric(_)) || score.input.ty != Type::Number {
            continue;
        }
        let mut d = histogram(engine, &input.name)?;
        d.score = Some(node.name.clone());
        let mut lows: Vec<f64> = edges
            .iter()
            .filter(|e| e.score == node.name && e.group.is_none())
            .filter_map(|e| e.low)
            .collect();
        lows.sort_by(f64::total_cmp);
        lows.dedup();
        d.edges = lows.into_iter().skip(1).collect();
        out.push(d);
    }
    Ok(out)
}

fn histogram(engine: &Engine, metric: &str) -> Result<Distribution, EngineError> {
    let stats = engine.query_text(&queries::metric_stats(&DuckDb, metric))?;
    let value = |i: usize| {
        stats
            .first()
            .and_then(|row| row.get(i).cloned().flatten())
            .and_then(|t| t.parse::<f64>().ok())
    };
    let mut d = Distribution {
        metric: metric.to_string(),
        ..Distribution::default()
    };
    let (Some(low), Some(high)) = (value(0), value(1)) else {
        return Ok(d);
    };
    let bins = if high > low { queries::BINS } else { 1 };
    let width = (high - low) / f64::from(bins);
    d.bins = (0..bins)
        .map(|b| Bin {
            low: low + width * f64::from(b),
            high: if b + 1 == bins {
                high
            } else {
                low + width * f64::from(b + 1)
            },
            customers: 0,
        })
        .collect();
    for row in engine.query_text(&queries::metric_bins(&DuckDb, metric))? {
        let number = |i: usize| {
            row.get(i)
                .cloned()
                .flatten()
                .and_then(|t| t.parse::<i64>().ok())
        };
        if let (Some(b), Some(n)) = (number(0), number(1))
            && let Some(bin) = d.bins.get_mut(b as usize)
        {
            bin.customers = n;
        }
    }
    for (name, i) in [("p50", 2), ("p90", 3)] {
        if let Some(v) = value(i) {
            d.percentiles.push((name.to_string(), v));
        }
    }
    Ok(d)
}

fn run_of(r: &RunSizes) -> report::Run {
    report::Run {
        run_id: r.run_id,
        as_of: r.as_of.clone(),
        customers: r.customers,
        labels: r
            .labels
            .iter()
            .map(|l| (l.segmentation.clone(), l.label.clone(), l.customers))
            .collect(),
    }
}

/// Who moved between the last two runs that wrote history (none: fewer
/// than two did).
fn movement(engine: &Engine, runs: &[RunSizes]) -> Option<Movement> {
    let with_history = runs.iter().filter(|r| r.with_history).count();
    if with_history < 2 {
        return None;
    }
    let changes = history::changes(engine, None, None).ok()?;
    Some(Movement {
        from_run: changes.from_run?,
        to_run: changes.to_run?,
        cells: changes
            .transitions
            .into_iter()
            .map(|t| Flow {
                segmentation: t.segmentation,
                from: t.from,
                to: t.to,
                customers: t.customers,
            })
            .collect(),
    })
}
