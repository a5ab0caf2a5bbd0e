//! IPC adapters, one module per domain. Each command takes state, calls viva-core and
//! converts the error; nothing else.

pub mod app;
