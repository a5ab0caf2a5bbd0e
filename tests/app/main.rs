//! End-to-end tests of the desktop app binary under a private Xvfb display.

mod architecture;
mod bundle;
mod launch;
