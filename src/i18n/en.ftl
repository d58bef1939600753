# seg's messages in English. Every message here must also be in zh.ftl,
# with the same arguments (tests/it/i18n.rs). How to add one:
# docs/architecture.md, "Messages and languages".

## Totals and outcomes of check and run

totals = { $errors } { $errors ->
        [one] error
       *[other] errors
    }, { $warnings } { $warnings ->
        [one] warning
       *[other] warnings
    }
run-not-run = not run: { $totals }
run-not-published = not published (--strict): { $n } { $n ->
        [one] expectation
       *[other] expectations
    } failed; the previous tables are unchanged
run-expectation-failed = { $level ->
        [error] error
       *[warning] warning
    }: expectation failed: { $expectation } ({ $at })

## The summary of a run

summary-headline = run { $run } · { $customers } · as of { $as_of } · { $seconds } s
summary-customer-count = { $count } { $n ->
        [one] customer
       *[other] customers
    }
summary-customers = customers
summary-share = share
summary-tags = tags
summary-no-label = (no label)
summary-scores = scores (the values of each bucket)
summary-dataset-values = dataset-level values
summary-missing = missing
edge-at-least = ≥ { $value }
edge-at-most = ≤ { $value }
edge-equal = = { $value }
edge-between = { $low } to { $high }
summary-unmatched = rows without a customer (counted for no one): { $list }
summary-unmatched-source = { $unmatched } of { $rows } `{ $source }`
summary-warning = warning: { $warning }
summary-header-only = note: { $source }: 0 rows ({ $location } has a header line only)
summary-tables = tables in { $db }: { $tables }
summary-dry-run-of = dry run of{" "}
summary-dry-run-unchanged = dry run: nothing published; { $db } is unchanged (run { $run } would publish it)
summary-dry-run-not-created = dry run: nothing published; { $db } was not created (run { $run } would publish it)
summary-files = files: { $files }
summary-centroids = { $segmentation } centroids ({ $iterations } iterations, inertia { $inertia })
summary-per-group-score = score { $name } (bucket edges of each of { $n } { $n ->
        [one] group
       *[other] groups
    } in seg_runs)
summary-per-group-value = { $name } (the value of each of { $n } { $n ->
        [one] group
       *[other] groups
    } in seg_runs)
summary-no-changes = no changes since run { $run }
summary-changes = changes since run { $run }: { $changes }
summary-changes-tags = tags { $tags }

## Diagnostics: message, then .label (the primary place), .also (other places), .help

## src/cli/test/case.rs

expectation-failed = expectation failed on the case `{ $name }`

## src/cli/test/examples.rs

example-failed = example "{ $name }" did not get what it expects

## src/cli/why.rs

where-not-a-condition = --where is one condition on one line
    .label = not one condition
    .help = give one condition of the rules' own words, e.g. --where "tier = 'A' and frequency >= 2"
where-not-a-condition-2 = --where has no condition

## src/lint/cover.rs

never-holds = { $what } can never hold
    .label = no customer meets this
    .help = no values of { $names_of } meet `{ $text }` together; check the numbers and the `and`s
never-holds-2 = `{ $name } { $label }` can never match: its condition never holds
    .label = no customer meets this
    .help = no values of { $names_of } meet it; check the numbers and the `and`s
shadowed-rule = `{ $name } { $label }` can never match: earlier rules cover it
    .label = never reached
    .also = covers it
uncovered-values =
    .label = some customers match none of its rules

## src/lint/data.rs

empty-label = no customer gets { $name } `{ $label }`: { $of }
    .help = on this data the label is empty: an earlier rule may take its customers, or a threshold may be out of reach; `seg run` shows every label's share
    .label = no customer gets this label
empty-tag = no customer gets tag `{ $name }`: { $of }
    .help = on this data the condition never holds; check its thresholds and the data it reads
    .label = no customer gets this tag

## src/lint/mod.rs

out-of-range = `{ $text }` can never hold: `{ $name }` is { $range }
    .label = no value of it meets this

## src/lint/unused.rs

unused-param = param `{ $name }` is never used
    .label = no rule uses it
    .help = use it in a condition or metric, or remove it (`--set { $name }=...` changes nothing)
unused-metric = metric `{ $name }` is used by no rule, score, tag or metric
    .label = only a column of seg_customers
    .help = remove it if nobody reads that column; keep it if someone does

## src/semantic/aggregate.rs

misplaced = an aggregate cannot be used inside an aggregate's `where`
    .label = inside another aggregate
    .help = define it as a metric first if you need it per customer
argument-count = `{ $text }` needs a source to aggregate
    .label = nothing to aggregate
    .help = for example { $example }
wrong-argument = the time window comes after what is aggregated
    .label = expected a source first
    .help = for example count(orders, last 90 days)
wrong-argument-2 = `{ $text }` aggregates a source or one of its columns
    .label = not a source column
    .help = for example { $example }; for arithmetic on metrics, write it outside: sum(orders.amount) / count(orders)
misplaced-2 = `{ $text }` is the customer source, with one row per customer
    .label = nothing to aggregate
    .help = aggregates read fact sources (declared with `by`); use customer columns by name
wrong-argument-3 = `{ $text }` needs a column of `{ $source }`
    .label = which column?
    .help = for example { $text }({ $source }.amount)
wrong-argument-4 = `{ $text }` needs { $need }, but `{ $text2 }.{ $text3 }` is { $ty }
    .label = { $ty }
argument-count-2 = `{ $text }` takes a source and an optional time window
    .label = one too many
    .help = filter with `where` and limit time with `last`: { $text }({ $what } where ..., last 90 days)
window-without-time = `{ $name }` has no time column for a time window
    .label = needs a time column
    .also = declared without `at`
    .help = declare the time column: `source { $name } ... at <date column>`
order-without-time = `{ $text }` needs the time of each row of `{ $name }`, which has no time column
    .label = which row is the { $which }?
    .also = declared without `at`
    .help = declare the time column: `source { $name } ... at <date column>`; for the smallest or largest value use min(...) or max(...)

## src/semantic/catalogue.rs

duplicate-definition = `{ $name }` is described twice
    .label = described again
    .also = first described here
    .help = put everything about it in one `describe` line
unknown-category = `{ $text }` is not a standard category
    .label = did you mean `{ $close }`?
    .help = categories are free text, but this one looks like a misspelt standard one
invalid-value = `{ $text }` is not a colour
    .label = not a colour
unknown-subject = no rule defines `{ $name }`
    .label = nothing to describe

## src/semantic/clashes.rs

hidden-column = `{ $name }` hides the customer column `{ $name }`
    .label = the bare name `{ $name }` now means this
    .help = reach the column as `{ $name }.{ $name2 }`, or rename this definition
output-name-clash = the segmentation `{ $segmentation }` publishes `{ $column }`, the name of the customer key
    .label = its since-date column clashes with the key
    .help = rename this segmentation
output-name-clash-2 = `{ $name }` has the name of { $what }
    .label = clashes in the output table
    .help = rename this definition
output-name-clash-3 = `{ $name }` and `{ $other }` differ only in upper and lower case
    .label = this name
    .also = and this one
    .help = output columns are compared without case; rename one of them
output-name-clash-4 = sources `{ $name }` and `{ $name2 }` differ only in upper and lower case
    .label = this source
    .also = and this one
    .help = SQL compares names without case; rename one of them

## src/semantic/declare.rs

duplicate-definition-2 = the as-of date is set twice
    .label = set again here
    .also = first set here
    .help = keep one `as of` line in the rule set
duplicate-definition-3 = `{ $text }` is defined twice
    .label = defined again here
    .also = first defined here, as a { $what }
    .help = metrics, scores, params, sources, segmentations and tags share one set of names; rename one of them
segmentation-split = the rules of `{ $text }` are split across files
    .label = a rule in this file
    .also = the first rule is in { $other }
    .help = the order of a segmentation's rules matters, so keep them all in one file
duplicate-label = `{ $name }` has the label `{ $text }` twice
    .label = again here
    .also = first here
    .help = combine the two conditions with `or` in one rule
otherwise-not-last = `{ $name } { $text } otherwise` is not the last rule of `{ $name }`
    .label = always matches
    .also = so this rule can never apply
    .help = move the `otherwise` rule to the end of the segmentation
no-otherwise = `{ $name }` has no `otherwise` rule
    .label = customers matching no rule get no label
    .help = add `{ $name } <label> otherwise` as the last rule if every customer should get a label
source-shape = `{ $again }` is given twice for source `{ $text }`
    .label = given again
    .help = give each clause of a source once
source-shape-2 = source `{ $text }` has both `key` and `by`
    .label = only one of these
    .help = `key <column>` marks the customer source; `by <column>` a fact source with many rows per customer
source-shape-3 = source `{ $text }` has neither `key` nor `by`
    .label = which customer does a row belong to?
    .help = add `key customer_id` if `{ $text }` is the customer source, or `by customer_id` if it has rows per customer
source-shape-4 = source `{ $text }` would read the table `{ $table }`, and tables named seg_... are seg's own
    .label = reads a table seg writes or uses
    .help = rename the table in the database, or read the data from a file with `from "..."`
customer-source = there are two customer sources
    .label = a second source with `key`
    .also = the customer source
    .help = one source lists the customers (`key`); give the others `by <customer column>`, or, for a lookup table, a `key` that no fact source's `by` names
path-not-allowed = source `{ $name }` reads { $describe }, outside the folders seg may read
    .label = not in an allowed folder
declare = source `{ $name }` could not be read, so { $what }
    .label = reads { $location }
source-shape-5 = cannot tell the format of `{ $path }`
    .label = unknown file type
    .help = seg reads .csv, .tsv, .parquet, .json, .jsonl and .ndjson files (optionally .gz); for a table in the database write `from table <name>`
customer-source-2 = there is no customer source
    .help = declare the customers with `source customers from "customers.csv" key customer_id`
    .label = no source here has `key`
key-type-mismatch = `{ $name }.{ $by }` holds { $by_type }, but the customer key holds { $key_type }
    .label = cannot be joined to the customers
    .also = the customer source
    .help = the customer column of a fact source must have the same kind of values as the key
unknown-param = --set { $name }: the rules have no param `{ $name }`
param-value = --set { $name }={ $raw }: `{ $name }` takes { $ty }
    .label = declared here as { $ty }
unknown-source-override = --source { $name }: the rules declare no source `{ $name }`
time-column-type = { $what } `{ $text }` holds { $ty }, not dates
    .label = not a date or timestamp

## src/semantic/everyday.rs

wrong-argument-5 = `{ $text }` compares numbers, dates or text
    .label = true or false values
    .help = true/false values have no order; use `and` / `or`
argument-count-3 = `{ $text }` takes two values or more, not { $len }
    .label = { $len } given
    .help = for example { $text }(avg_spend, 0)
type-mismatch = the values of `{ $text }` must be of one kind, but `{ $text2 }` is { $ty } and `{ $text3 }` is { $ty2 }
    .label = { $ty }
    .also = { $ty }
    .help = give values of the same kind, e.g. if_missing(avg_spend, 0) for a number
wrong-argument-6 = `{ $text }` needs { $need }, but `{ $text2 }` is { $ty }
    .label = { $ty }
type-mismatch-2 = `{ $words }` tests text, but `{ $text }` is { $ty }
    .label = { $ty }
    .help = put text in quotes: email ends with "@example.com"
pattern-not-fixed = the pattern after `matches` must be fixed text
    .label = changes from customer to customer
    .help = write the pattern in quotes (or a text param): sku matches "AB-*"; to compare with another value use `=`, `contains`, `starts with` or `ends with`
ignoring-case = `ignoring case` follows a comparison of texts, not `{ $text }`
    .label = not a comparison of texts
    .help = write it after `=`, `!=`, `contains`, `starts with`, `ends with` or `matches`: segment = "vip" ignoring case
misplaced-duration = a length of time is added to a date, but `{ $text }` is { $ty }
    .label = { $ty }
    .also = a length of time
    .help = for example first_order + 30 days; for a number of days write the number alone
invalid-value-2 = this date falls outside the calendar
    .label = too far
    .help = dates run from the year 1 to the year 9999
misplaced-duration-2 = a length of time can only be added to or taken from a date
    .label = a length of time
    .help = for example first_order + { $amount } { $unit }; for recent dates use `within { $amount } { $unit }`, for a number write the number alone

## src/semantic/examples.rs

kmeans-not-here = examples cannot be computed in a rule set with the kmeans segmentation `{ $name }`
    .label = one imaginary customer has no cluster
    .also = computed from every customer of a run
    .help = test the rule set with a case instead (`tests/<case>/` with its data and snapshot, see docs/test.md)
duplicate-example = two examples are called "{ $text }"
    .label = the second
    .also = the first
    .help = give each example a name of its own: `seg test` reports them by name
duplicate-example-2 = "{ $text }" gives `{ $text2 }` twice
    .label = given again
    .also = given first
    .help = keep one of them
not-givable = `tag { $text }` gives a hand-assigned tag, but the rules read none
    .label = a hand-assigned tag
    .help = hand-assigned tags come from `tags from <source>.<column>`; a rule-made tag is expected after `expects`, not given
given-type = `{ $written }` is { $ty }, but the example gives { $ty2 }
    .label = { $ty }
not-givable-2 = an example cannot give `{ $text }`
    .label = not a value an example gives
not-givable-3 =
    .label = cannot be given
unknown-in-example = the rules use no metric, score or customer column `{ $text }`
    .label = unknown name
unknown-in-example-2 = the rules use no `{ $text }`
    .label = not a value the rules use
unknown-expected-label = `{ $text }` has no label "{ $text2 }"
    .label = no such label
unknown-in-example-3 = the rules define no { $what } `{ $text }`
    .label = no such { $what }
missing-dataset-value = example "{ $name }" needs `{ $name2 }`, which it does not give
    .label = depends on `{ $name }`
    .also = this example
    .help = an example is one customer, so values over all customers are given: add `{ $name } = <value>` before `expects`

## src/semantic/expect.rs

invalid-share = { $text }% is more than { $text2 }%
    .label = the bounds are the wrong way round
    .help = the lower bound comes first: between { $text }% and { $text2 }%
invalid-share-2 = { $text }% is not a share of the customers
    .label = not between 0% and 100%
    .help = a share is from 0% (no customer) to 100% (every customer)
expectation-outside-table = this expectation uses { $what }, which the computed table does not hold
    .label = not in the computed table
    .help = expectations are checked on the metrics, scores, labels and tags a run computes: define a metric for it and use that
not-givable-4 = `{ $text }` is a { $what }, which every customer has or lacks, never missing
    .label = never missing
    .help = `has` needs a metric, score or segmentation; for a tag write `expect no customer where ... and not <tag>`
unknown-in-example-4 = the rules define no metric, score or segmentation `{ $text }`
    .label = unknown name

## src/semantic/functions.rs

wrong-argument-7 = the digits of `round` must be a whole number
    .label = not a whole number
    .help = round(aov, 2) keeps two decimals; a number param works too
misplaced-3 = `{ $name }` can only define a score
    .label = only in `score`
    .help = define a score: `score r = { $text }`, then use `r` here
unknown-function = there is no function `{ $name }`
    .label = unknown function
wrong-argument-8 = `{ $text }` needs { $need }, but `{ $text2 }` is { $ty }
    .label = { $ty }
argument-count-4 = `{ $text }` takes { $N } { $plural }, not { $len }
    .label = { $len } given
misplaced-4 = `{ $text }` takes no `where` or time window
    .label = only aggregates filter rows
    .help = filters and time windows go inside aggregates: count(orders where ..., last 90 days)

## src/semantic/group.rs

misplaced-group = `{ $what }` cannot be computed `within { $text }`
    .label = a group after something that is not a percentile
    .help = only a score and `percentile(...)` are computed per group: percentile({ $what }, 0.9) within { $text }
group-not-per-customer = `{ $text }` is the same for every customer, so it makes no groups
    .label = not a value of each customer
    .help = group by a customer column (`within region`), a metric or a segmentation (`within tier`)
group-not-per-customer-2 = `{ $text }` holds values seg cannot group by
    .label = a list, struct or other compound value
    .help = group by a column of text, numbers, dates or true/false

## src/semantic/kmeans.rs

no-such-cluster = `{ $name }` has clusters 1 to { $k }, and no cluster { $n }
    .label = no such cluster
    .help = clusters are numbered 1 to { $k } by their centroid's first input, lowest first (see the run's summary)
kmeans-input = `{ $text }` is an input twice
    .label = cannot be used
    .help = give each input once
kmeans-input-2 = `{ $text }` is { $ty }, not a number
    .help = kmeans clusters numbers: give metrics or scores like recency, frequency, monetary
kmeans-input-3 = { $text } clusters cannot be made
    .help = give a number of clusters from 2 to { $max }
kmeans-input-4 = `{ $text }` is not an input of this kmeans
    .help = `log` names inputs to take as ln(1 + x): { $names }
kmeans-input-5 = the seed { $text } is too large
    .help = give a whole number below 18446744073709551616

## src/semantic/lookup.rs

lookup-outside-facts = `{ $text }` is a column of the lookup table `{ $name }`, read through fact rows
    .label = not one value per customer
    .help = use it in the `where` of an aggregate over a fact source with a `{ $key }` column: sum(orders.amount where { $name }.{ $text } = ...)
lookup-without-key = `{ $fact_name }` has no `{ $key }` column to look `{ $name }` up by
    .label = `{ $name }` is keyed by `{ $key }`
    .also = the lookup table
lookup-outside-facts-2 = `{ $name }` is a lookup table, one row per `{ $key }`, not rows per customer
    .label = a lookup table
    .help = read its columns through a fact source with a `{ $key }` column: count(orders where { $name }.<column> = ...)

## src/semantic/manual.rs

misplaced-5 = hand-assigned tags come from a fact source
    .label = the customer source
    .help = declare the tag table with `by <customer column>`: source crm_tags from "crm_tags.csv" by customer_id
wrong-argument-9 = tag names must be text
    .label = not text
    .help = the column should hold one tag name per row
unknown-source = there is no source `{ $text }`
    .label = unknown source
assumed-hand-tag = `{ $text }` is taken to be a hand-assigned tag of { $join }, which could not be read
    .label = assumed to be a hand-assigned tag
    .help = check again with the data in place to be sure
unknown-manual-tag = no rule makes the tag `{ $text }`, and no hand-assigned tag of that name is in the data
    .label = not a tag seg knows

## src/semantic/mod.rs

mod = source `{ $name }` has no column `{ $text }`
    .label = not a column of `{ $name }`

## src/semantic/order.rs

cycle = `{ $value }` uses itself
cycle-2 = these definitions use each other in a circle: { $path }
    .label = defined here
    .help = a definition cannot depend on itself; compute one of them from other values

## src/semantic/percentile.rs

misplaced-6 = `percentile` cannot be used inside an aggregate's `where`
    .label = a value over all customers
misplaced-7 = `percentile` cannot be nested in another `percentile`
    .label = nested
    .help = define the inner value as a metric first
invalid-value-3 = the fraction of `percentile` must be a number from 0 to 1
    .label = not between 0 and 1
    .help = percentile(monetary, 0.9) is the value 90% of customers are at or below

## src/semantic/read_options.rs

read-option-value = `{ $words }` is given twice
    .label = given again
    .also = first given here
    .help = give each read option once
    .help-2 = name its columns in order, with a type where one matters: `columns (customer_id text, ordered_at date, amount number)`
    .help-3 = give the one character between values: `delimiter ";"`, `delimiter "|"`, (a .tsv file is read with tabs already)
    .help-4 = write the format with % codes: `%d/%m/%Y` for 31/12/2024, `%Y%m%d` for 20241231, `%d.%m.%Y %H:%M` for a date and time
unsupported-encoding = seg cannot read text in the encoding `{ $written }`
    .label = the encodings seg reads are { $join }
    .help = convert the file to UTF-8 once, then drop this option: `iconv -f { $from } -t UTF-8 in.csv > out.csv`
read-option-value-2 = the column `{ $text }` is named twice
    .label = named again
    .also = first named here
    .help = name each column once
    .help-2 = give its type after its name, like `{ $text } text`; the types are { $type_words }
    .help-3 = the types are { $type_words }; ids with leading zeros are `text`
read-option-format = read options apply to CSV and TSV files, and this source reads { $describe }
    .help = remove the `with ...` options, or read the CSV file they describe
read-option-value-3 =
    .label = cannot be used

## src/semantic/resolve.rs

not-a-condition = `{ $text }` is { $ty }, not a condition
    .label = not true or false
    .help = compare it with something, e.g. `monetary > 1000` or `region = "north"`
type-mismatch-3 = { $word } needs { $need }, but `{ $text }` is { $ty }
    .label = { $ty }
wrong-argument-10 = the values after `in` must be fixed values
    .label = changes from customer to customer
    .help = list numbers, dates or texts in quotes (or params), e.g. region in ("north", "east")
type-mismatch-4 = `within` needs a date, but `{ $text }` is { $ty }
    .label = not a date
    .help = `within` asks whether a date is recent, e.g. `first_order within 30 days`
misplaced-8 = `{ $text }` is a source, not a value
    .label = a source
assumed-column = `{ $text }` is taken to be a column of `{ $name }`, which could not be read
    .label = assumed to be a customer column
wrong-argument-11 = the column `{ $text }` holds values seg cannot use in rules
    .label = a list, structure or binary column
    .help = rules work with numbers, text, dates and true/false columns
unknown-name = `{ $text }` is not defined
    .label = unknown name
misplaced-9 = the `where` of an aggregate over `{ $source_name }` cannot use `{ $text }`
    .label = one value per customer, not per row
    .help = an aggregate's `where` can use the columns of `{ $source_name }` and params; { $column_help }
misplaced-10 = `{ $text }` cannot be used here
    .label = not one value per customer
unknown-source-2 = there is no source `{ $text }`
    .label = unknown source
type-mismatch-5 = `{ $symbol }` joins conditions, but `{ $text }` is { $ty }
    .label = not a condition
    .help = each side of `and` / `or` is a comparison, like `monetary > 100`
type-mismatch-6 = `{ $symbol }` needs numbers, but `{ $text }` is { $ty }
    .label = { $ty }
type-mismatch-7 = `{ $text }` is { $ty } but `{ $text2 }` is { $ty2 }
    .label = { $ty }
    .also = { $ty }
unknown-label = `{ $name }` has no label "{ $label }"
    .label = no such label

## src/semantic/score.rs

wrong-argument-12 = a score must be `quintile(...)` or `ntile(...)`
    .label = not a score function
invalid-value-4 = `ntile` needs a number of buckets from 2 to 1000 first
    .label = the number of buckets
    .help = ntile(10, monetary) scores in deciles; the number can be a param
wrong-argument-13 = a score must be `quintile(...)` or `ntile(...)`
    .label = not a score function
argument-count-5 = `{ $text }` takes a value and an optional direction
    .label = { $len } values given
misplaced-11 = a score's value takes no `where` or time window
    .label = here
    .help = to score only some customers, add `where` after the score: score f = quintile(frequency) where frequency > 0
invalid-value-5 = `{ $text }` is not a direction
    .label = expected higher_is_better or lower_is_better

## src/semantic/window.rs

invalid-value-6 = a time window reaches back at most { $MAX_YEARS } years (to { $earliest } from the as-of date { $as_of })
    .label = too long
    .help = to count everything before the as-of date leave the window out; otherwise give at most { $MAX_YEARS } years
empty-window = this window holds no days: it starts and ends { $amount } { $unit_word } ago
    .label = an empty window
    .help = give two different distances back, e.g. `90 to 30 days ago`; for the last days up to the as-of date write `last 30 days`

## src/source.rs

unreadable-rule-set =
    .help = give a folder of .seg files (every .seg file in it is one rule set) or one .seg file, e.g. `seg check rules`

## src/syntax/mod.rs

stray-indent = this line is indented but no rule comes before it
    .label = indented
    .help = an indented line continues the rule above it; start rules at the beginning of the line
syntax = { $message }; seg reads at most { $MAX_DEPTH }
    .label = too deep
    .help = split it into metrics that build on each other, or list values with `in (...)`
invalid-text = `{ $name }` is not UTF-8 text
    .label = not UTF-8 from here
    .help = save the file as UTF-8 in your editor

## src/syntax/parse.rs

invalid-literal = this number of days is too large
    .label = too large
invalid-literal-2 = this number is too large
    .label = too large
invalid-literal-3 = `{ $pair }` is not a date in the calendar
    .label = no such date
    .help = dates are written year-month-day, like 2025-06-30
syntax-2 = `{ $word }` does not start a rule
    .label = not a rule
    .help = a rule starts with `source`, `as of`, `param`, `metric`, `score`, `tag`, `tags from`, `describe`, `example`, `expect` or a segmentation name followed by a label
syntax-3 = expected { $one_of }, found { $found_words }
    .label = expected { $first }
syntax-4 = this rule is too long or too intricate for seg to read
    .label = seg gave up reading this rule: { $why }
    .help = split it into metrics that build on each other; a list of thousands of values belongs in a data file (a column of a source)

## seg explain

severity-error = error
severity-warning = warning
explain-unknown-code = there is no diagnostic code `{ $query }`
explain-unknown-code-help = `seg explain` lists them all

## seg check, seg lint

check-checked = checked { $n } { $n ->
        [one] file
       *[other] files
    } in { $path }: { $totals }
lint-linted = linted { $n } { $n ->
        [one] file
       *[other] files
    } in { $path }: { $totals }
lint-cannot = cannot lint { $path }: the rules have errors ({ $totals })

## seg report: the page (src/report/) and what the command says (src/cli/report.rs)

report-title = Segmentation report
report-headline = run { $run } · { $customers } customers · as of { $as_of }
report-section-segmentations = Segmentations
report-section-grid = The R × F grid
report-section-tags = Tags
report-section-distributions = Distributions
report-section-history = Over time
report-section-catalogue = The catalogue
report-sizes = Customers per label
report-metric-per-label = { $metric } per label (sum)
report-no-grid = No segmentation of these rules reads two scores, so there is no grid.
report-grid-axes = { $rows } (rows, 1 at the bottom) × { $columns } (columns), segments of { $segmentation }
report-average = average { $metric }
report-grid-help = Each cell: customers and the average of the metric. The outlines are the segments, from the label the cell's customers hold; an empty cell has none.
report-tag-sizes = Customers per tag, by category
report-no-category = (no category)
report-overlaps = Customers carrying both tags (the largest tags)
report-no-tags = No customer carries a tag.
report-no-distributions = No score ranks a metric, so there is nothing to draw.
report-edges-help = Dashed: the score's bucket edges; dotted: percentiles.
report-distribution = { $metric } (score { $score })
report-sizes-per-run = Customers per label, run by run
report-one-run = Only one run has written history: movement needs two.
report-movement = Movement from run { $from } (as of { $from_as_of }) to run { $to } (as of { $to_as_of })
report-transitions = Transition matrix (rows: before, columns: after)
report-flows = Flows
report-column-kind = kind
report-column-name = name
report-column-description = description
report-column-category = category
report-column-colour = colour
report-column-rule = rule
report-column-defined-at = defined at
report-kind-label = label
report-kind-tag = tag
report-size-tip = { $name }: { $customers } customers ({ $share }%)
report-cell-tip = { $customers } customers
report-cell-tip-average = { $customers } customers, average { $average }
report-flow-tip = { $from } → { $to }: { $customers } customers
report-run-name = run { $run } ({ $as_of })
report-bin-tip = { $low } to { $high }: { $customers } customers
report-value-tip = { $name }: { $value }
report-run-tip = { $run }: { $tip }
report-cell-at = { $rows } { $row }, { $columns } { $column }: { $tip }
report-needs-db = `seg report` needs the database `seg run` wrote
    .help = pass --db <file>, the same --db as the run's
report-rules-have-errors = no report: the rules have errors
report-unknown-metric = the rules have no numeric metric `{ $metric }` to sum per label
report-no-metrics = the rules define no numeric metric; leave --metric out
report-metrics-help = --metric takes one of: { $metrics }
report-cannot-write = cannot write the report `{ $file }`: { $error }
    .help = check that the folder exists and can be written to
report-written = report: { $file } (run { $run }, as of { $as_of })
report-run-published = the run published its tables; only the report was not written

## seg why (src/cli/why.rs); `when` and `otherwise` are the rules' own words

why-needs-customer = `seg why` needs a customer, or --where CONDITION
    .help = seg why 42 rules --db seg.duckdb, or seg why --where "tier = 'A'" rules --db seg.duckdb
why-customer-and-where = `seg why` takes a customer or --where, not both (`{ $customer }`)
    .help = seg why --where CONDITION [PATH]
why-needs-db = `seg why` explains the tables a run published: it needs --db
    .help = pass --db <file>, or --as-of DATE to compute the rules afresh
why-published = as published by run { $run } (as of { $as_of })
why-fresh = computed afresh as of { $as_of } (nothing written)
why-no-customer = no customer meets the condition
why-customer = customer { $key } = { $value }
why-no-label = (no label: no rule matched)
why-kmeans = (a kmeans segmentation: its label is the customer's cluster)
why-matched = ← matched
why-earlier-matched = (holds, but an earlier rule matched)
why-bucket = (bucket { $bucket }: { $low } to { $high }; buckets { $buckets })
history-no-runs = this database has no runs yet
    .help = `seg run RULES --db FILE` runs the rules and records each run
why-no-run = the database has no published run to explain
    .help = run `seg run` first, or pass --as-of DATE to compute the rules afresh
why-cannot-trace = cannot trace on the published tables: { $reason }
    .help = pass --as-of DATE to compute the rules afresh at that date
why-unknown-customer = no customer `{ $key }` in the published `{ $table }`
    .help = customers are named by `{ $column }`, the key of `{ $source }`
    .help-2 = customers are named by `{ $column }`, the key of `{ $source }`; the closest: { $closest }
why-unknown-customer-2 = no customer `{ $key }` in `{ $source }` as of { $as_of }

## seg watch (src/cli/watch.rs, src/cli/watch/report.rs)

watch-first-run = first run
watch-rules-and-data-changed = rules and data changed
watch-rules-changed = rules changed
watch-data-changed = data changed
watch-scheduled = scheduled
watch-not-on-spark = `seg watch` runs on DuckDB only
    .help = run `seg run --engine spark` on a schedule instead (docs/spark.md)
watch-no-current-folder = cannot tell the current folder
watch-no-signals = cannot handle Ctrl-C and SIGTERM: { $error }
watch-cannot-watch = cannot watch files: { $error }
watch-watching = watching { $path } and the files it reads; Ctrl-C to stop
watch-stopped = stopped
watch-warning = warning: watching files: { $error }
watch-rules-gone = the rule set `{ $path }` is gone; the tables stay as they are, waiting for it to come back
watch-interrupted = { $trigger }: stopped before it finished; { $kept }
watch-failed = { $trigger }: not run; { $kept }
watch-not-run = { $trigger }: not run: { $why }; { $kept }
watch-kept = the tables and files of run { $run } stay as they were
watch-waiting = waiting for the next change
watch-next = next scheduled run: { $at }
watch-headline = run { $run } · { $why } · { $customers } customers · { $timing }
watch-updated-after-save = tables updated { $seconds } s after the save
watch-seconds = { $seconds } s
watch-counts = { $name }: { $counts }
watch-new = (new) { $counts }
watch-moved = moved: { $moves }
watch-removed = { $name }: (removed)
watch-tags = tags: { $tags }
watch-more = { $n } more

## seg run and the commands that share its options (src/cli/run.rs, check.rs, replay.rs, output.rs)

run-without-spark = this seg was built without Spark
    .help = build it with `cargo build --features spark` (docs/spark.md); `seg compile --dialect spark` prints the SQL in any build
run-needs-db = `{ $command }` needs a database to write to
    .help = pass --db <file>, e.g. --db seg.duckdb (it is created if missing)
dry-run-not-here = `{ $command }` publishes every run: --dry-run is for `seg run`
dry-run-no-out = --dry-run writes nothing, so it takes no --out
dry-run-one-date = --dry-run previews one run: it takes one --as-of date, not a range
dry-run-refused-help = run `seg run --dry-run` without it to preview, then run again to publish
spark-needs-remote = `seg run --engine spark` needs the Spark Connect server
    .help = pass --remote sc://host:15002 (tests/spark/start.sh starts one on 127.0.0.1)
spark-no-db = --db is DuckDB's database; with --engine spark the tables go to --schema
    .help = leave out --db, or run on DuckDB
spark-no-allow-path = --allow-path confines DuckDB; Spark reads with the cluster's own permissions
    .help = leave out --allow-path (and SEG_ALLOW_PATH) with --engine spark
spark-no-replay = replaying dates (--as-of FROM..TO) runs on DuckDB only
    .help = give one date, like --as-of 2024-06-01
spark-place = { $remote } (schema { $schema })
one-date = `seg { $command }` evaluates the rules at one date, not a range
    .help = give one date, like --as-of 2024-06-01; `seg run --as-of FROM..TO --step 1month` runs at many
replay-no-out = --out writes the tables of one run, not of a range of dates
    .help = replay the range without --out, then run the date to export once more with --out
replay-needs-step = --as-of { $from }..{ $to } needs --step: how far apart the dates are
    .help = add --step 1month (or 1day, 1week, 3months ...), as in { $example }
replay-needs-range = --step needs a range of dates to step through
    .help = give --as-of FROM..TO, as in { $example }
replay-not-run = not run as of { $date }: { $totals }
replay-stopped-first = the replay stopped at its first date, { $date }: nothing was published
replay-stopped = the replay stopped at { $date }: { $what }
replay-rolled-back = nothing was published (the { $n } { $n ->
        [one] run
       *[other] runs
    } before it, in the same transaction, rolled back with it)
replay-kept = the { $n } { $n ->
        [one] run
       *[other] runs
    } before it stay published
replay-kept-and-rolled-back = the { $kept } { $kept ->
        [one] run
       *[other] runs
    } of the batches before it stay published; the { $n } { $n ->
        [one] run
       *[other] runs
    } of its own batch rolled back with it
replay-done = replayed { $done } of { $dates } dates, as of { $first } to { $last }: runs { $first_run } to { $last_run } in { $db }, whose tables are now as of { $last }
output-cannot-write = seg: cannot write the output: { $error }
output-more = … and { $n } more (use --format json for all)

## Errors that are not about a rule (src/engine/mod.rs, EngineError; shown by src/cli/errors.rs)

engine-open = cannot open the database `{ $path }`: { $message }
engine-locked = the database `{ $path }` is in use by another process (waited { $waited } s for it)
    .help = DuckDB lets one process open a database file at a time; wait for the other `seg run` (or close the other program) and try again, or wait longer with --wait SECONDS
engine-query = { $what } failed: { $message }
engine-out-of-memory = { $what } ran out of memory: { $message }
    .help = give the run more memory with --memory-limit (e.g. --memory-limit 8GB), or fewer threads with --threads 1 (each thread holds its own buffers)
engine-duplicate-keys = the customer key `{ $key }` of `{ $source }` is not unique: { $count } keys appear more than once (for example { $examples })
    .help = every customer must appear once in the customer source; remove the duplicates or choose another `key` column
engine-duplicate-lookup-keys = the key `{ $key }` of the lookup table `{ $source }` is not unique: { $examples } appear more than once
    .help = a lookup table lists each key once, or a fact row would count once per copy; remove the duplicates from `{ $source }`
engine-missing-keys = { $count } rows of `{ $source }` have no customer key `{ $key }`
    .help = every customer needs a key; fill in or remove the rows without one
engine-expectations-failed = { $count } of the rules' expectations failed; nothing was published
    .help = the previous tables are unchanged; without --strict the run publishes and warns
engine-connect = cannot reach Spark Connect at `{ $remote }`: { $message }
    .help = start a Spark Connect server (tests/spark/start.sh starts one on 127.0.0.1:15002) or pass the cluster's address, --remote sc://host:15002
engine-not-on-spark = { $what } is not supported on Spark yet
    .help = run on DuckDB (the default engine) for this, or leave it out; docs/spark.md lists what Spark runs
engine-not-utf8 = `{ $file }` is not UTF-8 text, so seg cannot read it (a GBK or GB18030 export, or Latin-1?): convert it once with `iconv -f GBK -t UTF-8 { $file } > { $converted }` and read the converted file, or declare `with encoding "latin-1"` (or "utf-16") if it is in one of those
    .help = seg reads text files as UTF-8 (and, with `encoding`, UTF-16 and Latin-1); `file -i <file>` tells which encoding a file is in
engine-resources = DuckDB refused the memory limit, threads or temporary folder: { $message }
    .help = --memory-limit takes a size such as 4GB or 512MiB, --threads a number of threads
engine-write = cannot write `{ $path }`: { $message }
engine-allow-path = --allow-path `{ $path }`: { $message }
    .help = --allow-path names an existing folder that sources may be read from
engine-sandbox = cannot lock the database down: { $message }
engine-interrupted = the run was stopped before it finished: nothing of it was published
    .help = the tables of the previous run stay as they were

## Parts of help lines

did-you-mean = did you mean `{ $name }`?
did-you-mean-label = did you mean "{ $label }"?
help-defined = defined: { $names }
help-customer-columns = customer columns: { $names }
help-hand-tags = hand-assigned tags: { $names }
help-fact-sources = the fact sources are { $names }
help-labels = the labels of `{ $name }` are { $names }
help-columns = the columns are { $names }
help-functions = the functions are { $names }
list-separator = ,{" "}
list-and = { $first } and { $last }
list-more = { $shown } and { $rest } more
list-none = none

## The kinds of values, as messages name them

type-number = a number
type-text = text
type-date = a date
type-bool = true or false
type-unsupported = a value seg cannot use
type-unknown = unknown
