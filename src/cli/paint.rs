//! Colours on stdout: a label's colour from its `describe` line, only when
//! stdout is a terminal that shows colour and `NO_COLOR` is unset
//! (`CLICOLOR_FORCE=1` forces it, for a pipe into `less -R`).

use anstyle::{Ansi256Color, AnsiColor, Color, RgbColor, Style};

/// How much colour stdout shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paint {
    Plain,
    /// The eight basic colours.
    Basic,
    /// The 256-colour palette.
    Palette,
    /// 24-bit colour.
    Full,
}

impl Paint {
    /// What stdout shows: `NO_COLOR` wins over everything, then
    /// `CLICOLOR_FORCE`; else what the terminal says of itself.
    pub fn stdout() -> Paint {
        if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            return Paint::Plain;
        }
        match supports_color::on(supports_color::Stream::Stdout) {
            Some(level) if level.has_16m => Paint::Full,
            Some(level) if level.has_256 => Paint::Palette,
            Some(_) => Paint::Basic,
            None => Paint::Plain,
        }
    }

    /// `text` in `colour` (`"#e4572e"`, `"#abc"` or a colour's name), or as
    /// it is when there is no colour to show.
    pub fn paint(self, colour: Option<&str>, text: &str) -> String {
        let Some(colour) = colour.and_then(|c| self.colour(c)) else {
            return text.to_string();
        };
        if text.is_empty() {
            return String::new();
        }
        let style = Style::new().fg_color(Some(colour));
        format!("{}{text}{}", style.render(), style.render_reset())
    }

    fn colour(self, written: &str) -> Option<Color> {
        let (r, g, b) = rgb(written)?;
        match self {
            Paint::Plain => None,
            Paint::Full => Some(RgbColor(r, g, b).into()),
            Paint::Palette => Some(Ansi256Color(palette(r, g, b)).into()),
            Paint::Basic => Some(named(written).unwrap_or_else(|| nearest(r, g, b)).into()),
        }
    }
}

/// The colours `describe` accepts by name (see `semantic/catalogue.rs`),
/// as the hex colours the charts of most tools use for them.
const NAMES: &[(&str, (u8, u8, u8), AnsiColor)] = &[
    ("red", (0xd6, 0x27, 0x28), AnsiColor::Red),
    ("orange", (0xff, 0x7f, 0x0e), AnsiColor::BrightYellow),
    ("yellow", (0xe5, 0xc2, 0x1b), AnsiColor::Yellow),
    ("green", (0x2c, 0xa0, 0x2c), AnsiColor::Green),
    ("teal", (0x17, 0xbe, 0xcf), AnsiColor::Cyan),
    ("blue", (0x1f, 0x77, 0xb4), AnsiColor::Blue),
    ("purple", (0x94, 0x67, 0xbd), AnsiColor::Magenta),
    ("pink", (0xe3, 0x77, 0xc2), AnsiColor::BrightMagenta),
    ("brown", (0x8c, 0x56, 0x4b), AnsiColor::Red),
    ("grey", (0x7f, 0x7f, 0x7f), AnsiColor::BrightBlack),
    ("gray", (0x7f, 0x7f, 0x7f), AnsiColor::BrightBlack),
    ("black", (0, 0, 0), AnsiColor::Black),
    ("white", (0xff, 0xff, 0xff), AnsiColor::White),
];

fn named(written: &str) -> Option<AnsiColor> {
    NAMES
        .iter()
        .find(|(n, _, _)| n.eq_ignore_ascii_case(written))
        .map(|(_, _, a)| *a)
}

/// `#rrggbb`, `#rgb` or a name, as red, green and blue.
fn rgb(written: &str) -> Option<(u8, u8, u8)> {
    if let Some((_, rgb, _)) = NAMES
        .iter()
        .find(|(n, _, _)| n.eq_ignore_ascii_case(written))
    {
        return Some(*rgb);
    }
    let hex = written.strip_prefix('#')?;
    let digit = |i: usize, n: usize| u8::from_str_radix(hex.get(i..i + n)?, 16).ok();
    match hex.len() {
        6 => Some((digit(0, 2)?, digit(2, 2)?, digit(4, 2)?)),
        3 => Some((digit(0, 1)? * 17, digit(1, 1)? * 17, digit(2, 1)? * 17)),
        _ => None,
    }
}

/// The nearest colour of the 6×6×6 cube of the 256-colour palette.
fn palette(r: u8, g: u8, b: u8) -> u8 {
    let level = |v: u8| ((u16::from(v) * 5 + 127) / 255) as u8;
    16 + 36 * level(r) + 6 * level(g) + level(b)
}

/// The nearest of the eight basic colours (as xterm draws them).
fn nearest(r: u8, g: u8, b: u8) -> AnsiColor {
    const BASIC: [((i32, i32, i32), AnsiColor); 8] = [
        ((0, 0, 0), AnsiColor::Black),
        ((205, 0, 0), AnsiColor::Red),
        ((0, 205, 0), AnsiColor::Green),
        ((205, 205, 0), AnsiColor::Yellow),
        ((0, 0, 238), AnsiColor::Blue),
        ((205, 0, 205), AnsiColor::Magenta),
        ((0, 205, 205), AnsiColor::Cyan),
        ((229, 229, 229), AnsiColor::White),
    ];
    let (r, g, b) = (i32::from(r), i32::from(g), i32::from(b));
    BASIC
        .iter()
        .min_by_key(|((cr, cg, cb), _)| (r - cr).pow(2) + (g - cg).pow(2) + (b - cb).pow(2))
        .map_or(AnsiColor::White, |(_, a)| *a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_by_what_the_terminal_shows() {
        assert_eq!(Paint::Plain.paint(Some("#2ca02c"), "A"), "A");
        assert_eq!(Paint::Basic.paint(Some("#2ca02c"), "A"), "\x1b[32mA\x1b[0m");
        assert_eq!(Paint::Basic.paint(Some("blue"), "A"), "\x1b[34mA\x1b[0m");
        assert_eq!(
            Paint::Full.paint(Some("#abc"), "A"),
            "\x1b[38;2;170;187;204mA\x1b[0m"
        );
        assert_eq!(
            Paint::Palette.paint(Some("#ff0000"), "A"),
            "\x1b[38;5;196mA\x1b[0m"
        );
        assert_eq!(Paint::Full.paint(None, "A"), "A");
        assert_eq!(Paint::Full.paint(Some("not a colour"), "A"), "A");
    }
}
