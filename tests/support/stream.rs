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
