//! The page: escaping, the document with its inlined style sheet, and one
//! function per section. No script, no font, no image is fetched: the file
//! is the whole report.

use super::charts::{self, Bar, colour, count, number};
use super::model::{Flow, Report, Run};
use super::text as words;
use crate::i18n::{self, tr};

/// Text made safe for HTML and SVG, in element content and in quoted
/// attributes alike. Every label, tag, rule text and name passes here.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

/// The whole page of a report.
pub fn render(r: &Report) -> String {
    let mut body = String::new();
    body.push_str(&header(r));
    body.push_str(&segmentations(r));
    body.push_str(&grid(r));
    body.push_str(&tags(r));
    body.push_str(&distributions(r));
    body.push_str(&history(r));
    body.push_str(&catalogue(r));
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} · {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        i18n::current().code(),
        escape(&tr!("report-title")),
        escape(&r.as_of)
    )
}

/// Phones (charts scale with their `viewBox`, wide tables stack) and
/// paper (no backgrounds lost, no chart cut across pages).
const STYLE: &str = r#":root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; color: #222; background: #fff; line-height: 1.4; }
main { max-width: 960px; margin: 0 auto; padding: 12px; }
h1 { font-size: 1.6rem; margin: 0.4rem 0; }
h2 { font-size: 1.3rem; border-bottom: 2px solid #ddd; padding-bottom: 4px; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 0.3rem; }
h4 { font-size: 0.95rem; margin: 0.8rem 0 0.2rem; color: #555; }
p.note { color: #555; font-size: 0.9rem; }
svg.chart { display: block; width: 100%; height: auto; max-width: 100%; }
svg text { font-size: 13px; fill: #222; }
svg text.small { font-size: 10px; }
svg text.big { font-size: 17px; font-weight: 600; }
svg text.axis { fill: #555; }
svg text.ink-light { fill: #fff; }
svg text.segment-name { font-size: 10px; font-weight: 600; fill: #b00020; }
svg .segment { fill: none; stroke: #b00020; stroke-width: 3; stroke-linecap: square; }
svg .edge { stroke: #222; stroke-width: 1.5; stroke-dasharray: 5 3; }
svg .percentile { stroke: #e15759; stroke-width: 1.5; stroke-dasharray: 1 3; }
svg .axis-line { stroke: #999; }
svg .flow { opacity: 0.45; }
ul.legend { list-style: none; padding: 0; margin: 0.3rem 0; display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 0.85rem; }
.swatch { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 2px; vertical-align: -0.1em; margin-right: 4px; border: 1px solid #0002; }
table.catalogue { width: 100%; border-collapse: collapse; font-size: 0.85rem; }
table.catalogue th, table.catalogue td { text-align: left; vertical-align: top; padding: 4px 6px; border-bottom: 1px solid #eee; overflow-wrap: anywhere; }
table.catalogue code { white-space: pre-wrap; font-size: 0.8rem; }
@media (max-width: 640px) {
  main { padding: 8px; }
  table.catalogue, table.catalogue tbody, table.catalogue tr, table.catalogue td { display: block; width: 100%; }
  table.catalogue thead { display: none; }
  table.catalogue tr { border-bottom: 2px solid #ddd; padding: 4px 0; }
  table.catalogue td { border: none; padding: 2px 4px; }
  table.catalogue td::before { content: attr(data-name) ": "; color: #777; }
}
@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  h2 { break-before: auto; break-after: avoid; }
  h3, h4 { break-after: avoid; }
  svg.chart, figure, tr { break-inside: avoid; }
  svg.chart { max-height: 24cm; }
}
"#;

fn header(r: &Report) -> String {
    format!(
        "<header>\n<h1>{}</h1>\n<p class=\"headline\">{}</p>\n</header>\n",
        escape(&tr!("report-title")),
        escape(&words::headline(r.run_id, &count(r.customers), &r.as_of))
    )
}

fn section(id: &str, title: &str, content: &str) -> String {
    format!(
        "<section id=\"{id}\">\n<h2>{}</h2>\n{content}</section>\n",
        escape(title)
    )
}

fn note(text: &str) -> String {
    format!("<p class=\"note\">{}</p>\n", escape(text))
}

fn h3(text: &str) -> String {
    format!("<h3>{}</h3>\n", escape(text))
}

/// A label's colour: the catalogue's, else the palette's by its place;
/// no label is grey.
fn label_colour(r: &Report, segmentation: &str, label: &Option<String>, i: usize) -> String {
    match label {
        Some(l) => colour(r.colour_of(Some(segmentation), l), i),
        None => "#bab0ac".to_string(),
    }
}

fn share(part: i64, whole: i64) -> f64 {
    if whole > 0 {
        part as f64 / whole as f64
    } else {
        0.0
    }
}

fn segmentations(r: &Report) -> String {
    let mut out = String::new();
    for s in &r.segmentations {
        out.push_str(&h3(&s.name));
        let total: i64 = s.labels.iter().map(|l| l.customers).sum();
        let name = |l: &Option<String>| l.clone().unwrap_or_else(words::no_label);
        let sizes: Vec<Bar> = s
            .labels
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let part = share(l.customers, total);
                Bar {
                    name: name(&l.name),
                    value: l.customers as f64,
                    shown: format!("{} · {:.1}%", count(l.customers), part * 100.0),
                    colour: label_colour(r, &s.name, &l.name, i),
                    tip: words::size_tip(&name(&l.name), &count(l.customers), part),
                }
            })
            .collect();
        out.push_str(&format!("<h4>{}</h4>\n", escape(&tr!("report-sizes"))));
        out.push_str(&charts::bars(
            "sizes",
            "bar",
            &s.name,
            &sizes,
            charts::largest(&sizes),
        ));
        if let Some(metric) = &r.metric
            && s.labels.iter().any(|l| l.metric.is_some())
        {
            let values: Vec<Bar> = s
                .labels
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let v = l.metric.unwrap_or(0.0);
                    Bar {
                        name: name(&l.name),
                        value: v,
                        shown: number(v),
                        colour: label_colour(r, &s.name, &l.name, i),
                        tip: words::value_tip(&name(&l.name), &number(v)),
                    }
                })
                .collect();
            out.push_str(&format!(
                "<h4>{}</h4>\n",
                escape(&words::metric_per_label(metric))
            ));
            out.push_str(&charts::bars(
                "metric",
                "metric-bar",
                metric,
                &values,
                charts::largest(&values),
            ));
        }
    }
    section("segmentations", &tr!("report-section-segmentations"), &out)
}

fn grid(r: &Report) -> String {
    let content = match &r.grid {
        None => note(&tr!("report-no-grid")),
        Some(g) => {
            let mut out = note(&words::grid_axes(&g.rows, &g.columns, &g.segmentation));
            if let Some(metric) = &r.metric {
                out.push_str(&note(&words::average(metric)));
            }
            out.push_str(&charts::grid(g));
            out.push_str(&note(&tr!("report-grid-help")));
            out
        }
    };
    section("grid", &tr!("report-section-grid"), &content)
}

fn tags(r: &Report) -> String {
    if r.tags.is_empty() {
        return section(
            "tags",
            &tr!("report-section-tags"),
            &note(&tr!("report-no-tags")),
        );
    }
    let mut out = h3(&tr!("report-tag-sizes"));
    let mut categories: Vec<Option<&str>> = Vec::new();
    for t in &r.tags {
        if !categories.contains(&t.category.as_deref()) {
            categories.push(t.category.as_deref());
        }
    }
    let most = r.tags.iter().map(|t| t.customers).max().unwrap_or(0) as f64;
    for category in categories {
        let no_category = tr!("report-no-category");
        let name = category.unwrap_or(&no_category);
        out.push_str(&format!("<h4>{}</h4>\n", escape(name)));
        let bars: Vec<Bar> = r
            .tags
            .iter()
            .enumerate()
            .filter(|(_, t)| t.category.as_deref() == category)
            .map(|(i, t)| {
                let part = share(t.customers, r.customers);
                Bar {
                    name: t.name.clone(),
                    value: t.customers as f64,
                    shown: format!("{} · {:.1}%", count(t.customers), part * 100.0),
                    colour: colour(t.colour.as_deref(), i),
                    tip: words::size_tip(&t.name, &count(t.customers), part),
                }
            })
            .collect();
        out.push_str(&charts::bars("tag-sizes", "tag-bar", name, &bars, most));
    }
    if r.overlaps.tags.len() > 1 {
        let overlaps = tr!("report-overlaps");
        out.push_str(&h3(&overlaps));
        let o = &r.overlaps;
        let cells: Vec<Flow> = o
            .tags
            .iter()
            .enumerate()
            .flat_map(|(i, a)| {
                o.tags.iter().enumerate().map(move |(j, b)| Flow {
                    segmentation: String::new(),
                    from: Some(a.clone()),
                    to: Some(b.clone()),
                    customers: o.counts[i][j],
                })
            })
            .collect();
        let order: Vec<Option<String>> = o.tags.iter().cloned().map(Some).collect();
        let cells: Vec<&Flow> = cells.iter().collect();
        out.push_str(&charts::matrix(
            "overlaps", "overlap", &overlaps, &cells, &order,
        ));
    }
    section("tags", &tr!("report-section-tags"), &out)
}

fn distributions(r: &Report) -> String {
    if r.distributions.is_empty() {
        return section(
            "distributions",
            &tr!("report-section-distributions"),
            &note(&tr!("report-no-distributions")),
        );
    }
    let mut out = note(&tr!("report-edges-help"));
    for d in &r.distributions {
        out.push_str(&h3(&words::distribution(&d.metric, d.score.as_deref())));
        out.push_str(&charts::histogram(d));
    }
    section("distributions", &tr!("report-section-distributions"), &out)
}

/// The labels of a segmentation in the report's order, each with its
/// colour; then labels only older runs had.
fn label_order(r: &Report, segmentation: &str) -> Vec<(Option<String>, String)> {
    let mut labels: Vec<Option<String>> = r
        .segmentations
        .iter()
        .filter(|s| s.name == segmentation)
        .flat_map(|s| s.labels.iter().map(|l| l.name.clone()))
        .collect();
    for run in &r.runs {
        for (s, l, _) in &run.labels {
            if s == segmentation && !labels.contains(l) {
                labels.push(l.clone());
            }
        }
    }
    labels
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let c = label_colour(r, segmentation, &l, i);
            (l, c)
        })
        .collect()
}

fn legend(labels: &[(Option<String>, String)]) -> String {
    let items: String = labels
        .iter()
        .map(|(l, c)| {
            format!(
                "<li><span class=\"swatch\" style=\"background:{}\"></span>{}</li>",
                escape(c),
                escape(&l.clone().unwrap_or_else(words::no_label))
            )
        })
        .collect();
    format!("<ul class=\"legend\">{items}</ul>\n")
}

fn history(r: &Report) -> String {
    let mut out = String::new();
    if !r.runs.is_empty() {
        out.push_str(&h3(&tr!("report-sizes-per-run")));
        for s in &r.segmentations {
            let labels = label_order(r, &s.name);
            out.push_str(&format!("<h4>{}</h4>\n", escape(&s.name)));
            out.push_str(&charts::run_sizes(&s.name, &r.runs, &labels));
            out.push_str(&legend(&labels));
        }
    }
    match &r.movement {
        None => out.push_str(&note(&tr!("report-one-run"))),
        Some(m) => {
            let as_of = |id: i64| {
                r.runs
                    .iter()
                    .find(|run: &&Run| run.run_id == id)
                    .map(|run| run.as_of.clone())
                    .unwrap_or_default()
            };
            out.push_str(&h3(&words::movement(
                m.from_run,
                &as_of(m.from_run),
                m.to_run,
                &as_of(m.to_run),
            )));
            for s in &r.segmentations {
                let cells: Vec<&Flow> = m
                    .cells
                    .iter()
                    .filter(|c| c.segmentation == s.name && c.customers > 0)
                    .collect();
                if cells.is_empty() {
                    continue;
                }
                let labels = label_order(r, &s.name);
                let mut order: Vec<Option<String>> =
                    labels.iter().map(|(l, _)| l.clone()).collect();
                for c in &cells {
                    for l in [&c.from, &c.to] {
                        if !order.contains(l) {
                            order.push(l.clone());
                        }
                    }
                }
                // No label (before: not yet a customer) last.
                order.sort_by_key(|l| l.is_none());
                out.push_str(&format!(
                    "<h4>{} · {}</h4>\n",
                    escape(&s.name),
                    escape(&tr!("report-transitions"))
                ));
                out.push_str(&charts::transitions(&s.name, &cells, &order));
                out.push_str(&format!(
                    "<h4>{} · {}</h4>\n",
                    escape(&s.name),
                    escape(&tr!("report-flows"))
                ));
                let colours = |l: &Option<String>| {
                    let i = order.iter().position(|o| o == l).unwrap_or(0);
                    label_colour(r, &s.name, l, i)
                };
                out.push_str(&charts::sankey(&s.name, &cells, &order, &colours));
            }
        }
    }
    section("history", &tr!("report-section-history"), &out)
}

fn catalogue(r: &Report) -> String {
    let heads = [
        tr!("report-column-kind"),
        tr!("report-column-name"),
        tr!("report-column-description"),
        tr!("report-column-category"),
        tr!("report-column-colour"),
        tr!("report-column-rule"),
        tr!("report-column-defined-at"),
    ];
    let [
        kind_head,
        name_head,
        description_head,
        category_head,
        colour_head,
        rule_head,
        defined_head,
    ] = &heads;
    let mut out = String::from("<table class=\"catalogue\">\n<thead><tr>");
    for h in &heads {
        out.push_str(&format!("<th>{}</th>", escape(h)));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (i, e) in r.catalogue.iter().enumerate() {
        let cell = |name: &str, content: String| {
            format!("<td data-name=\"{}\">{content}</td>", escape(name))
        };
        let text = |v: &Option<String>| escape(v.as_deref().unwrap_or(""));
        let kind = match &e.segmentation {
            Some(s) => format!("{} · {}", words::kind(&e.kind), s),
            None => words::kind(&e.kind),
        };
        let swatch = match &e.colour {
            Some(c) => format!(
                "<span class=\"swatch\" style=\"background:{}\"></span>{}",
                escape(&colour(Some(c), i)),
                escape(c)
            ),
            None => String::new(),
        };
        out.push_str("<tr data-mark=\"entry\">");
        out.push_str(&cell(kind_head, escape(&kind)));
        out.push_str(&cell(name_head, escape(&e.name)));
        out.push_str(&cell(description_head, text(&e.description)));
        out.push_str(&cell(category_head, text(&e.category)));
        out.push_str(&cell(colour_head, swatch));
        out.push_str(&cell(rule_head, format!("<code>{}</code>", text(&e.rule))));
        out.push_str(&cell(defined_head, text(&e.defined_at)));
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    section("catalogue", &tr!("report-section-catalogue"), &out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_makes_markup_text_and_keeps_every_script() {
        assert_eq!(escape("a < b & c > d"), "a &lt; b &amp; c &gt; d");
        assert_eq!(
            escape(r#"say "hi" & 'bye'"#),
            "say &quot;hi&quot; &amp; &#39;bye&#39;"
        );
        assert_eq!(escape("高价值客户"), "高价值客户");
        assert_eq!(
            escape("<script>alert('流失')</script>"),
            "&lt;script&gt;alert(&#39;流失&#39;)&lt;/script&gt;"
        );
        assert_eq!(escape("&amp;"), "&amp;amp;");
    }

    #[test]
    fn the_page_is_for_phones_and_paper_and_fetches_nothing() {
        let page = render(&Report::default());
        assert!(
            page.contains(
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            )
        );
        assert!(page.contains("@media print"));
        assert!(page.contains("@media (max-width: 640px)"));
        assert!(page.contains("svg.chart { display: block; width: 100%;"));
        for fetch in [
            "<script", "<link", "src=", "@import", "url(", "http://", "https://",
        ] {
            let found = page.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
            assert!(!found.contains(fetch), "{fetch}");
        }
    }
}
