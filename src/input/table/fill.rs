//! `--fill-down`: order-level fields that an export writes on an order's first line only.

use anyhow::{Result, bail};

use super::Table;
use crate::input::FieldError;
use crate::input::header::normalize;

/// Columns whose empty cells take the value of the previous row of the same group (an order's
/// lines): `key` is the spec of the group's column, `last` the group's value and each filled
/// column's last value in it, `filled` whether the current row took that value.
#[derive(Debug)]
pub(super) struct Fill {
    key: usize,
    last: String,
    columns: Vec<(usize, String, bool)>,
}

impl Fill {
    /// The value the current row took in column `spec`, if it took one.
    pub(super) fn filled(&self, spec: usize) -> Option<&str> {
        (self.columns.iter())
            .find(|c| c.0 == spec && c.2)
            .map(|c| c.1.as_str())
    }
}

impl Table {
    /// `--fill-down`: an empty cell in one of the columns `names` (canonical, as in `specs`)
    /// takes the value of the previous row with the same value in column `specs[key]` (an
    /// order's first line holds the order-level fields, as Shopify writes them).
    pub fn fill_down(&mut self, key: usize, names: &[String]) -> Result<()> {
        if names.is_empty() {
            return Ok(());
        }
        let columns = (names.iter())
            .map(|name| {
                let spec = self.specs.iter().position(|s| s.name == normalize(name));
                match spec {
                    Some(spec) if spec != key => Ok((spec, String::new(), false)),
                    _ => bail!(
                        "--fill-down {name}: expected columns of the orders other than {}, such as \
                         customer_id,order_date",
                        self.specs[key].name
                    ),
                }
            })
            .collect::<Result<Vec<_>>>()?;
        self.fill = Some(Fill {
            key,
            last: String::new(),
            columns,
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
            let key = self.cell(fill.key)?.unwrap_or_default();
            let same = key == fill.last;
            if !same {
                fill.last.clear();
                fill.last.push_str(key);
            }
            for (spec, last, filled) in &mut fill.columns {
                let text = self.cell(*spec)?.unwrap_or_default();
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
