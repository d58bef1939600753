//! Turns what the parser expected into words a business user reads: never a
//! grammar rule name. One table maps every rule to a phrase.

use super::parse::Rule;

/// How a phrase ranks in "expected A, B or C": the specific things first,
/// the catch-all "an operator" and "the end of the rule" last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    Punctuation,
    Specific,
    Value,
    Operator,
    End,
}

const VALUE: &str = "a value (a number, a date, text in quotes or a name)";

fn phrase(rule: Rule) -> Option<(Rank, &'static str)> {
    use Rank::*;
    let p = match rule {
        Rule::kw_source => (Specific, "`source`"),
        Rule::kw_from => (Specific, "`from`"),
        Rule::from_file | Rule::from_table => (Specific, "`from \"file\"` or `from table name`"),
        Rule::kw_table => (Specific, "`table`"),
        Rule::kw_key | Rule::key_clause => (Specific, "`key <column>`"),
        Rule::kw_by | Rule::by_clause => (Specific, "`by <column>`"),
        Rule::kw_at | Rule::at_clause => (Specific, "`at <time column>`"),
        Rule::kw_as => (Specific, "`as`"),
        Rule::kw_of => (Specific, "`of`"),
        Rule::kw_param => (Specific, "`param`"),
        Rule::kw_metric => (Specific, "`metric`"),
        Rule::kw_score => (Specific, "`score`"),
        Rule::kw_tags => (Specific, "`tags`"),
        Rule::kw_tag => (Specific, "`tag`"),
        Rule::kw_describe => (Specific, "`describe`"),
        Rule::kw_expects => (Specific, "`expects`"),
        Rule::given | Rule::given_value | Rule::given_tag => (
            Value,
            "a given value like `monetary 6000` or `tag key_account`",
        ),
        Rule::outcome => (Value, "an outcome like `tier A` or `not tag unhappy`"),
        Rule::percent => (Value, "a percentage like `15%`"),
        Rule::share_bound
        | Rule::share_between
        | Rule::share_under
        | Rule::share_over
        | Rule::share_at_most
        | Rule::share_at_least => (
            Specific,
            "`between 5% and 15%`, `under 20%`, `over 5%`, `at most 20%` or `at least 5%`",
        ),
        Rule::kw_has => (Specific, "`has`"),
        Rule::kw_customer => (Specific, "`customer`"),
        Rule::describe_item | Rule::description | Rule::category | Rule::colour => (
            Specific,
            "`as \"description\"`, `category <name>` or `colour <colour>`",
        ),
        Rule::kw_category => (Specific, "`category`"),
        Rule::kw_colour => (Specific, "`colour`"),
        Rule::kw_when | Rule::when_clause => (Specific, "`when`"),
        Rule::kw_otherwise | Rule::otherwise => (Specific, "`otherwise`"),
        Rule::kw_where | Rule::filter | Rule::score_subset => (Specific, "`where`"),
        Rule::kw_last | Rule::window => (
            Specific,
            "a time window like `last 90 days` or `90 to 30 days ago`",
        ),
        Rule::ago_window => (Specific, "a time window like `90 to 30 days ago`"),
        Rule::kw_with => (Specific, "`with`"),
        Rule::kw_case => (Specific, "`case`"),
        Rule::read_clause => (Specific, "`with <read options>`"),
        Rule::delimiter_option
        | Rule::no_header_option
        | Rule::header_option
        | Rule::null_option
        | Rule::date_format_option
        | Rule::timestamp_format_option
        | Rule::encoding_option
        | Rule::columns_option
        | Rule::types_option
        | Rule::kw_delimiter
        | Rule::kw_header
        | Rule::kw_null
        | Rule::kw_date
        | Rule::kw_timestamp
        | Rule::kw_encoding
        | Rule::kw_columns
        | Rule::kw_types => (
            Specific,
            "a read option (`delimiter \";\"`, `no header`, `null \"NA\"`, `date format \"%d/%m/%Y\"`, `encoding \"latin-1\"`, `columns (...)`, `types (...)`)",
        ),
        Rule::kw_format => (Specific, "`format`"),
        Rule::kmeans_log | Rule::kw_log => (Specific, "`log <input>`"),
        Rule::kmeans_seed | Rule::kw_seed => (Specific, "`seed <whole number>`"),
        Rule::kw_kmeans => (Specific, "`kmeans(k, inputs...)`"),
        Rule::kw_segmentation => (Specific, "`segmentation`"),
        Rule::column_type => (Value, "a column name, and maybe its type (`amount number`)"),
        Rule::type_name => (
            Specific,
            "a type: `text`, `number`, `date`, `timestamp` or `bool`",
        ),
        Rule::duration => (Value, "a length of time like `30 days`"),
        Rule::kw_and => (Specific, "`and`"),
        Rule::kw_not | Rule::negated => (Specific, "`not`"),
        Rule::kw_missing => (Specific, "`missing`"),
        Rule::time_unit => (Specific, "`days`, `weeks`, `months` or `years`"),
        Rule::integer => (Specific, "a whole number like `90`"),
        Rule::date => (Value, "a date like `2025-06-30`"),
        Rule::number | Rule::negative_number => (Value, "a number like `5000`"),
        Rule::string | Rule::string_dq | Rule::string_sq => (Value, "text in quotes"),
        Rule::boolean => (Value, "`true` or `false`"),
        Rule::param_value => (Value, "a number, a date, text in quotes, `true` or `false`"),
        Rule::name | Rule::ident | Rule::function | Rule::qualified => (Value, "a name"),
        Rule::label => (Value, "a name or text in quotes"),
        Rule::quoted_name | Rule::quoted_inner => {
            (Value, "a column name in brackets like `[Order Date]`")
        }
        Rule::segmentation => (Value, "a segmentation name"),
        Rule::describe_subject => (Value, "`tag <name>` or `<segmentation> <label>`"),
        Rule::expr
        | Rule::bound
        | Rule::group
        | Rule::call
        | Rule::argument
        | Rule::neg
        | Rule::not => (Value, VALUE),
        Rule::or
        | Rule::and
        | Rule::eq
        | Rule::ne
        | Rule::lt
        | Rule::le
        | Rule::gt
        | Rule::ge
        | Rule::add
        | Rule::sub
        | Rule::mul
        | Rule::div
        | Rule::is_missing
        | Rule::in_list
        | Rule::between
        | Rule::within
        | Rule::within_group
        | Rule::text_test
        | Rule::text_op
        | Rule::ignoring_case
        | Rule::kw_contains
        | Rule::kw_starts
        | Rule::kw_ends
        | Rule::kw_matches
        | Rule::kw_ignoring
        | Rule::kw_is
        | Rule::kw_in
        | Rule::kw_between
        | Rule::kw_within => (
            Operator,
            "an operator such as `and`, `or`, `>`, `+` or `is missing`",
        ),
        Rule::EOI => (End, "the end of the rule"),
        _ => return None,
    };
    Some(p)
}

/// What the parser expected, in words, most specific first: from the rules
/// and the literal tokens it tried at the error position.
pub fn describe(rules: &[Rule], tokens: &[String]) -> Vec<String> {
    let mut phrases: Vec<(Rank, String)> = rules
        .iter()
        .filter_map(|&r| phrase(r))
        .map(|(rank, p)| (rank, p.to_string()))
        .collect();
    // Punctuation is not a rule of its own, so it comes from the tokens,
    // unless a phrase already covers it: `(` starts a value, `=` is an
    // operator, `.` belongs to a number.
    let has = |rank| phrases.iter().any(|(r, _)| *r == rank);
    let (has_value, has_operator) = (has(Rank::Value), has(Rank::Operator));
    let punctuation: Vec<(Rank, String)> = tokens
        .iter()
        .filter(|t| match t.as_str() {
            ")" | "," => true,
            "(" => !has_value && !has_operator,
            "=" => !has_operator,
            _ => false,
        })
        .map(|t| (Rank::Punctuation, format!("`{t}`")))
        .collect();
    phrases.extend(punctuation);
    // Several kinds of value read better as one phrase.
    if phrases
        .iter()
        .filter(|(rank, _)| *rank == Rank::Value)
        .count()
        > 1
    {
        phrases.retain(|(rank, _)| *rank != Rank::Value);
        phrases.push((Rank::Value, VALUE.to_string()));
    }
    phrases.sort_by_key(|(rank, _)| *rank);
    let mut seen = Vec::new();
    for (_, p) in phrases {
        if !seen.contains(&p) {
            seen.push(p);
        }
    }
    seen
}

/// "A, B or C".
pub fn one_of(phrases: &[String]) -> String {
    match phrases {
        [] => "something else".to_string(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}
