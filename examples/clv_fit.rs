//! Fits the CLV models (`xsell::clv`) and times the fits: on the CDNOW sample summary of
//! `tests/clv/`, then on a synthetic population drawn from the models, in whole days.
//!
//! ```text
//! cargo run --release --example clv_fit                  # CDNOW + 1,000,000 synthetic customers
//! cargo run --release --example clv_fit -- 1250000 7 2   # customers, seed, threads
//! ```
//!
//! The synthetic customers first bought on a day spread evenly over the 730 days before the end
//! and follow BG/NBD r 0.25, α 30 days, a 0.8, b 2.5 and Gamma-Gamma p 6, q 3.5, v 15. Timings are
//! wall-clock; threads default to `std::thread::available_parallelism`. Last, it times the
//! streaming RFM summary of 8 order lines per customer (dates and amounts from a hash, in no
//! particular order).

use std::time::Instant;

use chrono::{Days, NaiveDate};
use xsell::clv::simulate::{Rng, customer};
use xsell::clv::{
    BgNbd, ClvOptions, Fit, GammaGamma, Rfm, RfmAccumulator, TimeUnit, customer_lifetime_value,
};
use xsell::money::Money;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u32 = args
        .next()
        .map_or(1_000_000, |a| a.parse().expect("customers"));
    let seed: u64 = args.next().map_or(7, |a| a.parse().expect("seed"));
    let threads: usize = args.next().map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |a| a.parse().expect("threads"),
    );
    println!("threads: {threads}");

    let cdnow = cdnow();
    println!("CDNOW sample, {} customers (weeks):", cdnow.len());
    let started = Instant::now();
    let bg = BgNbd::fit(&cdnow, threads).expect("BG/NBD");
    let gg = GammaGamma::fit(&cdnow, threads).expect("Gamma-Gamma");
    let elapsed = started.elapsed();
    show("BG/NBD", &bg.fit);
    show("Gamma-Gamma", &gg.fit);
    println!("  both fits: {elapsed:.2?}\n");

    let truth = BgNbd {
        r: 0.25,
        alpha: 30.0,
        a: 0.8,
        b: 2.5,
    };
    let value = GammaGamma {
        p: 6.0,
        q: 3.5,
        v: 15.0,
    };
    let started = Instant::now();
    let mut rng = Rng::new(seed);
    let customers: Vec<Rfm> = (0..n)
        .map(|i| customer(&mut rng, &truth, &value, f64::from(i % 730), true))
        .collect();
    let repeat = customers.iter().filter(|c| c.frequency > 0).count();
    let mut triples: Vec<(u32, u64, u64)> = customers
        .iter()
        .map(|c| (c.frequency, c.recency.to_bits(), c.age.to_bits()))
        .collect();
    triples.sort_unstable();
    triples.dedup();
    println!(
        "synthetic: {n} customers ({repeat} repeat buyers, {} distinct (x, t_x, T)), drawn in {:.2?}",
        triples.len(),
        started.elapsed()
    );
    println!("  truth: BG/NBD {truth:?}, Gamma-Gamma {value:?}");

    let started = Instant::now();
    let bg = BgNbd::fit(&customers, threads).expect("BG/NBD");
    let bg_time = started.elapsed();
    show("BG/NBD", &bg.fit);
    println!("  BG/NBD fit: {bg_time:.2?}");
    let started = Instant::now();
    let gg = GammaGamma::fit(&customers, threads).expect("Gamma-Gamma");
    let gg_time = started.elapsed();
    show("Gamma-Gamma", &gg.fit);
    println!("  Gamma-Gamma fit: {gg_time:.2?}");

    let started = Instant::now();
    let options = ClvOptions::new(TimeUnit::Day);
    let mut total = 0.0;
    for c in &customers {
        total += bg.model.p_alive(c);
        total += bg.model.expected_purchases(365.0, c).unwrap_or(0.0);
        total += customer_lifetime_value(&bg.model, &gg.model, c, &options).unwrap_or(0.0);
    }
    println!(
        "  per-customer P(alive), E[Y(365)], 12-month CLV (one thread): {:.2?} (checksum {total:.6e})",
        started.elapsed()
    );

    let lines = 8 * u64::from(n);
    let end = NaiveDate::from_ymd_opt(2025, 12, 31).expect("a date");
    let started = Instant::now();
    let mut acc = RfmAccumulator::new(end);
    let mut rng = Rng::new(seed);
    let mut purchases = 0_u64;
    for k in 0..lines {
        let customer = (k % u64::from(n)) as u32;
        let back = (rng.uniform() * 730.0) as u64;
        let date = end - Days::new(back);
        let cents = (rng.uniform() * 20_000.0) as i128 - 200; // about 1% returns
        purchases += u64::from(acc.add(customer, date, Money::from_minor(cents * 100)));
    }
    acc.settle();
    let added = started.elapsed();
    let summaries = acc.summaries(TimeUnit::Day).count();
    println!(
        "RFM: {lines} lines ({purchases} purchases) added in {added:.2?}, {summaries} summaries after {:.2?}",
        started.elapsed()
    );
}

fn show<const N: usize>(model: &str, fit: &Fit<N>) {
    println!(
        "  {model}: ln L {:.4}, converged {}, {} iterations, {} customers",
        fit.log_likelihood, fit.converged, fit.iterations, fit.customers
    );
    for e in &fit.estimates {
        let se = e.se.map_or("n/a".to_string(), |s| format!("{s:.6}"));
        let ci = match (e.lower, e.upper) {
            (Some(l), Some(u)) => format!("[{l:.6}, {u:.6}]"),
            _ => "n/a".to_string(),
        };
        println!("    {:<6} {:>12.6}  se {se:>10}  95% {ci}", e.name, e.value);
    }
}

fn cdnow() -> Vec<Rfm> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/clv/cdnow_summary.csv");
    let mut reader = csv::Reader::from_path(path).expect(path);
    reader
        .records()
        .map(|r| {
            let r = r.expect(path);
            let f = |i: usize| r[i].trim().parse::<f64>().expect(path);
            Rfm::new(f(1) as u32, f(2), f(3), f(4))
        })
        .collect()
}
