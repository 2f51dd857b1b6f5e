//! The core's hot paths: answers → plan → every rule (what the wizard runs per keystroke), and
//! rendering every file of a preset.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use hostwiz::source::{self, Source};
use hostwiz::{check, render, Plan};

fn presets() -> Vec<(&'static str, hostwiz::Answers)> {
    ["k8s-ha-worker", "vps-worker", "gcp-cloud-run-worker"]
        .into_iter()
        .map(|p| {
            (
                p,
                source::load(&Source::Preset(p.into()), &[]).expect("built-in preset loads"),
            )
        })
        .collect()
}

fn plan_and_rules(c: &mut Criterion) {
    for (name, answers) in presets() {
        c.bench_function(&format!("plan+rules/{name}"), |b| {
            b.iter(|| check(&Plan::from(black_box(&answers))))
        });
    }
}

fn render_files(c: &mut Criterion) {
    for (name, answers) in presets() {
        c.bench_function(&format!("render/{name}"), |b| {
            b.iter(|| render::render(black_box(&answers)))
        });
    }
}

/// Baselines measured in the same run, so figures can be read as ratios on any machine:
/// cloning the answers (the least work any step does with them) and copying the rendered bytes
/// (the least work any renderer does).
fn baselines(c: &mut Criterion) {
    let (_, answers) = presets().remove(0);
    c.bench_function("baseline/clone-answers", |b| {
        b.iter(|| black_box(&answers).clone())
    });
    let bytes: String = render::render(&answers)
        .into_iter()
        .map(|f| f.contents)
        .collect();
    c.bench_function("baseline/copy-rendered-bytes", |b| {
        b.iter(|| black_box(&bytes).clone())
    });
}

criterion_group!(benches, baselines, plan_and_rules, render_files);
criterion_main!(benches);
