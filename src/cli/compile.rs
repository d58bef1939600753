//! `seg compile`: the SQL a run executes.

use seg::semantic::Mode;

use super::args::{Format, RuleArgs};
use super::{check, output};

pub fn run(args: RuleArgs) -> u8 {
    if let Err(status) = check::one_date(&args, "compile") {
        return status;
    }
    let engine = match check::open_for_reading(&args) {
        Ok(e) => e,
        Err(status) => return status,
    };
    let (files, checked) = match check::load(&args, Mode::Check, &engine, Format::Human) {
        Ok(x) => x,
        Err(status) => return status,
    };
    output::diagnostics(&checked.diagnostics, &files, Format::Human);
    let Some(program) = checked.program else {
        return output::status(&checked.diagnostics);
    };
    let plan = seg::compile(&program);
    output::stdout(&plan.script(&program));
    output::status(&checked.diagnostics)
}
