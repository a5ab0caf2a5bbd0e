//! Checks of request fields, each adding a readable problem to the list a 400 reports, so
//! that one answer names everything wrong with a request.

use uuid::Uuid;

/// A required, trimmed text field of at most `max` characters.
pub fn text(
    problems: &mut Vec<String>,
    name: &str,
    value: Option<String>,
    max: usize,
) -> Option<String> {
    let v = value.unwrap_or_default().trim().to_owned();
    if v.is_empty() {
        problems.push(format!("{name} should not be empty"));
        None
    } else if v.chars().count() > max {
        problems.push(format!("{name} must be at most {max} characters"));
        None
    } else {
        Some(v)
    }
}

/// An optional text field: absent or blank is None.
pub fn optional_text(
    problems: &mut Vec<String>,
    name: &str,
    value: Option<String>,
    max: usize,
) -> Option<String> {
    let v = value.unwrap_or_default().trim().to_owned();
    if v.is_empty() {
        return None;
    }
    text(problems, name, Some(v), max)
}

/// A required UUID.
pub fn uuid_field(problems: &mut Vec<String>, name: &str, value: Option<String>) -> Option<Uuid> {
    match value.as_deref().map(str::trim) {
        None | Some("") => {
            problems.push(format!("{name} should not be empty"));
            None
        }
        Some(v) => Uuid::parse_str(v).ok().or_else(|| {
            problems.push(format!("{name} must be a UUID"));
            None
        }),
    }
}

/// A whole number within `range`, or `fallback` when absent.
pub fn bounded(
    problems: &mut Vec<String>,
    name: &str,
    value: Option<i64>,
    range: std::ops::RangeInclusive<i64>,
    fallback: i64,
) -> i64 {
    match value {
        None => fallback,
        Some(v) if range.contains(&v) => v,
        Some(_) => {
            problems.push(format!(
                "{name} must be from {} to {}",
                range.start(),
                range.end()
            ));
            fallback
        }
    }
}

/// One of `allowed`, or `fallback` when absent.
pub fn one_of<T: Copy>(
    problems: &mut Vec<String>,
    name: &str,
    value: Option<&str>,
    allowed: &[(&str, T)],
    fallback: Option<T>,
) -> Option<T> {
    match value.map(str::trim) {
        None | Some("") if fallback.is_some() => fallback,
        None | Some("") => {
            problems.push(format!("{name} should not be empty"));
            None
        }
        Some(v) => allowed
            .iter()
            .find(|(text, _)| *text == v)
            .map(|(_, t)| *t)
            .or_else(|| {
                let names: Vec<&str> = allowed.iter().map(|(text, _)| *text).collect();
                problems.push(format!(
                    "{name} must be one of {} (got '{v}')",
                    names.join(", ")
                ));
                None
            }),
    }
}

/// One of `allowed`, or None when absent or blank.
pub fn optional_one_of<T: Copy>(
    problems: &mut Vec<String>,
    name: &str,
    value: Option<&str>,
    allowed: &[(&str, T)],
) -> Option<T> {
    match value.map(str::trim) {
        None | Some("") => None,
        Some(v) => one_of(problems, name, Some(v), allowed, None),
    }
}
