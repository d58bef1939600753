//! Splits a file into statements before parsing, so that each statement is
//! parsed on its own and one broken line never hides the errors of the next.
//!
//! A statement starts on a line that begins with something other than
//! whitespace or `#`; indented lines continue it. Blank and comment-only
//! lines belong to no statement.

/// A statement's byte range in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk {
    pub start: usize,
    pub end: usize,
    /// The statement began on an indented line with no statement above it.
    pub stray_indent: bool,
}

pub fn split(text: &str) -> Vec<Chunk> {
    let mut chunks: Vec<Chunk> = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let end = start + content.len();
        let indented = trimmed.len() != content.len();
        match chunks.last_mut() {
            Some(chunk) if indented => chunk.end = end,
            _ => chunks.push(Chunk {
                start: if indented { end - trimmed.len() } else { start },
                end,
                stray_indent: indented,
            }),
        }
    }
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<&str> {
        split(src).iter().map(|c| &src[c.start..c.end]).collect()
    }

    #[test]
    fn indented_lines_continue_and_comments_separate() {
        let src = "# header\ntier A when a > 1\n    and b > 2\n\n# note\ntier B otherwise\r\n";
        assert_eq!(
            texts(src),
            ["tier A when a > 1\n    and b > 2", "tier B otherwise"]
        );
    }

    #[test]
    fn an_indented_first_line_is_flagged() {
        let src = "  tag x when y\ntag z when w";
        let chunks = split(src);
        assert!(chunks[0].stray_indent);
        assert_eq!(&src[chunks[0].start..chunks[0].end], "tag x when y");
        assert!(!chunks[1].stray_indent);
    }

    #[test]
    fn comment_lines_inside_a_statement_are_kept_in_it() {
        let src = "metric a = 1 +\n  # why\n  2\n";
        assert_eq!(texts(src), ["metric a = 1 +\n  # why\n  2"]);
    }
}
