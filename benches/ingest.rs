//! `check`'s readers on a large generated manifest stream (20,000 objects), beside the least
//! work any reader does with the same bytes (counting its lines), measured in the same run.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use hostwiz::ingest::{manifests, yaml, Input};

/// A `helm template`-shaped stream: per group a Deployment, a Service and an HPA.
pub fn stream(objects: usize) -> String {
    let mut s = String::new();
    for i in 0..objects / 3 {
        s += &format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app{i}-api\n  labels:\n    app.kubernetes.io/component: api\n\
             spec:\n  replicas: 1\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/component: api\n    spec:\n      containers:\n\
             \x20       - name: api\n          image: \"ghcr.io/acme/starter-api:1.4.0\"\n          env:\n            - name: ENABLE_BILLING_RETRY_WORKER\n              value: \"true\"\n\
             ---\napiVersion: v1\nkind: Service\nmetadata:\n  name: app{i}-api\nspec:\n  selector:\n    app.kubernetes.io/component: api\n  ports:\n    - port: 8000\n\
             ---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: app{i}-api\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: app{i}-api\n  minReplicas: 1\n  maxReplicas: 1\n"
        );
    }
    s
}

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
        b.iter(|| manifests::manifests_plan(black_box(&input)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, manifests_throughput);
criterion_main!(benches);
