//! The generated input of `check`'s benchmarks, shared by the criterion bench, the
//! `manifest_stream` example that writes it to a file for whole-process timings, and the
//! suite's `yaml_fast` tests, which hold the fast YAML path to it.

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

/// One release of the starter chart's full output: `helm template` of the real chart
/// (trevor-nichols/openai-agents-saas-starter, ops/charts/starter) with every part on: API, web
/// and worker Deployments with their env and secret references, two Services, two Ingresses
/// (web and API host, with TLS), two HPAs, three ExternalSecrets and the ServiceAccount. Its
/// release is `rel0` (its names and `app.kubernetes.io/instance` label), its hosts
/// `app0.example.com` and `api0.example.com`.
const CHART_RELEASE: &str = include_str!("chart_release.yaml");

/// A realistic `helm template` stream: `releases` releases of the chart's full output (about
/// 11.9 KB each), each with its own names and hosts, so nothing repeats from one to the next.
pub fn chart_stream(releases: usize) -> String {
    let mut s = String::with_capacity(releases * (CHART_RELEASE.len() + 64));
    for i in 0..releases {
        s += &CHART_RELEASE
            .replace("rel0", &format!("rel{i}"))
            .replace("app0.", &format!("app{i}."))
            .replace("api0.", &format!("api{i}."));
    }
    s
}
