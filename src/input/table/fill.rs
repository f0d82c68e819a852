//! `--fill-down`: order-level fields that an export writes on an order's first line only.

use anyhow::{Result, bail};

use super::Table;
use crate::input::FieldError;
use crate::input::header::normalize;

/// Columns whose empty cells take the value of the previous row of the same group (an order's
/// lines): `key` is the file's column of the group, `last` the group's value and each filled
/// column's last value in it (by the file's column), `filled` whether the current row took that
/// value.
#[derive(Debug)]
pub(super) struct Fill {
    key: usize,
    last: String,
    columns: Vec<(usize, String, bool)>,
    /// The current row starts a group (another order than the row before) with an empty cell
    /// to fill: right for an order's first line, wrong for a line apart from its order's others.
    unfilled: bool,
}

impl Fill {
    /// Whether the current row starts a group with an empty cell to fill (see [`Fill::unfilled`]).
    pub(super) fn unfilled(&self) -> bool {
        self.unfilled
    }

    /// The file's columns it reads: the group's and the filled ones.
    pub(super) fn reads(&self) -> impl Iterator<Item = usize> + '_ {
        std::iter::once(self.key).chain(self.columns.iter().map(|c| c.0))
    }

    /// The value the current row took in the file's column `index`, if it took one.
    pub(super) fn filled(&self, index: usize) -> Option<&str> {
        (self.columns.iter())
            .find(|c| c.0 == index && c.2)
            .map(|c| c.1.as_str())
    }
}

impl Table {
    /// `--fill-down`: an empty cell in one of the columns `names` (canonical names, as in
    /// `specs`, or the file's headers) takes the value of the row before it when that row has the
    /// same value in column `specs[key]`: an order's first line holds the order-level fields and
    /// its other lines follow it, as Shopify writes them (lines of one order apart from each
    /// other are not filled).
    pub fn fill_down(&mut self, key: usize, names: &[String]) -> Result<()> {
        if names.is_empty() {
            return Ok(());
        }
        let key_name = self.specs[key].name;
        let Some(key) = self.columns[key] else {
            bail!("--fill-down needs {key_name} to be a column of the file, not derived");
        };
        let columns = (names.iter())
            .map(|name| {
                let spec = self.specs.iter().position(|s| s.name == normalize(name));
                let index = match spec {
                    Some(spec) if self.is_derived(spec) => bail!(
                        "--fill-down {name}: the column is derived (--derive); fill down the \
                         columns its expression reads instead"
                    ),
                    Some(spec) => self.columns[spec],
                    None => (self.headers.iter()).position(|h| normalize(h) == normalize(name)),
                };
                match index {
                    Some(index) if index != key => Ok((index, String::new(), false)),
                    Some(_) => bail!(
                        "--fill-down {name}: expected columns of the orders other than \
                         {key_name} (canonical names or the file's headers), such as \
                         customer_id,order_date"
                    ),
                    None => bail!(
                        "--fill-down {name}: {} has no such column; its columns: {}",
                        self.name,
                        crate::input::header::listed(&self.headers)
                    ),
                }
            })
            .collect::<Result<Vec<_>>>()?;
        self.fill = Some(Fill {
            key,
            last: String::new(),
            columns,
            unfilled: false,
        });
        Ok(())
    }

    /// Fills the current row's empty cells from the group's earlier rows (see
    /// [`Table::fill_down`]), and keeps its values for the rows after it.
    pub(super) fn fill_row(&mut self) -> Result<(), FieldError> {
        let Some(mut fill) = self.fill.take() else {
            return Ok(());
        };
        let result = (|| {
            let key = self.column(fill.key)?;
            let same = key == fill.last;
            if !same {
                fill.last.clear();
                fill.last.push_str(key);
            }
            fill.unfilled = false;
            for (index, last, filled) in &mut fill.columns {
                let text = self.column(*index)?;
                fill.unfilled |= text.is_empty() && !same;
                *filled = text.is_empty() && same && !last.is_empty();
                if !*filled {
                    last.clear();
                    last.push_str(text);
                }
            }
            Ok(())
        })();
        self.fill = Some(fill);
        result
    }
}
