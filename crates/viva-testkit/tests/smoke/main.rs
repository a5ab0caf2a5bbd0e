//! Smoke test of the real components the project stands on. Each fails loudly when its
//! component is missing: nothing here is skipped or mocked.

mod livekit;
mod postgres;
mod redis;
