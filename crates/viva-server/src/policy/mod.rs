//! The server's rules about who may do what, kept apart from the routes that apply them so
//! a rule has one home and routes never import other routes: admission to a room, the
//! participants of an interview, who writes feedback and when, the interview's room,
//! idempotent writes, and rate limits.

pub mod admission;
pub mod feedback;
pub mod idempotency;
pub mod interview_room;
pub mod participants;
pub mod throttle;
