//! One JSON object per line on stdout, flushed at once so a reader sees events as they
//! happen. Every line carries the bot's wall clock (`at_ms`, Unix milliseconds), so a test
//! can hold the server's record of a session against the bot's own times.

use std::io::Write;

pub fn emit(event: &str, mut fields: serde_json::Value) {
    if let Some(map) = fields.as_object_mut() {
        map.insert("event".into(), serde_json::Value::String(event.into()));
        let at_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        map.insert("at_ms".into(), at_ms.into());
    }
    let mut out = std::io::stdout().lock();
    // A closed stdout (reader gone) is not worth crashing the session over.
    let _ = writeln!(out, "{fields}");
    let _ = out.flush();
}
