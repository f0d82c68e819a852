//! Finding columns by header name: normalised names, `--map`, and errors that list the headers
//! found and suggest the nearest one.

use anyhow::{Result, bail};

use super::table::Spec;

/// Where a file's canonical columns come from: `--map canonical=their_header` pairs, and
/// `--derive canonical=EXPRESSION` pairs (the orders' only).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ColumnMap {
    headers: Vec<(String, String)>,
    derived: Vec<(String, String)>,
}

impl ColumnMap {
    /// No header mapped and nothing derived.
    pub fn is_empty(&self) -> bool {
        self.headers.is_empty() && self.derived.is_empty()
    }

    /// Parses `canonical=header` pairs; `known` lists the canonical names that may be mapped.
    /// The pairs of `option` (`--map`, `--campaigns-map`, ...), each naming one of `known`.
    pub fn parse(option: &str, pairs: &[String], known: &[&str]) -> Result<ColumnMap> {
        let mut map = Vec::new();
        for pair in pairs {
            let Some((canonical, header)) = pair.split_once('=') else {
                bail!(
                    "{option} {pair:?}: expected canonical=their_header, e.g. {option} {}=\"Their Name\"",
                    known.first().copied().unwrap_or("order_id")
                );
            };
            let canonical = normalize(canonical);
            if header.trim().is_empty() {
                bail!("{option} {pair:?}: the header name after = is empty");
            }
            if !known.contains(&canonical.as_str()) {
                bail!(
                    "{option} {pair:?}: {canonical:?} is not a column it maps; its columns: {}",
                    known.join(", ")
                );
            }
            if map.iter().any(|(c, _): &(String, String)| *c == canonical) {
                bail!("{option} {pair:?}: {canonical} is mapped already; give it once");
            }
            map.push((canonical, normalize(header)));
        }
        Ok(ColumnMap {
            headers: map,
            derived: Vec::new(),
        })
    }

    /// Adds `--derive canonical=EXPRESSION` pairs (checked against the file's headers when it
    /// is opened); a column may be mapped or derived, not both.
    pub fn derive(mut self, pairs: &[String], known: &[&str]) -> Result<ColumnMap> {
        for pair in pairs {
            let Some((canonical, expression)) = pair.split_once('=') else {
                bail!(
                    "--derive {pair:?}: expected column=EXPRESSION, e.g. --derive \
                     'amount=\"Lineitem quantity\" * \"Lineitem price\"'"
                );
            };
            let canonical = normalize(canonical);
            if !known.contains(&canonical.as_str()) {
                bail!(
                    "--derive {pair:?}: {canonical:?} is not an orders column; they are: {}",
                    known.join(", ")
                );
            }
            if expression.trim().is_empty() {
                bail!("--derive {pair:?}: the expression after = is empty");
            }
            if self.headers.iter().any(|(c, _)| *c == canonical) {
                bail!("{canonical} is named by both --map and --derive; give one of them");
            }
            if self.derived.iter().any(|(c, _)| *c == canonical) {
                bail!("--derive {pair:?}: {canonical} is derived already; give it once");
            }
            self.derived
                .push((canonical, expression.trim().to_string()));
        }
        Ok(self)
    }

    /// Whether `--derive` gives a column.
    pub fn derives(&self) -> bool {
        !self.derived.is_empty()
    }

    /// The expression `--derive` gives the column `canonical`.
    pub(super) fn derived(&self, canonical: &str) -> Option<&str> {
        (self.derived.iter())
            .find(|(c, _)| c == canonical)
            .map(|(_, e)| e.as_str())
    }

    fn header_for<'a>(&'a self, canonical: &'a str) -> &'a str {
        self.headers
            .iter()
            .find(|(c, _)| c == canonical)
            .map_or(canonical, |(_, h)| h.as_str())
    }
}

/// Header names are matched trimmed and case-insensitively, with spaces and hyphens read as
/// underscores: `Customer ID` is `customer_id`.
pub(crate) fn normalize(name: &str) -> String {
    name.trim()
        .to_lowercase()
        .split([' ', '-'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// The position of each of `specs` among `headers` (`None`: an optional column the file lacks).
/// Every required column that is missing is named in one error, each with the nearest header,
/// beside the columns found and the canonical names; a column named twice is an error too
/// (whichever problem comes first in `specs` is reported).
pub(super) fn find_columns(
    file: &str,
    headers: &[String],
    specs: &[Spec],
    map: &ColumnMap,
    kind: &str,
) -> Result<Vec<Option<usize>>> {
    let mut columns = Vec::with_capacity(specs.len());
    let mut missing: Vec<(&Spec, &str)> = Vec::new();
    for spec in specs {
        if map.derived(spec.name).is_some() {
            columns.push(None);
            continue;
        }
        let wanted = map.header_for(spec.name);
        let mut found = (headers.iter().enumerate())
            .filter(|(_, h)| normalize(h) == wanted)
            .map(|(i, _)| i);
        let first = found.next();
        if let Some(second) = found.next()
            && missing.is_empty()
        {
            bail!(
                "{file}: the header names column {wanted:?} twice (columns {} and {}); rename one of them",
                first.map_or(0, |i| i + 1),
                second + 1
            );
        }
        if first.is_none() && spec.required {
            missing.push((spec, wanted));
        }
        columns.push(first);
    }
    if missing.is_empty() {
        return Ok(columns);
    }
    Err(missing_columns(file, headers, specs, &missing, kind))
}

/// The error that names every missing required column (`wanted` names them as `--map` does),
/// each with the nearest header, beside the headers found and the columns xsell reads.
fn missing_columns(
    file: &str,
    headers: &[String],
    specs: &[Spec],
    missing: &[(&Spec, &str)],
    kind: &str,
) -> anyhow::Error {
    let named: Vec<String> = (missing.iter())
        .map(|(_, wanted)| {
            let hint = nearest(wanted, headers)
                .map(|h| format!(" (did you mean {h:?}?)"))
                .unwrap_or_default();
            format!("{wanted:?}{hint}")
        })
        .collect();
    let how = match (delimiter_in(headers), missing) {
        (Some(d), _) => {
            let what = if d == '\t' {
                "a tab".to_string()
            } else {
                format!("{d:?}")
            };
            format!(
                "the header is one column: is the delimiter {what}? use --delimiter {}",
                shell_word(d)
            )
        }
        (None, [(spec, wanted)]) if *wanted == spec.name => {
            format!("if it has another name, use --map {}=<header>", spec.name)
        }
        (None, [(spec, wanted)]) => format!("--map {}={wanted} names it", spec.name),
        (None, _) => "if they have other names, use --map <column>=<header> for each".to_string(),
    };
    let list = |required: bool| {
        let names: Vec<&str> = (specs.iter())
            .filter(|s| s.required == required)
            .map(|s| s.name)
            .collect();
        names.join(", ")
    };
    let (noun, columns) = match named.split_last() {
        Some((last, [])) => ("column", last.clone()),
        Some((last, all)) => ("columns", format!("{} and {last}", all.join(", "))),
        None => ("columns", String::new()),
    };
    anyhow::anyhow!(
        "{file}: missing {kind} {noun} {columns}; found columns: {}; {how}; the {kind} columns \
         xsell reads: {} (required); {} (optional)",
        listed(headers),
        list(true),
        list(false)
    )
}

/// The headers as a message lists them: control characters escaped (an escape code is not sent
/// to the terminal), a long name cut, and past the first 30 names only their count, so that a
/// header of a million commas gives a line, not megabytes.
pub(crate) fn listed(headers: &[String]) -> String {
    const NAMES: usize = 30;
    const CHARS: usize = 80;
    let shown: Vec<String> = (headers.iter().take(NAMES))
        .map(|h| {
            let mut name = String::new();
            for c in h.chars().take(CHARS) {
                if c.is_control() {
                    name.extend(c.escape_default());
                } else {
                    name.push(c);
                }
            }
            if h.chars().count() > CHARS {
                name.push('…');
            }
            name
        })
        .collect();
    match headers.len() {
        n if n > NAMES => format!("{}, … ({n} columns in all)", shown.join(", ")),
        _ => shown.join(", "),
    }
}

/// The delimiter a header of one column seems to hold: `;`, a tab, `|` or `,`.
fn delimiter_in(headers: &[String]) -> Option<char> {
    let [only] = headers else {
        return None;
    };
    [';', '\t', '|', ',']
        .into_iter()
        .find(|d| only.contains(*d))
}

/// `--delimiter`'s value for `d` as a shell reads it: `tab`, or the character in single quotes.
fn shell_word(d: char) -> String {
    if d == '\t' {
        "tab".to_string()
    } else {
        format!("'{d}'")
    }
}

/// The delimiter an Excel `sep=X` line names, given `record` read as the first line with
/// `delimiter` (a byte-order mark before it is passed over).
pub(super) fn excel_separator(record: &super::records::Record, delimiter: u8) -> Option<u8> {
    let mut line = Vec::new();
    for (i, field) in record.iter().enumerate() {
        if i > 0 {
            line.push(delimiter);
        }
        line.extend_from_slice(field);
    }
    let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&line);
    match line.strip_prefix(b"sep=") {
        Some(&[named]) if named != b'"' && named != b'\n' && named != b'\r' => Some(named),
        _ => None,
    }
}

/// The header closest to `wanted` by edit distance, if it is close enough to be a likely typo.
pub(super) fn nearest<'a>(wanted: &str, headers: &'a [String]) -> Option<&'a str> {
    headers
        .iter()
        .map(|h| (edit_distance(wanted, &normalize(h)), h))
        .filter(|(d, h)| *d <= (wanted.len().max(h.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, h)| h.as_str())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("customer_id", "customer_id"), 0);
        assert_eq!(edit_distance("customer_id", "custmer_id"), 1);
        assert_eq!(edit_distance("amount", "amout"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn suggests_only_close_headers() {
        let headers = vec!["Custmer ID".to_string(), "total".to_string()];
        assert_eq!(nearest("customer_id", &headers), Some("Custmer ID"));
        assert_eq!(nearest("amount", &headers), None);
    }

    #[test]
    fn headers_match_by_normalised_name() {
        assert_eq!(normalize(" Customer ID "), "customer_id");
        assert_eq!(normalize("ORDER-DATE"), "order_date");
        assert_eq!(normalize("amount"), "amount");
    }

    #[test]
    fn headers_are_listed_short_and_escaped() {
        let many: Vec<String> = (0..1000).map(|i| format!("c{i}")).collect();
        let list = listed(&many);
        assert!(
            list.ends_with("c28, c29, … (1000 columns in all)"),
            "{list}"
        );
        let odd = vec!["\u{1b}[31mred".to_string(), "x".repeat(90)];
        assert_eq!(
            listed(&odd),
            format!("\\u{{1b}}[31mred, {}…", "x".repeat(80))
        );
    }

    #[test]
    fn a_column_is_mapped_or_derived_once() {
        let known = ["order_id", "amount"];
        let pairs = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let e = ColumnMap::parse("--map", &pairs(&["amount=A", "Amount=B"]), &known);
        assert_eq!(
            e.unwrap_err().to_string(),
            "--map \"Amount=B\": amount is mapped already; give it once"
        );
        let map = ColumnMap::default();
        let e = map.derive(&pairs(&["amount=a*b", "amount=c"]), &known);
        assert_eq!(
            e.unwrap_err().to_string(),
            "--derive \"amount=c\": amount is derived already; give it once"
        );
    }

    #[test]
    fn map_refuses_unknown_canonical_names() {
        let known = ["order_id", "amount"];
        let map = ColumnMap::parse("--map", &["Amount = Net Sales".to_string()], &known).unwrap();
        assert_eq!(map.header_for("amount"), "net_sales");
        assert_eq!(map.header_for("order_id"), "order_id");
        assert!(ColumnMap::parse("--map", &["price=Net".to_string()], &known).is_err());
        assert!(ColumnMap::parse("--map", &["amount".to_string()], &known).is_err());
    }
}
