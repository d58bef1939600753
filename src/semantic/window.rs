//! Time windows: `last 90 days` in an aggregate and `t within 30 days`.
//! Both start at the as-of date minus the period.

use jiff::civil::Date;

use super::Checker;
use crate::diagnostic::{Code, Diagnostic};
use crate::syntax::ast::{Period, TimeUnit};

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
                        format!(
                            "a time window reaches back at most {MAX_YEARS} years (to {earliest} from the as-of date {})",
                            self.as_of
                        ),
                    )
                    .at(period.span, "too long")
                    .help(format!(
                        "to count everything before the as-of date leave the window out; otherwise give at most {MAX_YEARS} years"
                    )),
                );
                None
            }
        }
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
