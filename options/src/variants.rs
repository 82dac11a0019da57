//! `--variants a,b,...`: the one check of a variant list, as both binaries parse it.
//!
//! Every command that takes a list of variants (`report`, `profile`, `sweep`, `regress`, `ab`,
//! `flags`) parses it with [`variant_list`], so the lab and xtask refuse the same lists with the
//! same line. Which names exist is the lab's to say (the registry); what a list may be is said here:
//! at least one name, none empty, none twice. An empty list is refused rather than read as "the
//! default": an empty variable in a script would otherwise measure every variant, for minutes,
//! where the user meant some.

/// Checks a comma-separated variant list and returns it as given: clap's value parser for every
/// `--variants`. The error is the clause after clap's "invalid value ... for '--variants'".
pub fn variant_list(list: &str) -> Result<String, String> {
    if list.trim().is_empty() {
        return Err(
            "the list names no variant; leave --variants out for the command's default".into(),
        );
    }
    let mut seen: Vec<&str> = Vec::new();
    for name in list.split(',').map(str::trim) {
        if name.is_empty() {
            return Err("an empty name in the list (two commas, or one at an end)".into());
        }
        if seen.contains(&name) {
            return Err(format!("{name} is named twice; name each variant once"));
        }
        seen.push(name);
    }
    Ok(list.to_string())
}

#[cfg(test)]
mod tests {
    use super::variant_list;

    #[test]
    fn a_list_of_distinct_names_is_kept_as_given() {
        assert_eq!(variant_list("a, b,c").as_deref(), Ok("a, b,c"));
        assert_eq!(variant_list("a").as_deref(), Ok("a"));
    }

    #[test]
    fn empty_lists_empty_names_and_repeats_are_refused() {
        for empty in ["", " ", "\t"] {
            assert!(
                variant_list(empty)
                    .unwrap_err()
                    .contains("names no variant")
            );
        }
        for gap in ["a,,b", ",a", "a,", "a, ,b"] {
            assert!(
                variant_list(gap).unwrap_err().contains("empty name"),
                "{gap}"
            );
        }
        assert_eq!(
            variant_list("a,b, a").unwrap_err(),
            "a is named twice; name each variant once"
        );
    }
}
