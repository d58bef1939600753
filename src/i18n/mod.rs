//! What seg says, in the user's language: one Fluent catalogue per
//! language (`src/i18n/en.ftl`, `src/i18n/zh.ftl`, compiled in), and the
//! lookup.
//!
//! The language is a property of the process, set once by the command
//! line (`--lang`, else `LC_ALL`, `LC_MESSAGES`, `LANG`) before anything is
//! checked; it is English until then, so the language server, the tests
//! and every other caller of the library get English without doing
//! anything. Texts are resolved where they are made ([`tr!`]): a
//! diagnostic stays plain strings, and every renderer, the JSON output and
//! the language server read it as before.
//!
//! A message that one catalogue lacks is a test failure
//! (`tests/it/i18n.rs`); at run time it falls back to English, and an id
//! no catalogue has reads as the id itself.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// A language seg speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// `en`, `zh`, or a locale like `zh_CN.UTF-8`, `zh-Hans`, `en_US`.
    pub fn parse(text: &str) -> Option<Lang> {
        let language = text
            .split(['_', '-', '.', '@'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match language.as_str() {
            "zh" => Some(Lang::Zh),
            "en" | "c" | "posix" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language of the environment, as `gettext` looks for it: the
    /// first of `LC_ALL`, `LC_MESSAGES`, `LANG` that is set and not empty.
    /// Chinese for a `zh` locale, English for anything else.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|name| var(name).filter(|v| !v.is_empty()))
            .and_then(|v| Lang::parse(&v))
            .unwrap_or(Lang::En)
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The catalogue's text.
    pub fn source(self) -> &'static str {
        match self {
            Lang::En => include_str!("en.ftl"),
            Lang::Zh => include_str!("zh.ftl"),
        }
    }
}

static CURRENT: AtomicU8 = AtomicU8::new(0);

/// Sets the language of everything seg says from now on. The command line
/// calls it once, first.
pub fn set(lang: Lang) {
    CURRENT.store(lang as u8, Ordering::Relaxed);
}

pub fn current() -> Lang {
    match CURRENT.load(Ordering::Relaxed) {
        1 => Lang::Zh,
        _ => Lang::En,
    }
}

/// A value a message is given: text as it is, or a number (which a
/// message can choose a plural form by).
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Number(f64),
}

impl From<&str> for Arg {
    fn from(v: &str) -> Arg {
        Arg::Text(v.to_string())
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Arg {
        Arg::Text(v)
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Arg {
        Arg::Text(v.clone())
    }
}
macro_rules! numbers {
    ($($t:ty),*) => { $( impl From<$t> for Arg {
        fn from(v: $t) -> Arg { Arg::Number(v as f64) }
    } )* };
}
numbers!(i32, i64, u32, u64, usize, f64);

/// The text of message `id` (`name` or `name.attribute`) in the current
/// language.
pub fn text(id: &str, args: &[(&str, Arg)]) -> String {
    text_in(current(), id, args)
}

/// The text of message `id` in `lang`, falling back to English.
pub fn text_in(lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
    format(lang, id, args)
        .or_else(|| format(Lang::En, id, args))
        .unwrap_or_else(|| id.to_string())
}

fn format(lang: Lang, id: &str, args: &[(&str, Arg)]) -> Option<String> {
    let bundle = bundle(lang);
    let (name, attribute) = match id.split_once('.') {
        Some((n, a)) => (n, Some(a)),
        None => (id, None),
    };
    let message = bundle.get_message(name)?;
    let pattern = match attribute {
        Some(a) => message.get_attribute(a)?.value(),
        None => message.value()?,
    };
    let mut fluent_args = FluentArgs::new();
    for (key, value) in args {
        let value = match value {
            Arg::Text(t) => FluentValue::from(t.as_str()),
            Arg::Number(n) => FluentValue::from(*n),
        };
        fluent_args.set(*key, value);
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
    Some(text.into_owned())
}

fn bundle(lang: Lang) -> &'static FluentBundle<FluentResource> {
    static BUNDLES: [OnceLock<FluentBundle<FluentResource>>; 2] =
        [OnceLock::new(), OnceLock::new()];
    BUNDLES[lang as usize].get_or_init(|| {
        let resource = FluentResource::try_new(lang.source().to_string())
            .unwrap_or_else(|(resource, _)| resource);
        let id = lang.code().parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // Fluent wraps every argument in Unicode isolation marks for
        // right-to-left scripts; seg speaks none, and the marks would sit
        // invisibly inside names a user copies.
        bundle.set_use_isolating(false);
        let _ = bundle.add_resource(resource);
        bundle
    })
}

/// A diagnostic code's summary and explanation in `lang`, from that
/// language's `codes.<lang>.md` (`## E101`, the summary line, a blank
/// line, the explanation). `None` for English, whose texts are the
/// catalogue of codes itself (`diagnostic/codes.rs`), and for a code not
/// translated yet.
pub fn code_doc(lang: Lang, code: &str) -> Option<(&'static str, &'static str)> {
    let text = match lang {
        Lang::En => return None,
        Lang::Zh => include_str!("codes.zh.md"),
    };
    code_docs(text)
        .into_iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, s, e)| (s, e))
}

/// Every section of a `codes.<lang>.md`: (code, summary, explanation).
pub fn code_docs(text: &'static str) -> Vec<(&'static str, &'static str, &'static str)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("## ") {
        let section = &rest[start + 3..];
        let end = section.find("\n## ").map_or(section.len(), |e| e + 1);
        let (body, next) = section.split_at(end);
        let (code, body) = body.split_once('\n').unwrap_or((body, ""));
        let (summary, explanation) = body.split_once("\n\n").unwrap_or((body, ""));
        out.push((code.trim(), summary.trim(), explanation.trim_end()));
        rest = next;
    }
    out
}

/// The codes that `lang`'s `codes.<lang>.md` documents, in its order.
pub fn documented_codes(lang: Lang) -> Vec<&'static str> {
    match lang {
        Lang::En => Vec::new(),
        Lang::Zh => code_docs(include_str!("codes.zh.md"))
            .iter()
            .map(|d| d.0)
            .collect(),
    }
}

/// A message (or attribute) of a catalogue, as the tests that hold the
/// catalogues to each other see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageInfo {
    /// `name` or `name.attribute`.
    pub id: String,
    /// The arguments its text shows.
    pub shown: Vec<String>,
    /// The arguments it only chooses a form by (`{ $n -> [one] ... }`).
    pub selectors: Vec<String>,
}

/// Every message and attribute of a catalogue. `Err` lists what does not
/// parse.
pub fn messages(lang: Lang) -> Result<Vec<MessageInfo>, Vec<String>> {
    use fluent_syntax::ast::{Entry, Pattern};
    let resource = fluent_syntax::parser::parse(lang.source())
        .map_err(|(_, errors)| errors.iter().map(|e| format!("{e:?}")).collect::<Vec<_>>())?;
    let mut out = Vec::new();
    let mut add = |id: String, pattern: &Pattern<&str>| {
        let (mut shown, mut selectors) = (Vec::new(), Vec::new());
        variables(pattern, &mut shown, &mut selectors);
        for list in [&mut shown, &mut selectors] {
            list.sort();
            list.dedup();
        }
        out.push(MessageInfo {
            id,
            shown,
            selectors,
        });
    };
    for entry in &resource.body {
        let Entry::Message(m) = entry else { continue };
        if let Some(value) = &m.value {
            add(m.id.name.to_string(), value);
        }
        for a in &m.attributes {
            add(format!("{}.{}", m.id.name, a.id.name), &a.value);
        }
    }
    Ok(out)
}

fn variables(
    pattern: &fluent_syntax::ast::Pattern<&str>,
    shown: &mut Vec<String>,
    selectors: &mut Vec<String>,
) {
    use fluent_syntax::ast::{Expression, InlineExpression, PatternElement};
    for element in &pattern.elements {
        let PatternElement::Placeable { expression } = element else {
            continue;
        };
        match expression {
            Expression::Inline(InlineExpression::VariableReference { id }) => {
                shown.push(id.name.to_string())
            }
            Expression::Select { selector, variants } => {
                if let InlineExpression::VariableReference { id } = selector {
                    selectors.push(id.name.to_string());
                }
                for v in variants {
                    variables(&v.value, shown, selectors);
                }
            }
            Expression::Inline(_) => {}
        }
    }
}

/// `tr!("message-id", name = value, ...)`: the message's text in the
/// current language, with its arguments.
#[doc(hidden)]
#[macro_export]
macro_rules! __tr {
    ($id:expr $(, $key:ident = $value:expr)* $(,)?) => {
        $crate::i18n::text($id, &[$((stringify!($key), $crate::i18n::Arg::from($value))),*])
    };
}
pub use crate::__tr as tr;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locale_names_its_language() {
        assert_eq!(Lang::parse("zh_CN.UTF-8"), Some(Lang::Zh));
        assert_eq!(Lang::parse("zh-Hans"), Some(Lang::Zh));
        assert_eq!(Lang::parse("en_GB.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::parse("C"), Some(Lang::En));
        assert_eq!(Lang::parse("fr_FR"), None);
    }

    #[test]
    fn the_environment_is_read_as_gettext_reads_it() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(Lang::from_env(env(&[("LANG", "zh_CN.UTF-8")])), Lang::Zh);
        assert_eq!(
            Lang::from_env(env(&[("LC_ALL", "en_US.UTF-8"), ("LANG", "zh_CN.UTF-8")])),
            Lang::En
        );
        assert_eq!(
            Lang::from_env(env(&[("LC_ALL", ""), ("LC_MESSAGES", "zh_TW")])),
            Lang::Zh
        );
        assert_eq!(Lang::from_env(env(&[("LANG", "fr_FR.UTF-8")])), Lang::En);
        assert_eq!(Lang::from_env(env(&[])), Lang::En);
    }

    #[test]
    fn messages_take_arguments_and_plurals() {
        let n = |n: i64| {
            text_in(
                Lang::En,
                "summary-customer-count",
                &[("n", n.into()), ("count", n.to_string().into())],
            )
        };
        assert_eq!(n(1), "1 customer");
        assert_eq!(n(2), "2 customers");
        assert_eq!(
            text_in(
                Lang::Zh,
                "summary-customer-count",
                &[("n", 2.into()), ("count", "2".into())]
            ),
            "2 位客户"
        );
        assert_eq!(text_in(Lang::Zh, "no-such-message", &[]), "no-such-message");
    }
}
