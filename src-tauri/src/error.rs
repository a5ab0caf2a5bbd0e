//! Command errors cross IPC as viva-core's `{code, message}`.

pub type CmdResult<T> = Result<T, viva_core::CoreError>;
