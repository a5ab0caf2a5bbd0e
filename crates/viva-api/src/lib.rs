//! Wire types shared by viva-server and its clients. Serde only: no I/O, no runtime.
//!
//! The JSON shapes are those our predecessor systems documented (see shared/seeds); a
//! change here is a change to a public API.

pub mod error;

pub use error::ErrorBody;
