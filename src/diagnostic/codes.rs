//! The catalogue of diagnostic codes. Codes are stable: tools and CI logs
//! refer to them, so a code is never reused for another meaning.
//!
//! Each entry carries its own documentation; `seg explain CODE` prints it and
//! `docs/diagnostics.md` is generated from it (a test keeps them equal).

use super::Severity;
use crate::i18n::{Lang, tr};

pub struct CodeInfo {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    /// Markdown: why it matters, an example, the fix.
    pub explanation: &'static str,
}

macro_rules! codes {
    ($( $variant:ident = $code:literal, $name:literal, $severity:ident, $summary:literal, $explanation:literal; )*) => {
        /// A stable diagnostic code. `E` codes are errors, `W` codes warnings;
        /// `L` codes are findings of `seg lint`, each with its own severity.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $( $variant, )* }

        impl Code {
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            pub fn info(self) -> &'static CodeInfo {
                match self {
                    $( Code::$variant => &CodeInfo {
                        code: $code,
                        name: $name,
                        severity: Severity::$severity,
                        summary: $summary,
                        explanation: $explanation,
                    }, )*
                }
            }
        }
    };
}

impl Code {
    pub fn as_str(self) -> &'static str {
        self.info().code
    }

    /// Finds a code by its code (`E101`) or its name (`unknown-name`).
    pub fn find(query: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| {
            c.info().code.eq_ignore_ascii_case(query) || c.info().name.eq_ignore_ascii_case(query)
        })
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

codes! {
    Syntax = "E001", "syntax", Error,
        "A line does not read as a rule.",
        "The line does not follow the form of any rule. The message says what seg \
expected at the marked place and what it found instead.

```seg
tier A when frequency >=        # a value is missing after >=
```

Fix the line so that it reads as one of the rule forms in the language reference. \
A rule that goes on over several lines continues on lines that are indented.";

    InvalidLiteral = "E002", "invalid-literal", Error,
        "A date or number that cannot exist.",
        "Dates are written as year-month-day (`2025-06-30`) and must exist in the \
calendar; numbers must fit in a 64-bit float.

```seg
as of 2025-02-30        # February has no 30th
```";

    InvalidText = "E003", "invalid-text", Error,
        "A rule file is not UTF-8 text.",
        "Rule files are read as UTF-8. A file saved in another encoding (or a binary file \
with a `.seg` name) shows replacement characters from the marked place on. Save the file \
as UTF-8 in your editor.";

    StrayIndent = "E004", "stray-indent", Error,
        "An indented line with no rule above it.",
        "An indented line continues the rule above it. The first rule of a file, and every \
new rule, starts at the beginning of a line.

```seg
  tier A when frequency >= 10     # remove the leading spaces
```";

    UnknownName = "E101", "unknown-name", Error,
        "A name that is not a metric, score, param, segmentation, tag or customer column.",
        "Every name in a condition or metric must be defined somewhere in the rule set \
(in any of its files) or be a column of the customer source. The help line suggests the \
closest existing name and lists what is available.

```seg
tier A when monetry > 5000      # did you mean `monetary`?
```";

    UnknownSource = "E102", "unknown-source", Error,
        "An aggregate or `tags from` names a source that is not declared.",
        "Aggregates such as `count(orders)` and `sum(orders.amount)` read a fact source \
declared with `source orders ... by customer_id`.

```seg
metric frequency = count(order)    # the source is called `orders`
```";

    UnknownColumn = "E103", "unknown-column", Error,
        "A column that the source does not have.",
        "Column names are read from the data itself (CSV header, Parquet schema or table), \
so a misspelt column is caught before anything runs. The help line lists the real columns.

```seg
metric monetary = sum(orders.amout)
```";

    UnknownLabel = "E104", "unknown-label", Error,
        "A comparison with a label that its segmentation does not have.",
        "When a condition compares a segmentation with a label, the label must be one of \
that segmentation's labels; otherwise the condition could never hold.

```seg
tier A when count(orders) >= 10
tier B otherwise
tag vip when tier = \"AA\"        # tier has no label AA
```";

    UnknownFunction = "E105", "unknown-function", Error,
        "A function that seg does not have.",
        "The functions are the aggregates (`count`, `sum`, `avg`, `min`, `max`, \
`count_distinct`, `mode`, `first`, `last`), the score functions (`quintile`, `ntile`), \
`percentile`, `days_since`, `months_since`, `years_since`, `round`, `abs`, and the \
everyday functions (`if_missing`, `if`, `greatest`, `least`, `length`, `lower`, `upper`, \
`year`, `month`, `day`, `days_between`). A function of SQL's is named by seg's: \
`coalesce` is `if_missing`.";

    UnknownSubject = "E106", "unknown-subject", Error,
        "`describe` names a tag or label that no rule defines.",
        "`describe` adds a description, category and colour to a tag or a segment label \
defined elsewhere in the rule set. The tag or label must exist (or, for tags, a \
`tags from` source may bring it).";

    UnknownInExample = "E107", "unknown-in-example", Error,
        "An example or an expectation names something the rules do not define.",
        "An example gives values to metrics, scores, customer columns the rules use, \
dataset-level values the rules use (`percentile(monetary, 0.9)`) and hand-assigned tags, \
and expects labels and tags the rules define; an expectation speaks of labels, tags, \
metrics and scores. The help line suggests the closest name.

```seg
metric frequency = count(orders)
tier A when frequency >= 10
tier B otherwise
example \"loyal\": frequncy 12 expects tier A       # did you mean `frequency`?
```";

    DuplicateExample = "E108", "duplicate-example", Error,
        "Two examples have the same name, or one example gives a value twice.",
        "`seg test` reports examples by name, so each name is used once in a rule set; \
and an example gives each value once, or which one would count?

```seg
metric frequency = count(orders)
tier A when frequency >= 10
tier B otherwise
example \"loyal\": frequency 12 expects tier A
example \"loyal\": frequency 2 expects tier B      # call it \"occasional\"
```";

    InvalidShare = "E109", "invalid-share", Error,
        "An expected share is outside 0% to 100%, or its bounds are the wrong way round.",
        "`expect tier A between 5% and 15%` bounds the share of customers with label A; \
a share is from 0% to 100%, and `between` takes the lower bound first.

```seg
metric frequency = count(orders)
tier A when frequency >= 10
tier B otherwise
expect tier A between 15% and 5%       # between 5% and 15%
expect tier B under 120%
```";

    TypeMismatch = "E201", "type-mismatch", Error,
        "Values of different kinds are compared or combined.",
        "Numbers compare with numbers, text with text, dates with dates. Arithmetic needs \
numbers.

```seg
tag north when region = 5          # region is text: region = \"north\"
tag recent when first_order > 2024 # a date: first_order > 2024-01-01
```";

    WrongArgument = "E202", "wrong-argument", Error,
        "A function is given the wrong kind of value.",
        "For example `sum` and `avg` need a number column, `days_since` a date, \
`percentile` a number and a fraction between 0 and 1.

```seg
metric total = sum(orders.status)   # status is text
```";

    NotACondition = "E203", "not-a-condition", Error,
        "A `when` or `where` is followed by something that is not true or false.",
        "Conditions compare values: `when monetary > 100`, not `when monetary`.";

    ArgumentCount = "E204", "argument-count", Error,
        "A function is called with too many or too few values.",
        "`percentile(monetary, 0.9)` takes two, `days_since(last_order)` one.";

    Misplaced = "E205", "misplaced", Error,
        "Something is used where it cannot be computed.",
        "Some parts of the language only make sense in one place: a fact source column \
(`orders.amount`) only inside an aggregate, a time window (`last 90 days`) only inside an \
aggregate, `quintile` and `ntile` only in a `score`, and an aggregate's `where` can only use \
that source's columns and params.

```seg
tag big when orders.amount > 100    # which order? use max(orders.amount) > 100
```";

    InvalidValue = "E206", "invalid-value", Error,
        "A value outside what is allowed here.",
        "For example a colour that is neither `#rrggbb` nor a known colour name, \
`ntile` with fewer than 2 buckets, a percentile outside 0..1, or a time window \
(`last 5000 years`, `within 999999 days`) reaching back more than 1000 years from the \
as-of date (or before the year 1).";

    DuplicateDefinition = "E301", "duplicate-definition", Error,
        "The same name is defined twice.",
        "Metrics, scores, params, sources, segmentations and tags share one set of names \
across all files of a rule set. Both places are shown; rename or remove one.";

    Cycle = "E302", "cycle", Error,
        "Definitions depend on each other in a circle.",
        "A metric (or score, tag, segmentation) cannot depend on itself, directly or \
through others. The message names the whole circle.

```seg
metric a = b + 1
metric b = a * 2
```";

    OtherwiseNotLast = "E303", "otherwise-not-last", Error,
        "A rule follows the `otherwise` rule of its segmentation.",
        "The first rule whose condition holds gives the label, and `otherwise` always \
holds, so rules after it could never apply. Move `otherwise` to the end.";

    SegmentationSplit = "E304", "segmentation-split", Error,
        "The rules of one segmentation are spread over several files.",
        "The order of a segmentation's rules decides the label, and files have no order \
between them, so all rules of one segmentation live in one file.";

    DuplicateLabel = "E305", "duplicate-label", Error,
        "A label appears twice in one segmentation.",
        "Each rule of a segmentation gives a different label; the second rule with the \
same label could never apply to anyone the first did not take. Combine the conditions \
with `or`.";

    WindowWithoutTime = "E306", "window-without-time", Error,
        "A time window on a source without an `at` column.",
        "`last 90 days` counts from the source's time column, declared with \
`at` (`source orders from \"orders.csv\" by customer_id at ordered_at`):

```seg
source orders from \"orders.csv\" by customer_id       # no `at ordered_at`
metric recent = count(orders, last 90 days)
```";

    CustomerSource = "E307", "customer-source", Error,
        "There is no customer source, or more than one.",
        "Exactly one source declares `key <column>`: its rows are the customers, and \
every customer appears in every output.";

    SourceShape = "E308", "source-shape", Error,
        "A source declaration is incomplete or contradictory.",
        "A customer source has `key`, a fact source has `by` (either optionally `at`); a \
source cannot have both, and each clause appears once. The file format comes from the \
extension: `.csv`, `.tsv`, `.parquet`, `.json`, `.jsonl` or `.ndjson` (optionally `.gz`).";

    OutputNameClash = "E309", "output-name-clash", Error,
        "A name would give two columns of the same name in the output table.",
        "The wide output table has the customer key, every metric, score and \
segmentation, for each segmentation `<name>_since` (since when each customer holds its \
label), and a `tags` column; SQL compares their names without ASCII case (`Big` and \
`big` are one column, `Ä` and `ä` two). So a metric, score or segmentation cannot take \
the key's name, `tags` or a segmentation's `<name>_since`, or differ from another one \
only in case. Tags are rows of \
the long table, not columns, and may take any name. Sources name relations in the SQL, so \
they too must differ in more than case.

```seg
metric spend = sum(orders.amount)
score SPEND = quintile(spend)     # the same column as `spend`
```";

    UnreadableSource = "E310", "unreadable-source", Error,
        "A source cannot be read, so the run cannot start.",
        "The file is missing or unreadable, or the table does not exist in the database \
given with `--db`. `seg check` reports this as warning W002 and checks everything else; \
`seg run` needs the data.";

    KeyTypeMismatch = "E311", "key-type-mismatch", Error,
        "A fact source's customer column has another type than the customer key.",
        "`by customer_id` joins the fact rows to the customers; numbers join to numbers \
and text to text. Convert one of them in the data.";

    PathNotAllowed = "E312", "path-not-allowed", Error,
        "A source is read from outside the folders seg may read.",
        "Whoever runs seg can confine the sources of a rule set to some folders \
(`--allow-path DIR`, repeatable, or `SEG_ALLOW_PATH`): a file source must then lie in \
one of them, after `..` and symbolic links are resolved, so a rule file cannot read \
`/home/ops/.ssh/...` or `../../secrets/x.csv`. Move the data into an allowed folder, or \
ask whoever runs seg to allow its folder.";

    TimeColumnType = "E313", "time-column-type", Error,
        "A source's `at` column does not hold dates.",
        "On a fact source `at <column>` names when each row happened; on the customer \
source, when each customer was created (`key customer_id at signup_date`). Either way a \
run sees only the rows dated before its as-of date, so the column must hold dates or \
timestamps. A CSV column with a value that is not a date reads as text: fix the value, \
or name another column.

```seg
source visits from \"orders.csv\" by customer_id at status   # status is text
```";

    GivenType = "E314", "given-type", Error,
        "An example gives a value of the wrong kind.",
        "A number metric is given a number, a date metric a date (`2025-06-01`), a text \
column text in quotes. `missing` gives any value as missing.

```seg
metric monetary = sum(orders.amount)
tier A when monetary > 5000
tier B otherwise
example \"big\": monetary \"6000\" expects tier A     # monetary 6000
```";

    UnknownExpectedLabel = "E315", "unknown-expected-label", Error,
        "An example or an expectation names a label its segmentation does not have.",
        "`expects tier A` and `expect tier A under 20%` speak of a label of `tier`; \
a label no rule gives could never be met. The help line lists the labels.

```seg
metric frequency = count(orders)
tier A when frequency >= 10
tier B otherwise
example \"loyal\": frequency 12 expects tier AA
```";

    MissingDatasetValue = "E316", "missing-dataset-value", Error,
        "An example expects a label or tag that depends on a dataset-level value it does not give.",
        "An example is one imaginary customer, so values over all customers \
(`percentile(monetary, 0.9)`) cannot be worked out from it. Where what it expects \
depends on one, the example gives it, like any other value:

```seg
metric monetary = sum(orders.amount)
tag high_spender when monetary >= percentile(monetary, 0.9)
example \"big\": monetary 6000 expects tag high_spender
# example \"big\": monetary 6000, percentile(monetary, 0.9) = 5000 expects tag high_spender
```";

    ExpectationOutsideTable = "E317", "expectation-outside-table", Error,
        "An expectation uses a value the wide table does not hold.",
        "Expectations are checked on the computed table: its metrics, scores, labels and \
tags (and params and dataset-level values). A column of the customer source, or an \
aggregate written inline, is not in it: define a metric for it.

```seg
metric frequency = count(orders)
expect no customer where count(orders) > 1000    # use frequency > 1000
```";

    NotGivable = "E318", "not-givable", Error,
        "An example gives something that cannot be given.",
        "An example gives what the rules compute from: metrics, scores, customer columns, \
dataset-level values and hand-assigned tags. Labels and rule-made tags are what it \
expects (after `expects`); params are fixed by the rules (and `--set`); and \
`expect every customer ... has x` needs a metric, score or segmentation, which can be \
missing.

```seg
metric frequency = count(orders)
tier A when frequency >= 10
tier B otherwise
example \"loyal\": tier \"A\" expects tier A     # give frequency 12
```";

    OrderWithoutTime = "E319", "order-without-time", Error,
        "`first` or `last` over a source without an `at` column.",
        "`first(orders.channel)` is the value of a customer's earliest row and \
`last(orders.category)` that of the latest, by the source's time column, declared with \
`at`. Without one, rows have no order to pick from.

```seg
source orders from \"orders.csv\" by customer_id       # no `at ordered_at`
metric acquired_by = first(orders.channel)
```";

    EmptyWindow = "E320", "empty-window", Error,
        "A time window that holds no days.",
        "`90 to 30 days ago` holds the rows from 90 days before the as-of date up to \
30 days before it. Both ends the same (`30 to 30 days ago`) leave no day in between.

```seg
source orders from \"orders.csv\" by customer_id at ordered_at
metric quiet = count(orders, 30 to 30 days ago)   # 60 to 30 days ago?
```";

    MisplacedDuration = "E321", "misplaced-duration", Error,
        "A length of time (`30 days`) that is not added to or taken from a date.",
        "`first_order + 30 days` is the date 30 days after the first order, and \
`as_of - 1 year` the date a year before the as-of date. A length of time means nothing \
on its own or next to a number.

```seg
metric later = 5 + 30 days    # a number is not a date
```";

    PatternNotFixed = "E322", "pattern-not-fixed", Error,
        "The pattern after `matches` is not fixed text.",
        "`sku matches \"AB-*\"` tests the whole text against a pattern where `*` stands \
for any text and `?` for one character. The pattern is written in quotes (or is a text \
param), so it is the same for every customer.

```seg
tag odd when \"ab\" matches lower(\"A*\")     # a pattern in quotes: matches \"a*\"
```";

    IgnoringCase = "E323", "ignoring-case", Error,
        "`ignoring case` after something that is not a comparison of texts.",
        "`ignoring case` follows `=`, `!=`, `contains`, `starts with`, `ends with` or \
`matches` between texts, and makes them compare the lower case of both sides.

```seg
tag big when monetary > 100 ignoring case     # numbers have no case
```";

    MisplacedGroup = "E324", "misplaced-group", Error,
        "`within <group>` after something that is neither a score nor a percentile.",
        "`score r = quintile(recency, lower_is_better) within region` ranks each customer \
among the customers of its own region, and `percentile(monetary, 0.9) within region` is one \
value per region. Only a score's function and `percentile(...)` can be computed per group; \
`t within 30 days` (a number and a unit) tests a date.

```seg
source customers from \"customers.csv\" key customer_id
metric spend = 10
tag big when spend within region > 5     # percentile(spend, 0.9) within region?
```";

    GroupNotPerCustomer = "E325", "group-not-per-customer", Error,
        "The group after `within` is not a value of each customer.",
        "A score or percentile `within <group>` splits the customers by the value each of \
them has: a customer column (`region`), a metric or a segmentation (`within tier`). A param \
or a dataset-level value is the same for everyone, so it makes no groups.

```seg
source customers from \"customers.csv\" key customer_id
param spend_floor = 100
metric spend = 10
score s = quintile(spend) within spend_floor     # a param: one group
```";

    LookupWithoutKey = "E326", "lookup-without-key", Error,
        "A lookup table's column is read through a fact source that lacks its key column.",
        "A lookup table (`source products from \"products.csv\" key product_id`) is joined \
to the rows of a fact source by the column named like its key: `orders` needs a \
`product_id` column for `sum(orders.amount where products.category = \"wine\")`.

```seg
source customers from \"customers.csv\" key customer_id
source orders    from \"orders.csv\"    by customer_id
source products  from \"products.csv\"  key sku
metric wine = sum(orders.amount where products.category = \"wine\")   # orders has no sku
```";

    LookupOutsideFacts = "E327", "lookup-outside-facts", Error,
        "A lookup table is used where it cannot be: outside an aggregate's `where`, or aggregated itself.",
        "A lookup table has one row per key (a product, a store), not rows per customer. Its \
columns are read through the fact rows that carry the key, in the `where` of an aggregate \
over that fact source: `count(orders where products.category = \"wine\")`.

```seg
source customers from \"customers.csv\" key customer_id
source orders    from \"orders.csv\"    by customer_id
source products  from \"products.csv\"  key product_id
metric products_known = count(products)     # count(orders where products.category is not missing)?
```";
    ReadOptionFormat = "E329", "read-option-format", Error,
        "A read option on a source that is not a CSV or TSV file.",
        "`with delimiter \";\", no header, null \"NA\", ...` says how to read a text file whose \
layout DuckDB cannot guess. Parquet and JSON files, and tables in the database, carry their \
own column names and types, so the options mean nothing there.

```seg
source orders from \"orders.parquet\" by customer_id with delimiter \";\"   # Parquet has no delimiter
```

Remove the options, or point the source at the CSV file they describe. (A `--source` \
override to a Parquet file or a table reads it as it is: the options go with CSV and TSV \
files only.)";

    ReadOptionValue = "E330", "read-option-value", Error,
        "A read option that cannot be used as written.",
        "Each option is given once; a delimiter is one character; a date or timestamp \
format uses `%` codes (`%d/%m/%Y`, `%Y-%m-%d %H:%M`); a type is one of `text`, `number`, \
`date`, `timestamp` and `bool`; a column is named once; a file read with `no header` \
names its columns with `columns (...)`, in the order they appear.

```seg
source customers from \"customers.csv\" key customer_id with no header   # which column is which?
```

For that one: `with no header, columns (customer_id text, signup_date date, region)`.";

    UnsupportedEncoding = "E331", "unsupported-encoding", Error,
        "An `encoding` the bundled DuckDB cannot read.",
        "seg reads text files as UTF-8, and with `encoding` as UTF-16 or Latin-1 \
(`\"utf-16\"`, `\"latin-1\"`). Other encodings, such as the GBK (GB2312, GB18030) of many \
Chinese exports or Shift-JIS, need DuckDB's encodings extension, which seg never \
downloads. Convert the file to UTF-8 once, before seg reads it:

```text
iconv -f GBK -t UTF-8 orders.csv > orders.utf8.csv
```

A file that is not valid UTF-8 and declares no encoding fails to read with a message \
that says so and names the same conversion.";

    KmeansInput = "E332", "kmeans-input", Error,
        "A `kmeans(...)` segmentation that cannot be computed as written.",
        "`segmentation cluster = kmeans(5, recency, frequency, monetary) log monetary seed 7` \
groups the customers into 5 clusters by their recency, frequency and monetary value. The \
number of clusters is from 2 to 20; each input is a number (a metric, a score or a \
customer column) named once; `log` names inputs to take as ln(1 + x) first; the seed is \
a whole number.

```seg
source customers from \"customers.csv\" key customer_id
source orders from \"orders.csv\" by customer_id
metric frequency = count(orders)
segmentation cluster = kmeans(1, frequency)   # one cluster is everyone
```";

    NoSuchCluster = "E333", "no-such-cluster", Error,
        "A condition names a cluster a `kmeans(...)` segmentation does not have.",
        "The clusters of `kmeans(k, ...)` are numbered 1 to k, and a condition names one by \
its number (`cluster = 3`) or its label (`cluster = \"3\"`). Clusters are numbered by \
their centroid's first input, lowest first, so the same group keeps its number from \
run to run.

```seg
source customers from \"customers.csv\" key customer_id
source orders from \"orders.csv\" by customer_id
metric frequency = count(orders)
metric monetary = sum(orders.amount)
segmentation cluster = kmeans(3, frequency, monetary)
tag vip_cluster when cluster = 4   # clusters 1 to 3
```";

    KmeansNotHere = "E334", "kmeans-not-here", Error,
        "A `kmeans(...)` segmentation where seg cannot compute it.",
        "A kmeans segmentation is computed from every customer of a run, so an `example` \
(one imaginary customer) cannot give it a value, and `seg diff` and `seg lint --db` (which \
compute a rule set in one query) do not compute it yet. `seg run`, `seg watch`, a replay \
(`--as-of FROM..TO`) and the cases of `seg test` do.

```seg
source customers from \"customers.csv\" key customer_id
source orders from \"orders.csv\" by customer_id
metric frequency = count(orders)
segmentation cluster = kmeans(2, frequency)
tier any otherwise
example \"a regular\": frequency 5 expects tier any
```

Test a kmeans segmentation with a case (`tests/<case>/` with data and its snapshot) \
instead of an example.";

    WhereNotACondition = "E335", "where-not-a-condition", Error,
        "`seg why --where` is not one condition on one line.",
        "`seg why --where \"tier = 'A'\"` traces the customers a condition holds for. The \
condition is checked like a rule's: it may use metrics, scores, labels, tags, params and \
customer columns, and its mistakes are shown in its own text. It is one condition on one \
line: a line break could add statements of its own, so it is refused, as is an empty one.

```text
seg why --where \"\" rules --db seg.duckdb
```

Give one condition, e.g. `--where \"tier = 'A' and frequency >= 2\"`.";

    UnknownParam = "E401", "unknown-param", Error,
        "`--set` names a param that the rule set does not declare.",
        "`seg run --set vip_spend=8000` overrides `param vip_spend = 5000`. Declare the \
param in a rule file first.";

    ParamValue = "E402", "param-value", Error,
        "A `--set` value does not fit the param's type.",
        "A param declared with a number takes a number, a date param a date \
(`2025-06-30`), a true/false param `true` or `false`.";

    UnknownSourceOverride = "E403", "unknown-source-override", Error,
        "`--source` names a source that the rule set does not declare.",
        "`--source orders=path/to/orders.csv` replaces where the declared source \
`orders` is read from.";

    UnreadableRuleSet = "E404", "unreadable-rule-set", Error,
        "The rule set itself cannot be read.",
        "The path given to `seg check`, `compile` or `run` must be a folder holding \
`.seg` files (all of them are one rule set) or one `.seg` file. This is reported when \
the path is missing, holds no `.seg` file, is not a `.seg` file, or cannot be read.";

    NoOtherwise = "W001", "no-otherwise", Warning,
        "A segmentation has no `otherwise` rule.",
        "Customers that match none of the rules get no label (a missing value). Add \
`<segmentation> <label> otherwise` as the last rule if every customer should get one.";

    SourceNotChecked = "W002", "source-not-checked", Warning,
        "A source could not be read, so its columns were not checked.",
        "`seg check` reads the column names and types of every source. When a file is \
missing or a table is not in the database (no `--db` given), everything else is still \
checked; names that could be columns of that source are assumed to be (W003).";

    AssumedColumn = "W003", "assumed-column", Warning,
        "A name is assumed to be a customer column because the customer source could not be read.",
        "Without the customer source's columns seg cannot tell a customer column from a \
typo. Check again with the data in place (or `--db`) to be sure.";

    HiddenColumn = "W004", "hidden-column", Warning,
        "A definition has the same name as a customer column.",
        "The bare name now means the definition; write `customers.<column>` (with the \
customer source's name) to reach the column.";

    UnknownCategory = "W005", "unknown-category", Warning,
        "A category that looks like a misspelt standard category.",
        "Categories are free text, but the standard ones are behaviour, interest, \
activity, intent, satisfaction, value, lifecycle and risk. A category close to one of \
them is probably a typo.";

    // Codes from the semantic hardening.

    UnknownManualTag = "W006", "unknown-manual-tag", Warning,
        "`describe tag` names a tag that neither a rule nor the hand-assigned tag data has.",
        "With a `tags from` line, a `describe tag` that no rule makes is taken to describe a \
hand-assigned tag. When the tag data can be read and holds no tag of that name, the name is \
most likely misspelt; the help suggests the closest tag that exists. It stays a warning \
because the tag may only appear in later data.

```seg
source crm_tags from \"crm_tags.csv\" by customer_id
tags from crm_tags.tag
describe tag newsleter as \"Subscribed to the newsletter\"   # the data has `newsletter`
```";

    ExampleFailed = "W007", "example-failed", Warning,
        "An example did not get what it expects (`seg test`).",
        "`seg test` computes every example of the rule set as one imaginary customer and \
compares its labels and tags with what it expects; the report points at each outcome it \
did not get and says what it got instead (`expected tier A, got tier B`). Either the rules \
changed what they mean, or the example is out of date: fix whichever is wrong. `seg test` \
exits with status 1.

```seg
metric frequency = count(orders)
tier A when frequency >= 10
tier B otherwise
example \"loyal\": frequency 8 expects tier A       # 8 is not >= 10: tier B
```";

    ExpectationFailed = "W008", "expectation-failed", Warning,
        "An `expect` does not hold on the data (`seg run`, `seg test`).",
        "Expectations are checked on every run's computed table before it is published. \
`seg run` publishes anyway and warns (exit status 0), and records the outcome in \
`seg_runs.expectations`; `seg run --strict` refuses to publish (exit status 1, the previous \
tables untouched); `seg test` checks them on every test case and fails.

```seg
metric frequency = count(orders)
tier A when frequency >= 10
tier B otherwise
expect tier A under 20%        # fails when a fifth of the customers or more are in tier A
```";

    AssumedHandTag = "W009", "assumed-hand-tag", Warning,
        "A name is taken to be a hand-assigned tag, whose source could not be read.",
        "A condition may use a hand-assigned tag by its name \
(`tag vip_unhappy when key_account and unhappy`, with `tags from crm_tags.tag`). A name \
that no rule defines and no customer column has is such a tag when the tag data holds it; \
when the tag source cannot be read, seg cannot tell, takes the name to be one and says \
so. Check again with the data in place: a misspelt name is then an error (E101).";

    Shadowed = "L001", "shadowed-rule", Error,
        "`seg lint`: a rule that can never match, because earlier rules of its segmentation take every customer it would.",
        "A segmentation gives each customer the label of the first rule that holds. When \
every customer a rule matches is matched by an earlier rule too, the rule never gives its \
label. The message names the earlier rules that cover it and a customer that shows it.

```seg
source customers from \"customers.csv\" key customer_id
source orders from \"orders.csv\" by customer_id at ordered_at
metric frequency = count(orders)
score f = quintile(frequency)
loyalty regular when f >= 2
loyalty top     when f = 5        # every f = 5 is already `regular`
loyalty new     otherwise
```

Put the narrower rule first, or narrow the earlier ones.";

    Gap = "L002", "uncovered-values", Warning,
        "`seg lint`: customers that no rule of a segmentation without `otherwise` matches.",
        "A segmentation without `otherwise` leaves the customers no rule matches without a \
label. `seg lint` finds such customers and shows one; when the rules only use scores and \
labels (which take few values), it counts the combinations they leave, e.g. 36 of the 125 \
combinations of `r`, `f` and `m`. A missing value is a value of its own: a customer with a \
missing score matches no comparison of it.

```seg
source customers from \"customers.csv\" key customer_id
source orders from \"orders.csv\" by customer_id at ordered_at
metric frequency = count(orders)
score f = quintile(frequency)
loyalty high when f >= 4
loyalty low  when f <= 2          # f = 3 gets no label
```

Add rules for the values left, or a last `<segmentation> <label> otherwise`.";

    NeverHolds = "L003", "never-holds", Error,
        "`seg lint`: a condition that no customer can meet.",
        "The parts of the condition contradict each other, so the rule or tag never matches \
anyone, whatever the data.

```seg
source customers from \"customers.csv\" key customer_id
source orders from \"orders.csv\" by customer_id at ordered_at
metric frequency = count(orders)
tag odd when frequency > 10 and frequency < 5
```

Usually an `and` that should be `or`, or two numbers swapped.";

    OutOfRange = "L004", "out-of-range", Error,
        "`seg lint`: a score compared with a value it never takes, or a count with one below 0.",
        "Scores go from 1 to their number of buckets (`quintile`: 1 to 5), or are missing; \
counts are whole numbers from 0. A comparison outside that never holds.

```seg
source customers from \"customers.csv\" key customer_id
source orders from \"orders.csv\" by customer_id at ordered_at
metric monetary = sum(orders.amount)
score m = quintile(monetary)
tag big when m = 6                # quintiles are 1 to 5
```";

    UnusedParam = "L005", "unused-param", Warning,
        "`seg lint`: a param that no rule uses.",
        "A param exists to be used in conditions and metrics and to be changed with `--set`. \
One that nothing uses changes nothing; it is most likely left over, or its name is misspelt \
where it should be used.

```seg
source customers from \"customers.csv\" key customer_id
source orders from \"orders.csv\" by customer_id at ordered_at
param vip_spend = 5000
tag big when sum(orders.amount) > 5000     # meant `> vip_spend`
```";

    UnusedMetric = "L006", "unused-metric", Warning,
        "`seg lint --unused-metrics`: a metric that no rule, score, tag or other metric uses.",
        "Every metric is a column of `seg_customers`, so a metric nothing uses may be there to \
be read; `seg lint` lists those only with `--unused-metrics`. Remove one nobody reads.

```seg
source customers from \"customers.csv\" key customer_id
source orders from \"orders.csv\" by customer_id at ordered_at
metric orders_30d = count(orders, last 30 days)
tag active when count(orders, last 30 days) > 0    # could use orders_30d
```";

    EmptyLabel = "L007", "empty-label", Warning,
        "`seg lint --db`: a label no customer gets on the data.",
        "With `--db`, `seg lint` runs the rules on the data (in memory; nothing is written) and \
reports each label that no customer gets. The rules may be sound and the label still empty: \
an earlier rule takes all its customers on this data, or a threshold is out of reach (a spend \
in cents compared with euros). Look at the label's share, printed by `seg lint --db` and \
`seg run`, and at the rules above it. (Shown only with data, so the example is plain text.)

```text
source customers from \"customers.csv\" key customer_id
source orders from \"orders.csv\" by customer_id at ordered_at
metric spend = sum(orders.amount)
tier Gold when spend >= 1000000     # no customer spends that much
tier Standard otherwise
```";

    EmptyTag = "L008", "empty-tag", Warning,
        "`seg lint --db`: a rule-made tag no customer gets on the data.",
        "With `--db`, `seg lint` runs the rules on the data and reports each tag whose condition \
holds for no customer. A campaign list built from it would be empty; check the thresholds and \
the columns the condition reads.

```text
source customers from \"customers.csv\" key customer_id
source orders from \"orders.csv\" by customer_id at ordered_at
tag whale when sum(orders.amount) > 1000000     # no customer spends that much
```";
}

impl Code {
    /// Problems with the command line or the data rather than the rules:
    /// `seg` exits with 2 when these are the only errors.
    pub fn is_usage(self) -> bool {
        matches!(
            self,
            Code::UnreadableSource
                | Code::UnknownParam
                | Code::ParamValue
                | Code::UnknownSourceOverride
                | Code::UnreadableRuleSet
                | Code::WhereNotACondition
        )
    }
}

/// `docs/diagnostics.md` (`docs/diagnostics.zh.md` in Chinese): every code
/// with its explanation, in the current language.
pub fn markdown() -> String {
    let mut out = String::from(match crate::i18n::current() {
        Lang::En => {
            "# Diagnostics\n\n\
         Every problem `seg check` (and `compile`, `run`) reports has a stable code. \
         `E` codes are errors (exit status 1, or 2 for problems with the command line or \
         the data: E310, E401, E402, E403, E404); `W` codes are warnings (exit status 0); \
         `L` codes are what `seg lint` finds (see `docs/lint.md`), errors or warnings as each \
         entry says. \
         `seg explain CODE` prints one entry; `seg check --format json` gives file, line, \
         column, code, severity, message and help for each.\n\n\
         This file is generated from `src/diagnostic/codes.rs` by `seg explain --all`; \
         a test keeps it in step.\n\n| code | name | summary |\n|---|---|---|\n"
        }
        Lang::Zh => {
            "# 诊断\n\n\
         `seg check`（以及 `compile`、`run`）报告的每个问题都有一个固定的代码。\
         `E` 代码是错误（退出状态 1；命令行或数据的问题为 2：E310、E401、E402、E403、E404）；\
         `W` 代码是警告（退出状态 0）；`L` 代码是 `seg lint` 的发现（见 `docs/lint.md`），\
         是错误还是警告见各条目。`seg explain CODE --lang zh` 打印一个条目；\
         `seg check --format json` 给出每个问题的文件、行、列、代码、严重程度、消息和帮助。\n\n\
         本文件由 `seg explain --all --lang zh` 从 `src/diagnostic/codes.rs` 和 \
         `src/i18n/codes.zh.md` 生成，有测试保证两者一致。英文版见 `docs/diagnostics.md`。\n\n\
         | 代码 | 名称 | 概要 |\n|---|---|---|\n"
        }
    });
    for code in Code::ALL {
        let i = code.info();
        out.push_str(&format!(
            "| [{}](#{}) | {} | {} |\n",
            i.code,
            i.code.to_lowercase(),
            i.name,
            i.summary()
        ));
    }
    for code in Code::ALL {
        out.push('\n');
        out.push_str(&explain(*code));
    }
    out
}

/// One code's documentation, as Markdown, in the current language.
pub fn explain(code: Code) -> String {
    let i = code.info();
    let severity = match i.severity {
        Severity::Error => tr!("severity-error"),
        Severity::Warning => tr!("severity-warning"),
    };
    format!(
        "## {}\n\n`{}` · {severity} · {}\n\n{}\n",
        i.code,
        i.name,
        i.summary(),
        i.explanation()
    )
}

impl CodeInfo {
    /// The one-line summary in the current language (English when the
    /// code has no translation yet).
    pub fn summary(&self) -> &'static str {
        crate::i18n::code_doc(crate::i18n::current(), self.code).map_or(self.summary, |d| d.0)
    }

    /// The explanation in the current language.
    pub fn explanation(&self) -> &'static str {
        crate::i18n::code_doc(crate::i18n::current(), self.code).map_or(self.explanation, |d| d.1)
    }
}
