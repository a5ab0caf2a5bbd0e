//! One JSON object per line on stdout, flushed at once so a reader sees events as they
//! happen.

use std::io::Write;

pub fn emit(event: &str, mut fields: serde_json::Value) {
    if let Some(map) = fields.as_object_mut() {
        map.insert("event".into(), serde_json::Value::String(event.into()));
    }
    let mut out = std::io::stdout().lock();
    // A closed stdout (reader gone) is not worth crashing the session over.
    let _ = writeln!(out, "{fields}");
    let _ = out.flush();
}
