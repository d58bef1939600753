//! The protocol's positions (a line and a column in UTF-16 code units) and
//! seg's byte offsets, converted in this one place.
//!
//! A character outside the Basic Multilingual Plane (an emoji) is two
//! UTF-16 units and four UTF-8 bytes; a Chinese character is one unit and
//! three bytes. A column that falls inside a character, or past the end of
//! its line, is moved to the nearest boundary before it, never trusted.

use lsp_types::{Position, Range};

/// The position of a byte offset in `text` (an offset inside a character
/// counts as that character's start).
pub fn position(text: &str, offset: usize) -> Position {
    let offset = floor_boundary(text, offset.min(text.len()));
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..line_start].matches('\n').count();
    let character: usize = text[line_start..offset].chars().map(char::len_utf16).sum();
    Position::new(line as u32, character as u32)
}

/// The byte offset of a position in `text`: the end of the line for a
/// column past it, the end of the text for a line past the last.
pub fn offset(text: &str, position: Position) -> usize {
    let mut line_start = 0;
    for _ in 0..position.line {
        match text[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let mut units = 0;
    for (i, c) in text[line_start..line_end].char_indices() {
        units += c.len_utf16() as u32;
        if units > position.character {
            return line_start + i;
        }
    }
    line_end
}

/// The range a byte range covers.
pub fn range(text: &str, bytes: std::ops::Range<usize>) -> Range {
    Range::new(position(text, bytes.start), position(text, bytes.end))
}

/// Positions of increasing offsets in one pass over the text (highlighting
/// a long file asks for thousands).
pub struct Walker<'a> {
    text: &'a str,
    offset: usize,
    at: Position,
}

impl<'a> Walker<'a> {
    pub fn new(text: &'a str) -> Self {
        Walker {
            text,
            offset: 0,
            at: Position::new(0, 0),
        }
    }

    /// The position of `offset`, which must not be before the last one.
    pub fn to(&mut self, offset: usize) -> Position {
        let offset = floor_boundary(self.text, offset.min(self.text.len()));
        for c in self.text[self.offset.min(offset)..offset].chars() {
            if c == '\n' {
                self.at = Position::new(self.at.line + 1, 0);
            } else {
                self.at.character += c.len_utf16() as u32;
            }
        }
        self.offset = self.offset.max(offset);
        self.at
    }
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    // `tier "高价值" when name = "🎉x"`: 高 and 价 and 值 are 3 bytes and 1
    // unit each, 🎉 is 4 bytes and 2 units.
    const LINE: &str = "metric a = 1\ntier \"高价值\" when name = \"🎉x\"\n";

    #[test]
    fn chinese_and_emoji_count_in_utf16_units() {
        let x = LINE.find('x').unwrap();
        // Line 1: `tier "` is 6 units, 高价值 3, `" when name = "` 15, 🎉 2.
        assert_eq!(position(LINE, x), Position::new(1, 6 + 3 + 15 + 2));
        assert_eq!(offset(LINE, Position::new(1, 26)), x);
        let when = LINE.find("when").unwrap();
        assert_eq!(position(LINE, when), Position::new(1, 11));
        assert_eq!(offset(LINE, Position::new(1, 11)), when);
    }

    #[test]
    fn every_boundary_goes_there_and_back() {
        for (i, _) in LINE.char_indices() {
            assert_eq!(offset(LINE, position(LINE, i)), i, "at byte {i}");
        }
        assert_eq!(offset(LINE, position(LINE, LINE.len())), LINE.len());
    }

    #[test]
    fn a_walker_agrees_with_position() {
        let mut walker = Walker::new(LINE);
        for (i, _) in LINE.char_indices() {
            assert_eq!(walker.to(i), position(LINE, i), "at byte {i}");
        }
    }

    #[test]
    fn columns_inside_a_character_or_past_a_line_are_clamped() {
        let emoji = LINE.find('🎉').unwrap();
        // Column 25 is the second half of the emoji's surrogate pair.
        assert_eq!(offset(LINE, Position::new(1, 24)), emoji);
        assert_eq!(offset(LINE, Position::new(1, 25)), emoji);
        assert_eq!(position(LINE, emoji + 2), position(LINE, emoji));
        let line_end = LINE.len() - 1;
        assert_eq!(offset(LINE, Position::new(1, 500)), line_end);
        assert_eq!(offset(LINE, Position::new(9, 0)), LINE.len());
        assert_eq!(offset(LINE, Position::new(0, 99)), LINE.find('\n').unwrap());
    }
}
