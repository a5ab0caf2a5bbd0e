//! Command errors cross IPC as viva-core's `{code, message}`. Every command is
//! instrumented (`skip_all`: arguments such as passwords never reach the log), so an error
//! is logged with the command's name before it goes to the UI.

pub type CmdResult<T> = Result<T, viva_core::CoreError>;
