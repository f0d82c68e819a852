//! Parsing the command line. Each command takes only the options it uses, so clap refuses the
//! others; one that another command takes is named as such, with the commands that take it
//! (`xsell pairs --campaigns c.csv`: pairs does not use --campaigns; compute, report, compare
//! and inspect do), rather than clap's guess at a similar name (`--min-confidence` for
//! `--confidence`).

use std::path::Path;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, Parser};

use super::Cli;

/// The command line, or its error (or help) printed by clap and the process ended: status 2
/// for an error, 0 for `--help` and `--version`.
pub fn parse() -> Cli {
    let args: Vec<String> = std::env::args().collect();
    Cli::try_parse_from(&args).unwrap_or_else(|err| with_tip(err, &args).exit())
}

/// `err`, with a tip when it is an option of another command than the one `args` runs (and
/// the plain usage of that command, where clap's would show the similar option it guessed).
fn with_tip(mut err: clap::Error, args: &[String]) -> clap::Error {
    if err.kind() != ErrorKind::UnknownArgument {
        return err;
    }
    let Some(ContextValue::String(option)) = err.get(ContextKind::InvalidArg) else {
        return err;
    };
    let option = option.split('=').next().unwrap_or_default().to_string();
    let mut cli = Cli::command();
    if let Some(bin) = args.first().and_then(|a| Path::new(a).file_name()) {
        cli.set_bin_name(bin.to_string_lossy());
    }
    cli.build();
    let takers: Vec<String> = (cli.get_subcommands())
        .filter(|c| takes(c, &option))
        .map(|c| c.get_name().to_string())
        .collect();
    let command = args.get(1).and_then(|a| cli.find_subcommand_mut(a));
    let Some(command) = command.filter(|_| !takers.is_empty()) else {
        return err;
    };
    let tip = format!(
        "xsell {} does not use {option}; {} {}",
        command.get_name(),
        and_list(&takers),
        if takers.len() == 1 { "does" } else { "do" }
    );
    err.remove(ContextKind::SuggestedArg);
    err.insert(
        ContextKind::Suggested,
        ContextValue::StyledStrs(vec![tip.into()]),
    );
    err.insert(
        ContextKind::Usage,
        ContextValue::StyledStr(command.render_usage()),
    );
    err
}

/// Whether `command` has the option `option` (`--name` or `-c`).
fn takes(command: &clap::Command, option: &str) -> bool {
    command.get_arguments().any(
        |arg| match (option.strip_prefix("--"), option.strip_prefix('-')) {
            (Some(long), _) => arg.get_long() == Some(long),
            (None, Some(short)) => {
                let mut chars = short.chars();
                chars.next().is_some_and(|c| arg.get_short() == Some(c)) && chars.next().is_none()
            }
            (None, None) => false,
        },
    )
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tip(line: &str) -> String {
        let args: Vec<String> = line.split(' ').map(String::from).collect();
        let err = Cli::try_parse_from(&args).unwrap_err();
        with_tip(err, &args).to_string()
    }

    #[test]
    fn an_option_of_another_command_is_named_so() {
        let text = tip("xsell pairs o.csv --campaigns c.csv");
        assert!(
            text.contains(
                "tip: xsell pairs does not use --campaigns; compute, report, compare and inspect do"
            ),
            "{text}"
        );
        let text = tip("xsell pairs o.csv --confidence=0.9");
        assert!(
            text.contains("xsell pairs does not use --confidence; compute, report and compare do"),
            "{text}"
        );
        assert!(!text.contains("--min-confidence"), "{text}");
        let text = tip("xsell inspect o.csv -q");
        assert!(text.contains("xsell inspect does not use -q;"), "{text}");
    }

    #[test]
    fn an_unknown_option_keeps_clap_s_suggestion() {
        let text = tip("xsell pairs o.csv --min-confidenc 0.5");
        assert!(text.contains("--min-confidence"), "{text}");
        assert!(!text.contains("does not use"), "{text}");
    }

    #[test]
    fn lists_read_as_english() {
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(and_list(&names(&["a"])), "a");
        assert_eq!(and_list(&names(&["a", "b"])), "a and b");
        assert_eq!(and_list(&names(&["a", "b", "c"])), "a, b and c");
    }
}
