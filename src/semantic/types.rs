//! The kinds of values a rule works with, and how data types map onto them.

use std::fmt;

/// What a value is. `Unknown` is the type of something seg could not check
/// (a column of a source it could not read, or an expression that already
/// has an error): it fits everywhere, so one mistake is reported once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Type {
    Number,
    Text,
    /// A date or a date-time.
    Date,
    Bool,
    /// A column type seg cannot use in rules (lists, structs, blobs ...).
    Unsupported,
    Unknown,
}

impl Type {
    /// Whether a value of this type can stand where `other` is needed.
    pub fn fits(self, other: Type) -> bool {
        self == other || self == Type::Unknown || other == Type::Unknown
    }

    /// Maps a DuckDB column type (as `DESCRIBE` prints it) to a rule type.
    pub fn from_sql(sql_type: &str) -> Type {
        let t = sql_type.trim().to_ascii_uppercase();
        let base = t.split('(').next().unwrap_or(&t).trim();
        if t.ends_with(']')
            || base.starts_with("STRUCT")
            || base.starts_with("MAP")
            || base.starts_with("UNION")
        {
            return Type::Unsupported;
        }
        match base {
            "TINYINT" | "SMALLINT" | "INTEGER" | "BIGINT" | "HUGEINT" | "UTINYINT"
            | "USMALLINT" | "UINTEGER" | "UBIGINT" | "UHUGEINT" | "FLOAT" | "DOUBLE"
            | "DECIMAL" | "REAL" | "INT" => Type::Number,
            "VARCHAR" | "TEXT" | "STRING" | "UUID" | "ENUM" => Type::Text,
            "DATE"
            | "TIMESTAMP"
            | "TIMESTAMP_S"
            | "TIMESTAMP_MS"
            | "TIMESTAMP_NS"
            | "DATETIME"
            | "TIMESTAMPTZ"
            | "TIMESTAMP WITH TIME ZONE" => Type::Date,
            "BOOLEAN" | "BOOL" => Type::Bool,
            HEADER_ONLY => Type::Unknown,
            _ if base.starts_with("ENUM") => Type::Text,
            _ => Type::Unsupported,
        }
    }
}

/// The type a catalog gives every column of a text file with a header line
/// and no rows (DuckDB's type of a bare NULL): its values are none, so it
/// fits wherever the rules use it.
pub const HEADER_ONLY: &str = "NULL";

/// Floating-point columns: summing them in a different order (as parallel
/// aggregation does) can change the last digits.
pub fn is_float(sql_type: &str) -> bool {
    matches!(
        sql_type.trim().to_ascii_uppercase().as_str(),
        "DOUBLE" | "FLOAT" | "REAL" | "FLOAT4" | "FLOAT8"
    )
}

/// Timestamps with a time zone: seg reads them as UTC timestamps (the
/// bundled DuckDB has no time zone support to do more with them).
pub fn is_zoned(sql_type: &str) -> bool {
    matches!(
        sql_type.trim().to_ascii_uppercase().as_str(),
        "TIMESTAMPTZ" | "TIMESTAMP WITH TIME ZONE"
    )
}

/// "a number", "text", ...: how messages name a type.
impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // As messages say it (`but `x` is a number`), in the user's language.
        f.write_str(&crate::i18n::tr!(match self {
            Type::Number => "type-number",
            Type::Text => "type-text",
            Type::Date => "type-date",
            Type::Bool => "type-bool",
            Type::Unsupported => "type-unsupported",
            Type::Unknown => "type-unknown",
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_types_map_to_rule_types() {
        assert_eq!(Type::from_sql("DECIMAL(18,2)"), Type::Number);
        assert_eq!(Type::from_sql("BIGINT"), Type::Number);
        assert_eq!(Type::from_sql("VARCHAR"), Type::Text);
        assert_eq!(Type::from_sql("TIMESTAMP"), Type::Date);
        assert_eq!(Type::from_sql("DATE"), Type::Date);
        assert_eq!(Type::from_sql("TIMESTAMP WITH TIME ZONE"), Type::Date);
        assert_eq!(Type::from_sql("BOOLEAN"), Type::Bool);
        assert_eq!(Type::from_sql("INTEGER[]"), Type::Unsupported);
        assert_eq!(Type::from_sql("STRUCT(a INTEGER)"), Type::Unsupported);
        assert_eq!(Type::from_sql("ENUM('a', 'b')"), Type::Text);
    }
}
