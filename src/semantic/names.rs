//! When two names are the same name in SQL.
//!
//! DuckDB compares identifiers without case, but only ASCII case: `Big`
//! and `big` name one column, `Ä` and `ä` two (`tests/it/semantic.rs`
//! checks this against DuckDB itself). Every comparison of names that end
//! up in SQL goes through here, so seg and DuckDB always agree.

/// A name as DuckDB compares it.
pub fn fold(name: &str) -> String {
    name.to_ascii_lowercase()
}

/// Whether DuckDB takes `a` and `b` for the same identifier.
pub fn same(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ascii_letters_fold() {
        assert!(same("Big", "big"));
        assert!(same("TAGS", "tags"));
        assert!(!same("Ä", "ä"));
        assert!(!same("big", "bigger"));
        assert_eq!(fold("Größe_X"), "größe_x");
    }
}
