//! How deeply a statement nests, found by a cheap scan of its text before
//! pest sees it.
//!
//! pest's grammar recurses once per parenthesis (groups, calls, `in` lists)
//! and its Pratt parser once per prefix operator whose operand is still open:
//! `not a = not b = not c` nests three `not`s, since `not` binds looser than
//! `=`. A line of 100,000 `not`s would overflow any stack before a tree
//! exists to measure, so the depth that decides is counted here, on the text:
//! each open parenthesis is one level, each prefix `not` or `-` one more
//! until the `and`, `or` or `,` that ends its operand at that level. This
//! never counts less than the parser recurses (it may count more: `-a * -b`
//! counts both negations).

/// The deepest point of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nesting {
    /// The largest number of levels open at once.
    pub deepest: usize,
    /// The byte range (in the statement) of the token that first went past
    /// the limit given to [`scan`], if one did.
    pub too_deep_at: Option<(usize, usize)>,
}

/// One parenthesis level: the prefix operators open in it.
#[derive(Default)]
struct Level {
    prefixes: usize,
    /// After `between`, the next `and` belongs to it and ends no operand.
    between: bool,
}

/// Scans a statement's text; strings and comments are skipped.
pub fn scan(text: &str, limit: usize) -> Nesting {
    let mut scanner = Scanner {
        levels: vec![Level::default()],
        open: 1,
        expect_operand: true,
        nesting: Nesting {
            deepest: 1,
            too_deep_at: None,
        },
        limit,
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        i = match bytes[i] {
            b'"' | b'\'' => skip_string(bytes, i),
            b'#' => skip_line(bytes, i),
            b'(' => {
                scanner.open_level(start);
                i + 1
            }
            b')' => {
                scanner.close_level();
                i + 1
            }
            b',' => {
                scanner.end_operands();
                scanner.expect_operand = true;
                i + 1
            }
            b'-' if scanner.expect_operand => {
                scanner.prefix(start, start + 1);
                i + 1
            }
            c if c.is_ascii_whitespace() => i + 1,
            c if is_word_byte(c) => {
                let end = word_end(bytes, i);
                scanner.word(&text[start..end], start, end);
                end
            }
            _ => {
                // `=`, `<`, `+`, `.` and the like: an operand follows.
                scanner.expect_operand = true;
                i + 1
            }
        };
    }
    scanner.nesting
}

struct Scanner {
    levels: Vec<Level>,
    /// Levels open now: the parentheses plus the prefixes in each.
    open: usize,
    expect_operand: bool,
    nesting: Nesting,
    limit: usize,
}

impl Scanner {
    fn deeper(&mut self, start: usize, end: usize) {
        self.open += 1;
        self.nesting.deepest = self.nesting.deepest.max(self.open);
        if self.open > self.limit && self.nesting.too_deep_at.is_none() {
            self.nesting.too_deep_at = Some((start, end));
        }
    }

    fn open_level(&mut self, at: usize) {
        self.levels.push(Level::default());
        self.deeper(at, at + 1);
        self.expect_operand = true;
    }

    fn close_level(&mut self) {
        // An unbalanced `)` is pest's to report; the scan just goes on.
        if self.levels.len() > 1 {
            self.end_operands();
            self.levels.pop();
            self.open -= 1;
        }
        self.expect_operand = false;
    }

    fn prefix(&mut self, start: usize, end: usize) {
        self.levels.last_mut().expect("a level").prefixes += 1;
        self.deeper(start, end);
        self.expect_operand = true;
    }

    /// `and`, `or` and `,` end every prefix's operand in this level.
    fn end_operands(&mut self) {
        let level = self.levels.last_mut().expect("a level");
        self.open -= level.prefixes;
        level.prefixes = 0;
    }

    fn word(&mut self, word: &str, start: usize, end: usize) {
        match word {
            "not" if self.expect_operand => self.prefix(start, end),
            // `is not missing`, `x not in (...)`: not a prefix.
            "not" | "is" => self.expect_operand = false,
            "between" => {
                self.levels.last_mut().expect("a level").between = true;
                self.expect_operand = true;
            }
            "and" | "or" => {
                let level = self.levels.last_mut().expect("a level");
                if word == "and" && level.between {
                    level.between = false;
                } else {
                    self.end_operands();
                }
                self.expect_operand = true;
            }
            "in" | "when" | "where" | "within" | "last" => self.expect_operand = true,
            _ => self.expect_operand = false,
        }
    }
}

/// Letters, digits, `_` and every byte of a non-ASCII character (names may
/// be in any script).
fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

fn word_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    // A number's `.` is part of it: `1.5` is one word.
    let number = bytes[start].is_ascii_digit();
    while i < bytes.len() && (is_word_byte(bytes[i]) || number && bytes[i] == b'.') {
        i += 1;
    }
    i
}

/// Past a string: to its closing quote, or the end of its line (a string
/// ends on its line; pest reports the missing quote).
fn skip_string(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'\n' => return i,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

fn skip_line(bytes: &[u8], start: usize) -> usize {
    bytes[start..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(bytes.len(), |n| start + n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deepest(text: &str) -> usize {
        scan(text, usize::MAX).deepest
    }

    #[test]
    fn parentheses_and_prefixes_count_one_level_each() {
        assert_eq!(deepest("metric m = 1"), 1);
        assert_eq!(deepest("metric m = ((1))"), 3);
        assert_eq!(deepest("tag t when not not x"), 3);
        assert_eq!(deepest("metric m = - - -1"), 4);
        assert_eq!(deepest("metric m = f(g(h(1)))"), 4);
    }

    #[test]
    fn a_prefix_stays_open_until_and_or_or_ends_its_operand() {
        // `not` binds looser than `=`: the three nest.
        assert_eq!(deepest("tag t when not a = not b = not c"), 4);
        assert_eq!(deepest("tag t when not a and not b or not c"), 2);
        assert_eq!(deepest("tag t when f(not a, not b)"), 3);
        // The `and` of `between` ends nothing.
        assert_eq!(
            deepest("tag t when not a between 1 and 2 = not b between 1 and 2"),
            3
        );
    }

    #[test]
    fn words_that_are_not_prefixes_count_nothing() {
        assert_eq!(
            deepest("tag t when x is not missing and y not in (1, 2)"),
            2
        );
        assert_eq!(deepest("metric m = a - b - 2025-01-01"), 1);
        assert_eq!(deepest("tag t when x = \"((( not\" # ((( not"), 1);
        assert_eq!(deepest("tag t when x = 'it\\'s (' and notable"), 1);
    }

    #[test]
    fn the_first_token_past_the_limit_is_pointed_at() {
        let text = "tag t when not not not x";
        let nesting = scan(text, 3);
        let (start, end) = nesting.too_deep_at.unwrap();
        assert_eq!(&text[start..end], "not");
        assert_eq!(start, 19);
        assert_eq!(scan(text, 4).too_deep_at, None);
    }

    #[test]
    fn absurd_input_is_scanned_in_one_pass() {
        let text = format!("tag t when {}x", "not ".repeat(200_000));
        assert_eq!(deepest(&text), 200_001);
        let text = format!("metric m = {}1{}", "(".repeat(100_000), ")".repeat(100_000));
        assert_eq!(deepest(&text), 100_001);
    }
}
