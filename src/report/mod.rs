//! `seg report`: one self-contained HTML page of a database's last run —
//! sizes and shares, the R × F grid, tags, distributions, the history —
//! with every chart drawn here as inline SVG. No IO: the engine reads the
//! data into a [`Report`] (`engine/report.rs`), [`render`] turns it into
//! the page's text.
//!
//! `model.rs` is the page's data; `text.rs` every word the page shows;
//! `html.rs` escaping, the page and its sections; `charts/` one small
//! function per chart, from data to SVG elements. Each drawn mark carries
//! `data-mark="..."`, so a browser test can count them.

pub mod charts;
pub mod html;
pub mod model;
pub mod text;

pub use html::{escape, render};
pub use model::*;
