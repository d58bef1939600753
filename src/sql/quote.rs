//! The audited quoting functions. Every identifier and every text literal
//! that reaches generated SQL passes through here, so no name, label, path
//! or value written in a rule file can end a string or a name early.

/// A quoted identifier: `"name"`, with `"` doubled.
pub fn identifier(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    out.push('"');
    for c in name.chars() {
        match c {
            '"' => out.push_str("\"\""),
            // NUL cannot appear in SQL text; nothing a user writes needs it.
            '\0' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A text literal: `'text'`, with `'` doubled. SQL standard strings have no
/// backslash escapes, so a backslash is just a backslash.
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        match c {
            '\'' => out.push_str("''"),
            '\0' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A `--` comment line's text: anything after `--` up to the line end is
/// ignored by SQL, so only line breaks need to go.
pub fn comment(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_cannot_be_broken_out_of() {
        assert_eq!(identifier("tier"), "\"tier\"");
        assert_eq!(
            identifier("a\"; DROP TABLE x; --"),
            "\"a\"\"; DROP TABLE x; --\""
        );
        assert_eq!(identifier("高价值客户"), "\"高价值客户\"");
        assert_eq!(identifier("a\0b"), "\"a\u{FFFD}b\"");
    }

    #[test]
    fn strings_cannot_be_broken_out_of() {
        assert_eq!(string("paid"), "'paid'");
        assert_eq!(string("Can't Lose Them"), "'Can''t Lose Them'");
        assert_eq!(string("x'); DROP TABLE t; --"), "'x''); DROP TABLE t; --'");
        assert_eq!(string("back\\slash"), "'back\\slash'");
    }

    #[test]
    fn comments_stay_on_one_line() {
        assert_eq!(comment("a\nDROP TABLE x"), "a DROP TABLE x");
    }
}
