//! Writes the benchmarks' generated manifest stream of N objects to standard output, for
//! whole-process timings of `hostwiz check` (benches/run.sh); with `--releases N`, N releases
//! of the starter chart's full output instead.
//!
//! usage: cargo run --release --example manifest_stream -- [--releases] N > stream.yaml

#[path = "../tests/support/stream.rs"]
mod stream;

use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let releases = args.first().is_some_and(|a| a == "--releases");
    let n = args
        .get(usize::from(releases))
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let text = match releases {
        true => stream::chart_stream(n),
        false => stream::stream(n),
    };
    std::io::stdout()
        .write_all(text.as_bytes())
        .expect("write the stream to standard output");
}
