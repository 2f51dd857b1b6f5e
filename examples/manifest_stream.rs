//! Writes the benchmarks' generated manifest stream of N objects to standard output, for
//! whole-process timings of `hostwiz check` (benches/run.sh).
//!
//! usage: cargo run --release --example manifest_stream -- N > stream.yaml

#[path = "../tests/support/stream.rs"]
mod stream;

use std::io::Write;

fn main() {
    let objects = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    std::io::stdout()
        .write_all(stream::stream(objects).as_bytes())
        .expect("write the stream to standard output");
}
