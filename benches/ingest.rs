//! `check`'s readers on a large generated manifest stream (20,000 objects), and how they scale
//! from 1k to 100k objects, beside the least work any reader does with the same bytes (counting
//! its lines), measured in the same run.

#[path = "../tests/support/stream.rs"]
mod stream;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use hostwiz::hosts::k8s;
use hostwiz::ingest::{yaml, Input};
use stream::{chart_stream, stream};

fn manifests_throughput(c: &mut Criterion) {
    let text = stream(20_000);
    let input = Input::new("stream.yaml", text.clone());
    let mut g = c.benchmark_group("manifests-20k");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(10);
    g.bench_function("baseline/count-lines", |b| {
        b.iter(|| black_box(&text).lines().count())
    });
    g.bench_function("saphyr-events", |b| {
        b.iter(|| saphyr_parser::Parser::new_from_str(black_box(&text)).count())
    });
    g.bench_function("yaml-tree", |b| {
        b.iter(|| yaml::load_all(black_box(&text)).unwrap().len())
    });
    g.bench_function("manifests-plan", |b| {
        b.iter(|| k8s::manifests_plan(black_box(&input)).unwrap())
    });
    g.finish();
}

/// How reading scales with the stream: the same plan at 1k, 10k and 100k objects, each beside
/// counting its lines.
fn manifests_scaling(c: &mut Criterion) {
    let mut g = c.benchmark_group("manifests-scaling");
    g.sample_size(10);
    for objects in [1_000, 10_000, 100_000] {
        let text = stream(objects);
        let input = Input::new("stream.yaml", text.clone());
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function(format!("baseline/count-lines/{objects}"), |b| {
            b.iter(|| black_box(&text).lines().count())
        });
        g.bench_function(format!("manifests-plan/{objects}"), |b| {
            b.iter(|| k8s::manifests_plan(black_box(&input)).unwrap())
        });
    }
    g.finish();
}

/// The realistic stream: the starter chart's full output (Ingresses, Services, Deployments with
/// env, HPAs, ExternalSecrets) over 250 and 1,000 releases (3 MB and 12 MB), each beside
/// counting its lines. Larger streams are timed whole-process by `benches/run.sh`.
fn chart_releases(c: &mut Criterion) {
    let mut g = c.benchmark_group("chart-releases");
    g.sample_size(10);
    for releases in [250, 1_000] {
        let text = chart_stream(releases);
        let input = Input::new("stream.yaml", text.clone());
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function(format!("baseline/count-lines/{releases}"), |b| {
            b.iter(|| black_box(&text).lines().count())
        });
        g.bench_function(format!("manifests-plan/{releases}"), |b| {
            b.iter(|| k8s::manifests_plan(black_box(&input)).unwrap())
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    manifests_throughput,
    manifests_scaling,
    chart_releases
);
criterion_main!(benches);
