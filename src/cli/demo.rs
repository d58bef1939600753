//! `seg demo`: sample data, the rules in `rules/`, the result.

use std::time::Instant;

use seg::engine::{Resources, RunOptions, generate_demo};
use seg::sql::demo::AS_OF;
use seg::syntax;

use super::args::{AsOf, DemoArgs, Format, RuleArgs};
use super::output::{self, thousands};
use super::progress::Progress;
use super::run;

pub fn run(args: DemoArgs) -> u8 {
    if !args.rules.exists() {
        return output::usage(
            format!("there is no rule set `{}` to run", args.rules.display()),
            Some("run the demo from the folder that holds `rules/`, or name the rule set with --rules <folder>".into()),
        );
    }
    let clock = Instant::now();
    let data_dir = args.dir.join("data");
    let progress = Progress::new();
    // Generating spills beside the data when it does not fit in memory.
    let resources = Resources {
        temp_directory: Some(args.dir.join(".tmp")),
        ..args.resources.resources()
    };
    let data = generate_demo(&data_dir, args.customers, args.seed, &resources, &progress);
    progress.finish();
    let data = match data {
        Ok(d) => d,
        Err(e) => return output::failure(&e),
    };
    let rows: Vec<String> = data
        .files
        .iter()
        .map(|(table, _, n)| format!("{} {table}", thousands(*n)))
        .collect();
    if args.format == Format::Human {
        output::stdout(&format!(
            "generated {} in {:.1} s into {}\n\n",
            rows.join(", "),
            clock.elapsed().as_secs_f64(),
            data_dir.display()
        ));
    }

    // Point the rule set's sources at the generated files, whatever paths
    // its `from` clauses name.
    let declared = match seg::source::read_rule_set(&args.rules) {
        Ok(files) => {
            let (ast, _) = syntax::parse(&files);
            ast.source_names()
                .into_iter()
                .map(String::from)
                .collect::<Vec<_>>()
        }
        Err(_) => Vec::new(),
    };
    let sources = data
        .files
        .iter()
        .filter(|(table, _, _)| declared.contains(table))
        .map(|(table, path, _)| (table.clone(), path.display().to_string()))
        .collect();
    let rules = RuleArgs {
        path: args.rules.clone(),
        db: None,
        params: Vec::new(),
        sources,
        as_of: AS_OF.parse().ok().map(AsOf::Date),
        allow_paths: Vec::new(),
    };
    let db = args.dir.join("seg.duckdb");
    let status = run::execute(
        &rules,
        &db,
        &RunOptions::default(),
        args.resources.resources(),
        args.format,
    );
    if status == 0 && args.format == Format::Human {
        // The same run by hand: the rule set's own `from` paths may point
        // elsewhere, so name the generated files.
        let sources: String = rules
            .sources
            .iter()
            .map(|(name, path)| format!(" \\\n    --source {name}={path}"))
            .collect();
        output::stdout(&format!(
            "\nto run it again by hand:\n  seg run {} --db {} --as-of {AS_OF}{sources}\n",
            args.rules.display(),
            db.display()
        ));
    }
    status
}
