//! Time windows: `last 90 days` in an aggregate and `t within 30 days`.
//! Both start at the as-of date minus the period.

use crate::i18n::tr;
use jiff::civil::Date;

use super::Checker;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{Period, TimeUnit, Window};

/// The longest window: a thousand years back covers any customer history,
/// and a start date inside the years DuckDB writes as plain dates.
pub const MAX_YEARS: i16 = 1000;

impl Checker<'_> {
    /// The first day of a window, or E206 when it reaches back more than
    /// [`MAX_YEARS`] or before the year 1.
    pub(super) fn window_start(&mut self, period: &Period) -> Option<Date> {
        let earliest = self
            .as_of
            .checked_sub(jiff::Span::new().years(MAX_YEARS))
            .unwrap_or(Date::MIN)
            .max(jiff::civil::date(1, 1, 1));
        match start(self.as_of, period).filter(|d| *d >= earliest) {
            Some(date) => Some(date),
            None => {
                self.report(
                    Diagnostic::new(
                        Code::InvalidValue,
                        tr!(
                            "invalid-value-6",
                            MAX_YEARS = MAX_YEARS.to_string(),
                            earliest = earliest.to_string(),
                            as_of = self.as_of.to_string()
                        ),
                    )
                    .at(period.span, tr!("invalid-value-6.label"))
                    .help(tr!(
                        "invalid-value-6.help",
                        MAX_YEARS = MAX_YEARS.to_string()
                    )),
                );
                None
            }
        }
    }
}

impl Checker<'_> {
    /// The first day of an aggregate's window, and the day its rows end
    /// before (`None`: the as-of date). `90 to 30 days ago` holds the rows
    /// from 90 days before the as-of date up to (not including) 30 days
    /// before it, so it and `last 30 days` together are `last 90 days`;
    /// the ends may come in either order. A window of no days is E320.
    pub(super) fn window_bounds(
        &mut self,
        window: &Window,
        span: Span,
    ) -> Option<(Option<Date>, Option<Date>)> {
        let Some(to) = window.to else {
            return Some((Some(self.window_start(&window.from)?), None));
        };
        let (far, near) = if window.from.amount >= to.amount {
            (window.from, to)
        } else {
            (to, window.from)
        };
        let start = self.window_start(&far)?;
        let end = self.window_start(&near)?;
        if start >= end {
            self.report(
                Diagnostic::new(
                    Code::EmptyWindow,
                    tr!(
                        "empty-window",
                        amount = near.amount.to_string(),
                        unit_word = unit_word(near.unit, near.amount).to_string()
                    ),
                )
                .at(span, tr!("empty-window.label"))
                .help(tr!("empty-window.help")),
            );
            return None;
        }
        Some((Some(start), Some(end)))
    }
}

fn unit_word(unit: TimeUnit, amount: u32) -> &'static str {
    match (unit, amount == 1) {
        (TimeUnit::Day, true) => "day",
        (TimeUnit::Day, false) => "days",
        (TimeUnit::Week, true) => "week",
        (TimeUnit::Week, false) => "weeks",
        (TimeUnit::Month, true) => "month",
        (TimeUnit::Month, false) => "months",
        (TimeUnit::Year, true) => "year",
        (TimeUnit::Year, false) => "years",
    }
}

/// The as-of date minus the period, when the calendar has that day.
fn start(as_of: Date, period: &Period) -> Option<Date> {
    let n = i64::from(period.amount);
    let span = match period.unit {
        TimeUnit::Day => jiff::Span::new().try_days(n),
        TimeUnit::Week => jiff::Span::new().try_weeks(n),
        TimeUnit::Month => jiff::Span::new().try_months(n),
        TimeUnit::Year => jiff::Span::new().try_years(n),
    };
    as_of.checked_sub(span.ok()?).ok()
}
