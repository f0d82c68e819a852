//! `xsell presets`: the presets that read known exports, and `presets show NAME`.

use anyhow::{Result, bail};

use crate::cli::presets::PRESETS;
use crate::cli::{PresetsAction, PresetsArgs};
use crate::output::{self, Cell};

const COLUMNS: [&str; 2] = ["preset", "reads"];

pub fn run(args: &PresetsArgs) -> Result<()> {
    super::no_page(args.format.into(), "presets")?;
    if let Some(PresetsAction::Show { name }) = &args.action {
        let Some(preset) = PRESETS.iter().find(|p| p.name == *name) else {
            let names: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
            bail!("no preset {name:?}; the presets: {}", names.join(", "));
        };
        return super::write_with(None, |out| out.write_all(preset.text.as_bytes()));
    }
    let records: Vec<Vec<Cell>> = PRESETS
        .iter()
        .map(|p| vec![Cell::text(p.name), Cell::text(p.about)])
        .collect();
    super::write_with(None, |out| {
        output::write_records(out, args.format.into(), &COLUMNS, &records)
    })
}
