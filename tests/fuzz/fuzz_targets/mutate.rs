//! A mutator that knows the words of the rule language.
//!
//! libFuzzer's own byte flips rarely keep a rule file parseable, so most of
//! the time an input is changed token by token instead: a word, number,
//! string or operator is replaced, inserted, deleted or copied elsewhere, or
//! a whole statement from a small set of templates is added. Names are
//! taken from the input itself as often as from the vocabulary, so rules
//! keep referring to each other. One time in five the byte-level mutator
//! runs, to reach what no template foresaw (broken UTF-8, odd whitespace).

/// Symbols and other words of the language, and the names of the fuzz
/// catalog; the language's own words and functions come from seg
/// ([`seg::syntax::WORDS`], [`seg::semantic::FUNCTIONS`]).
const VOCABULARY: &[&str] = &[
    "=",
    "==",
    "!=",
    "<>",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "(",
    ")",
    ",",
    ".",
    "\n",
    "\n  ",
    "#",
    "lower_is_better",
    // units
    "days",
    "day",
    "weeks",
    "months",
    "years",
    // sources and columns of the fuzz catalog
    "customers",
    "orders",
    "customer_id",
    "region",
    "signup_date",
    "income",
    "is_vip",
    "order_id",
    "ordered_at",
    "amount",
    "status",
    "channel",
    "category",
    "orders.amount",
    "orders.status",
    "orders.ordered_at",
    "customers.csv",
    "orders.csv",
    // literals
    "0",
    "1",
    "-1",
    "0.5",
    "90",
    "5000",
    "2025-06-30",
    "2025-02-30",
    "99999999999999999999",
    "\"paid\"",
    "\"north\"",
    "'A+'",
    "\"\"",
    "\"#e4572e\"",
    "高价值",
    "tier",
    "A",
    "B",
    "C",
];

/// Every word the mutator may insert.
fn vocabulary() -> &'static [&'static str] {
    static ALL: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let words = seg::syntax::WORDS.iter().chain(seg::semantic::FUNCTIONS);
        words.chain(VOCABULARY).copied().collect()
    })
}

/// Whole statements, for inserting.
const TEMPLATES: &[&str] = &[
    "source customers from \"customers.csv\" key customer_id",
    "source orders from \"orders.csv\" by customer_id at ordered_at",
    "as of 2025-06-30",
    "param vip = 5000",
    "metric monetary = sum(orders.amount where status = \"paid\", last 90 days)",
    "metric frequency = count(orders)",
    "metric recency = days_since(max(orders.ordered_at))",
    "score r = quintile(recency, lower_is_better) where frequency > 0",
    "tag big when monetary >= percentile(monetary, 0.9)",
    "tag north when region in (\"north\", \"east\") and not is_vip",
    "tier A when monetary > vip",
    "tier B when frequency between 2 and 5",
    "tier C otherwise",
    "describe tag big as \"Top spenders\", category value, colour \"#e4572e\"",
    "describe tier A as \"Best\"",
];

/// A small, seeded random number generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Splits text into tokens: words, strings, runs of whitespace, symbols.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let len = if c.is_alphanumeric() || c == '_' {
            rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                .unwrap_or(rest.len())
        } else if c == '"' || c == '\'' {
            rest[1..]
                .find([c, '\n'])
                .map_or(rest.len(), |i| i + 2)
                .min(rest.len())
        } else if c.is_whitespace() {
            rest.find(|c: char| !c.is_whitespace())
                .unwrap_or(rest.len())
        } else {
            c.len_utf8()
        };
        let len = (1..=len)
            .rev()
            .find(|&l| rest.is_char_boundary(l))
            .unwrap_or(rest.len());
        out.push(&rest[..len]);
        rest = &rest[len..];
    }
    out
}

pub fn mutate(data: &mut [u8], size: usize, max_size: usize, seed: u32) -> usize {
    let mut rng = Rng(u64::from(seed).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    if rng.below(5) == 0 {
        return libfuzzer_sys::fuzzer_mutate(data, size, max_size);
    }
    let text = String::from_utf8_lossy(&data[..size]).into_owned();
    let toks = tokens(&text);
    let mut out: Vec<String> = toks.iter().map(|t| t.to_string()).collect();
    let names: Vec<&str> = toks
        .iter()
        .copied()
        .filter(|t| t.chars().next().is_some_and(char::is_alphabetic))
        .collect();
    let word = |rng: &mut Rng| -> String {
        if !names.is_empty() && rng.below(3) == 0 {
            names[rng.below(names.len())].to_string()
        } else {
            vocabulary()[rng.below(vocabulary().len())].to_string()
        }
    };
    for _ in 0..=rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(6) {
            0 if at < out.len() => out[at] = word(&mut rng),
            1 => {
                let w = word(&mut rng);
                out.insert(at, format!(" {w} "));
            }
            2 if at < out.len() => {
                out.remove(at);
            }
            3 if !out.is_empty() => {
                // Copies a run of tokens elsewhere: nests and repeats.
                let from = rng.below(out.len());
                let len = 1 + rng.below(8.min(out.len() - from));
                let run: Vec<String> = out[from..from + len].to_vec();
                let to = rng.below(out.len() + 1);
                out.splice(to..to, run);
            }
            4 => {
                let line = TEMPLATES[rng.below(TEMPLATES.len())];
                out.insert(at, format!("\n{line}\n"));
            }
            _ => {
                // Wraps a token in parentheses or a prefix operator.
                if at < out.len() {
                    let wrapped = match rng.below(3) {
                        0 => format!("({})", out[at]),
                        1 => format!("not {}", out[at]),
                        _ => format!("-{}", out[at]),
                    };
                    out[at] = wrapped;
                }
            }
        }
    }
    let mutated = out.concat();
    if mutated.is_empty() || mutated.len() > max_size {
        return libfuzzer_sys::fuzzer_mutate(data, size, max_size);
    }
    data[..mutated.len()].copy_from_slice(mutated.as_bytes());
    mutated.len()
}

#[cfg(test)]
mod tests {
    use super::tokens;

    #[test]
    fn tokens_cover_the_text() {
        let text = "metric m = sum(orders.amount where s = \"a b\") # c\n";
        assert_eq!(tokens(text).concat(), text);
    }
}
