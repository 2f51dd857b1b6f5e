//! The terminal front ends over the core: the command line, the full-screen wizard, the plain
//! prompts, and what they share (where a run starts, saved sessions, terminal restore). Nothing
//! here is part of the library; it only asks the core and prints.

pub mod cli;
pub mod consent;
pub mod escaped;
pub mod gcp;
pub mod migrate;
pub mod prompt;
pub mod session;
pub mod terminal;
pub mod tui;
pub mod wizard;
