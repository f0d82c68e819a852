//! Issue 16, item 1: the metric fold split by customer. From three threads on, lines go to fold
//! threads by blocks of customer ids, each thread folds into a state of its own, and the states
//! are merged at the end. Every run is compared, stdout and stderr byte for byte, with
//! `--threads 1`, which folds on the reading thread. A block is 4096 ids; `XSELL_FOLD_BLOCK`
//! makes it small, so that the few customers of a fixture spread over every fold thread.

use std::fmt::Write;

use crate::workdir::*;

/// Threads 3 and 4 fold on 1 and 2 threads of their own, 8 on 4, 16 on 8.
const THREADS: [&str; 4] = ["3", "4", "8", "16"];

/// Runs `line` at `--threads 1`, then at every thread count of [`THREADS`] with blocks of each
/// of `blocks` customer ids (`None`: the real block), and asserts that exit code, stdout and
/// stderr are always the same. Returns the first run.
#[track_caller]
fn same_at_every_split(w: &Workdir, line: &str, blocks: &[Option<&str>]) -> String {
    let one = run(&mut w.cmd(&format!("{line} --threads 1")));
    assert_eq!(one.0, Some(0), "{line}: {}", one.2);
    for threads in THREADS {
        for block in blocks {
            let mut cmd = w.cmd(&format!("{line} --threads {threads}"));
            if let Some(block) = block {
                cmd.env("XSELL_FOLD_BLOCK", block);
            }
            let got = run(&mut cmd);
            assert_eq!(got, one, "{line} --threads {threads}, blocks of {block:?}");
        }
    }
    one.1
}

#[test]
fn the_shipped_fixtures_give_the_same_whatever_the_fold_threads() {
    let file = |path: &str| crate_file(path).display().to_string();
    let (orders, campaigns) = (file("fixtures/orders.csv"), file("fixtures/campaigns.csv"));
    let w = Workdir::new();
    let blocks = [Some("1"), Some("7"), None];
    for line in [
        // Every metric, judged; then sliced by line and customer dimensions and periods (the
        // folds' side maps), by category (baskets widened to every category), and in a window
        // (history before it).
        format!("report {orders} --campaigns {campaigns} --industry e-commerce --format csv"),
        format!(
            "report {orders} --campaigns {campaigns} --by channel --by segment --period month \
             --format csv"
        ),
        format!("report {orders} --by category --period quarter --format csv"),
        format!(
            "report {orders} --campaigns {campaigns} --from 2024-03-01 --to 2024-09-30 \
             --level category --format csv"
        ),
        format!("compute --metric cross-sell {orders} --by loyalty --format csv"),
    ] {
        let out = same_at_every_split(&w, &line, &blocks);
        assert!(out.lines().count() > 2, "{line}: {out}");
    }
}

/// Orders of `customers` customers, each with lines on a few days: more customers than one
/// block holds, so that the real blocks spread them over the fold threads too.
fn many_customers(customers: u32) -> String {
    let mut text = String::from("order_id,customer_id,order_date,product_id,category,amount\n");
    let mut order = 0;
    for c in 0..customers {
        for visit in 0..(c % 3 + 1) {
            order += 1;
            for item in 0..(c % 4 + 1) {
                let (month, day) = (1 + (c + visit) % 12, 1 + (c * 7 + visit) % 28);
                let product = (c + item * 13) % 50;
                let cents = 100 + (c * 31 + item) % 9000;
                // A return now and then.
                let sign = if (c + item) % 17 == 0 { "-" } else { "" };
                writeln!(
                    text,
                    "O{order},U{c},2024-{month:02}-{day:02},P{product},K{},{sign}{}.{:02}",
                    product % 6,
                    cents / 100,
                    cents % 100
                )
                .unwrap();
            }
        }
    }
    text
}

#[test]
fn customers_of_many_blocks_give_the_same_whatever_the_fold_threads() {
    // 10000 customers: ids 0 to 9999 lie in blocks 0, 1 and 2 of 4096.
    let w = Workdir::with(&[("o.csv", &many_customers(10_000))]);
    for line in [
        "report o.csv --format csv",
        "report o.csv --by category --period month --format csv",
    ] {
        let out = same_at_every_split(&w, line, &[None, Some("5")]);
        assert!(out.contains("cross-sell"), "{line}: {out}");
    }
}
