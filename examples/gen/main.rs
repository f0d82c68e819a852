//! Deterministic generator of realistic order and campaign data in xsell's input format.
//!
//! ```text
//! cargo run --release --example gen -- --lines 3000 --seed 7 --out fixtures
//! cargo run --release --example gen -- --lines 1900000 --products 300000 --out stress
//! ```
//!
//! Writes `orders.csv` and `campaigns.csv` to the output folder. The same `--lines` and `--seed`
//! always give byte-identical files. The shape follows typical retail exports: order counts per
//! customer are skewed (a few heavy buyers, many one-off buyers), an order has 1-4 lines, ~200
//! products sit in 12 categories with skewed popularity, dates span 2024-01-01..2025-12-31, about 1%
//! of lines are returns (negative amount and quantity), about 30% of orders are attributed to a
//! campaign that runs on the order's date, and each customer has a segment and a loyalty flag.
//!
//! With `--shopify` it also writes `orders-shopify.csv`: the same orders in the layout of Shopify's
//! "Export orders" CSV, plus about 1% refunded or voided orders and 1% guest orders (no email) that
//! a reader applying Shopify's rules leaves out (see `shopify.rs` and `benches/README.md`).
//! `orders.csv` is byte-identical with or without it: the Shopify file draws from a generator of
//! its own.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

mod shopify;

const CATEGORIES: [&str; 12] = [
    "audio",
    "cameras",
    "computers",
    "phones",
    "tv",
    "gaming",
    "home",
    "kitchen",
    "garden",
    "sports",
    "books",
    "toys",
];
const SEGMENTS: [&str; 3] = ["budget", "mainstream", "premium"];
const CHANNELS: [&str; 4] = ["email", "sms", "push", "web"];
const CAMPAIGN_TYPES: [&str; 4] = ["cross-sell", "upsell", "win-back", "newsletter"];
/// Products by default (`--products` sets another number, e.g. for the pairs stress test).
const PRODUCTS: u64 = 200;
/// Days from 2024-01-01 to 2025-12-31 inclusive.
const DAYS: u64 = 731;
const RETURN_PER_MILLE: u64 = 10;
const ATTRIBUTED_PERCENT: u64 = 30;

/// SplitMix64: tiny, fast and good enough for synthetic data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64 * n as f64) as u64
    }
    /// Skewed towards 0: the square of a uniform draw, so low indices are drawn far more often.
    fn skewed(&mut self, n: u64) -> u64 {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((u * u) * n as f64) as u64
    }
}

struct Campaign {
    start: u64,
    end: u64,
    channel: &'static str,
}

fn date(day: u64) -> String {
    let (y, m, d) = civil(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Year, month and day of `day` days after 2024-01-01.
fn civil(day: u64) -> (i64, i64, i64) {
    // Civil-from-days (Howard Hinnant), counting from 2024-01-01.
    let z = day as i64 + 19_723 + 719_468; // 19723 = days from 1970-01-01 to 2024-01-01
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn cents(c: u64) -> String {
    format!("{}.{:02}", c / 100, c % 100)
}

struct Args {
    lines: u64,
    seed: u64,
    out: PathBuf,
    products: u64,
    shopify: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        lines: 3000,
        seed: 7,
        out: PathBuf::from("."),
        products: PRODUCTS,
        shopify: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--shopify" {
            args.shopify = true;
            continue;
        }
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--lines" => args.lines = value.parse().map_err(|e| format!("--lines: {e}"))?,
            "--seed" => args.seed = value.parse().map_err(|e| format!("--seed: {e}"))?,
            "--out" => args.out = PathBuf::from(value),
            "--products" => match value.parse() {
                Ok(n) if n > 0 => args.products = n,
                _ => {
                    return Err(format!(
                        "--products: expected a positive number, got {value}"
                    ));
                }
            },
            _ => {
                return Err(format!(
                    "unknown flag {flag}; use --lines N --seed S --out DIR [--products N] [--shopify]"
                ));
            }
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    match parse_args().and_then(|a| generate(&a).map_err(|e| e.to_string())) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn generate(args: &Args) -> std::io::Result<()> {
    let mut rng = Rng(args.seed);
    let customers = (args.lines / 8).max(1);
    let n_campaigns = (args.lines / 250_000).clamp(6, 40);

    std::fs::create_dir_all(&args.out)?;
    let mut camp_out = BufWriter::new(File::create(args.out.join("campaigns.csv"))?);
    writeln!(
        camp_out,
        "campaign_id,campaign_type,channel,start_date,end_date,cost,impressions,clicks,targeted,conversions"
    )?;
    let mut campaigns = Vec::new();
    for i in 0..n_campaigns {
        let start = rng.below(DAYS - 30);
        let end = (start + 30 + rng.below(90)).min(DAYS - 1);
        let channel = CHANNELS[rng.below(CHANNELS.len() as u64) as usize];
        let targeted = 50 + rng.below(customers.max(100));
        let impressions = targeted * (1 + rng.below(4));
        let clicks = impressions * (2 + rng.below(12)) / 100;
        // Every third campaign leaves conversions empty: xsell then counts attributed buyers.
        let conversions = if i % 3 == 2 {
            String::new()
        } else {
            (clicks * (5 + rng.below(30)) / 100).to_string()
        };
        writeln!(
            camp_out,
            "C{:02},{},{},{},{},{},{},{},{},{}",
            i + 1,
            CAMPAIGN_TYPES[rng.below(4) as usize],
            channel,
            date(start),
            date(end),
            cents(10_000 + rng.below(500_000)),
            impressions,
            clicks,
            targeted,
            conversions
        )?;
        campaigns.push(Campaign {
            start,
            end,
            channel,
        });
    }
    camp_out.flush()?;

    let segment: Vec<&str> = (0..customers)
        .map(|_| SEGMENTS[rng.below(3) as usize])
        .collect();
    let loyal: Vec<bool> = (0..customers).map(|_| rng.below(100) < 35).collect();
    let price: Vec<u64> = (0..args.products)
        .map(|_| 299 + rng.below(19_700))
        .collect();

    let mut shop = if args.shopify {
        let file = args.out.join(shopify::FILE);
        Some(shopify::Writer::create(
            &file, args.seed, &price, &segment, &loyal,
        )?)
    } else {
        None
    };
    let mut lines = Vec::with_capacity(4);

    let mut out = BufWriter::with_capacity(1 << 20, File::create(args.out.join("orders.csv"))?);
    writeln!(
        out,
        "order_id,customer_id,order_date,product_id,category,quantity,amount,channel,campaign_id,segment,loyalty"
    )?;
    let (mut written, mut order) = (0u64, 0u64);
    while written < args.lines {
        order += 1;
        let customer = rng.skewed(customers);
        let mut day = rng.below(DAYS);
        let mut campaign = None;
        if rng.below(100) < ATTRIBUTED_PERCENT {
            // An attributed order falls inside its campaign's run.
            let k = rng.below(n_campaigns) as usize;
            day = campaigns[k].start + rng.below(campaigns[k].end - campaigns[k].start + 1);
            campaign = Some(k);
        }
        let channel = match campaign {
            Some(k) => campaigns[k].channel,
            None if rng.below(3) == 0 => "store",
            None => "web",
        };
        let lines_in_order = match rng.below(100) {
            0..50 => 1,
            50..75 => 2,
            75..90 => 3,
            _ => 4,
        };
        lines.clear();
        for _ in 0..lines_in_order.min(args.lines - written) {
            let product = rng.skewed(args.products);
            let quantity = 1 + rng.skewed(3);
            let amount = price[product as usize] * quantity;
            let returned = rng.below(1000) < RETURN_PER_MILLE;
            let (sign, qsign) = if returned { ("-", "-") } else { ("", "") };
            writeln!(
                out,
                "O{order:07},U{customer:06},{},P{:03},{},{qsign}{quantity},{sign}{},{channel},{},{},{}",
                date(day),
                product + 1,
                CATEGORIES[(product % 12) as usize],
                cents(amount),
                campaign
                    .map(|k| format!("C{:02}", k + 1))
                    .unwrap_or_default(),
                segment[customer as usize],
                loyal[customer as usize],
            )?;
            lines.push(shopify::Line {
                product,
                quantity,
                returned,
            });
            written += 1;
        }
        if let Some(shop) = shop.as_mut() {
            shop.order(&shopify::Order {
                customer: Some(customer),
                day,
                campaign,
                store: channel == "store",
                lines: &lines,
            })?;
        }
    }
    out.flush()?;
    if let Some(shop) = shop {
        let stats = shop.finish()?;
        eprintln!("gen: {}: {stats}", shopify::FILE);
    }
    Ok(())
}
