//! The integration tests: one test binary (as xsv has), one module per area, the helpers they
//! share in `workdir`.
//!
//! Where expected numbers come from: hand-worked inline files (arithmetic in the comments),
//! textbook statistics, and the SQLite oracle of `tests/oracle/` (its SQL and the script that
//! regenerates and checks its expectation files are committed there).
//!
//! `reader` checks the CSV reader against the csv crate; it reaches the reader through
//! `xsell::input::split_all`, and `workdir::evaluate` is the one call into the engine.

mod affinity;
mod cells;
mod cli;
mod clv;
mod clv_groups;
mod clv_html;
mod dates;
mod exports;
mod faults;
mod folds;
mod fuzz_regressions;
mod hostile;
mod html;
mod judgements;
mod messages;
mod options;
mod parquet;
mod precision;
mod properties;
mod reader;
mod repeats;
mod slicing;
mod spill;
mod sql;
mod threads;
mod workbook;
mod workdir;
