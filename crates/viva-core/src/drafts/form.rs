//! The feedback forms as flat field maps. A draft is `field -> text`, which is what the
//! UI edits, what the server stores, and what conflicts are resolved on, field by field.
//!
//! Interviewer: `rating:<competency>` ("1".."4"), `notes:<competency>`, `recommendation`,
//! `notes`. Candidate: `experience_rating` ("1".."5"), `comments`.

use std::collections::BTreeMap;

use viva_api::feedback::{competencies, EXPERIENCE_RANGE, RATING_RANGE, RECOMMENDATIONS};
use viva_api::interviews::{CandidateFeedback, InterviewerFeedback};

use super::DraftKind;

pub type Fields = BTreeMap<String, String>;

pub fn rating_field(competency: &str) -> String {
    format!("rating:{competency}")
}

pub fn notes_field(competency: &str) -> String {
    format!("notes:{competency}")
}

/// A person's name for a field (conflict view, error messages).
pub fn label(field: &str) -> String {
    if let Some(c) = field.strip_prefix("rating:") {
        format!("{c}: rating")
    } else if let Some(c) = field.strip_prefix("notes:") {
        format!("{c}: notes")
    } else {
        match field {
            "recommendation" => "Recommendation".into(),
            "notes" => "Overall notes".into(),
            "experience_rating" => "Experience rating".into(),
            "comments" => "Comments".into(),
            other => other.into(),
        }
    }
}

fn get<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields.get(name).map(|s| s.trim()).unwrap_or("")
}

fn int_in(fields: &Fields, name: &str, range: &std::ops::RangeInclusive<i64>) -> Option<i64> {
    get(fields, name).parse().ok().filter(|n| range.contains(n))
}

/// What is still missing before the form can be submitted, as people read it. The server
/// checks the same rules (viva-api holds the competency lists both use).
pub fn missing(kind: DraftKind, interview_type: &str, fields: &Fields) -> Vec<String> {
    let mut out = Vec::new();
    match kind {
        DraftKind::Interviewer => {
            for c in competencies(interview_type) {
                if int_in(fields, &rating_field(c), &RATING_RANGE).is_none() {
                    out.push(format!("Rate {c} (1-4)"));
                }
            }
            if !RECOMMENDATIONS.contains(&get(fields, "recommendation")) {
                out.push("Choose a recommendation".into());
            }
        }
        DraftKind::Candidate => {
            if int_in(fields, "experience_rating", &EXPERIENCE_RANGE).is_none()
                && get(fields, "comments").is_empty()
            {
                out.push("Give a rating or a comment".into());
            }
        }
    }
    out
}

/// The submission body for a complete form.
pub fn submission(kind: DraftKind, interview_type: &str, fields: &Fields) -> serde_json::Value {
    let text = |name: &str| fields.get(name).cloned().unwrap_or_default();
    match kind {
        DraftKind::Interviewer => {
            let scorecard: serde_json::Map<String, serde_json::Value> =
                competencies(interview_type)
                    .iter()
                    .map(|c| {
                        let rating = int_in(fields, &rating_field(c), &RATING_RANGE);
                        (
                            (*c).to_owned(),
                            serde_json::json!({ "rating": rating, "notes": text(&notes_field(c)) }),
                        )
                    })
                    .collect();
            serde_json::to_value(InterviewerFeedback {
                scorecard: Some(serde_json::Value::Object(scorecard)),
                recommendation: Some(get(fields, "recommendation").to_owned()),
                notes: Some(text("notes")),
            })
            .unwrap_or_default()
        }
        DraftKind::Candidate => serde_json::to_value(CandidateFeedback {
            rating: int_in(fields, "experience_rating", &EXPERIENCE_RANGE),
            comments: Some(text("comments")),
        })
        .unwrap_or_default(),
    }
}

/// Three-way merge of field maps. A field only one side changed since `base` takes that
/// side's value; a field both changed to different values is a conflict (listed, and left
/// at mine in `merged` until the person chooses).
pub fn merge(base: &Fields, mine: &Fields, theirs: &Fields) -> (Fields, Vec<String>) {
    let empty = String::new();
    let names: std::collections::BTreeSet<&String> = base
        .keys()
        .chain(mine.keys())
        .chain(theirs.keys())
        .collect();
    let mut merged = Fields::new();
    let mut conflicts = Vec::new();
    for name in names {
        let b = base.get(name).unwrap_or(&empty);
        let m = mine.get(name).unwrap_or(&empty);
        let t = theirs.get(name).unwrap_or(&empty);
        let value = if m == t || t == b {
            m
        } else if m == b {
            t
        } else {
            conflicts.push(name.clone());
            m
        };
        if !value.is_empty() {
            merged.insert(name.clone(), value.clone());
        }
    }
    (merged, conflicts)
}

/// Drops empty values so "absent" and "empty" compare equal.
pub fn normalise(fields: Fields) -> Fields {
    fields.into_iter().filter(|(_, v)| !v.is_empty()).collect()
}

/// The server's draft content as fields (non-string values are ignored: they are not ours).
pub fn from_json(value: &serde_json::Value) -> Fields {
    value
        .as_object()
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_owned())))
                .filter(|(_, v)| !v.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(pairs: &[(&str, &str)]) -> Fields {
        pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect()
    }

    #[test]
    fn merges_disjoint_edits_and_reports_real_conflicts() {
        let base = f(&[("notes", "a"), ("comments", "x")]);
        let mine = f(&[
            ("notes", "a mine"),
            ("comments", "x"),
            ("rating:Coding", "3"),
        ]);
        let theirs = f(&[("notes", "a theirs"), ("comments", "y")]);
        let (merged, conflicts) = merge(&base, &mine, &theirs);
        assert_eq!(conflicts, vec!["notes".to_owned()]);
        assert_eq!(merged.get("comments").unwrap(), "y", "only they changed it");
        assert_eq!(merged.get("rating:Coding").unwrap(), "3", "only I added it");
    }

    #[test]
    fn required_fields_follow_the_interview_type() {
        let mut fields = Fields::new();
        assert_eq!(
            missing(DraftKind::Interviewer, "AI_SCREENING", &fields).len(),
            4
        );
        for c in competencies("AI_SCREENING") {
            fields.insert(rating_field(c), "4".into());
        }
        fields.insert("recommendation".into(), "yes".into());
        assert!(missing(DraftKind::Interviewer, "AI_SCREENING", &fields).is_empty());
        fields.insert(rating_field("Motivation"), "5".into());
        assert_eq!(
            missing(DraftKind::Interviewer, "AI_SCREENING", &fields),
            ["Rate Motivation (1-4)"]
        );
        assert_eq!(missing(DraftKind::Candidate, "", &Fields::new()).len(), 1);
    }
}
