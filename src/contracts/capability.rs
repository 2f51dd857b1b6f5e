//! What a host offers that some rules and answer keys are about. Rules and keys name
//! capabilities, never hosts; each host module says which it has (`Host::capabilities`).

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Capability {
    /// The project's cloud APIs are enabled by the blueprint or by hand (SVC-*).
    ProjectServices,
    /// The web app and the API are given their public URLs as settings (ROUTE-007).
    PublicUrls,
    /// A public URL left unset falls back to the platform's own https hostname, whose
    /// certificate the platform manages (Container Apps FQDNs): unset is no ROUTE-007 break.
    DefaultUrls,
    /// Processes run on a platform that can scale them to zero (BILL-008), so a minimum of 0
    /// instances is a valid answer (`scale.api_min_replicas`).
    ScalableWorker,
    /// The API runs between a minimum and a maximum (`scale.api_min_replicas`).
    ScaleRange,
    /// Autoscaling is a choice the operator makes (`scale.autoscaling`).
    Autoscaler,
    /// Health probes send the pod or task IP as Host, so only `ALLOWED_HOSTS=*` admits them
    /// (BOOT-005).
    IpProbes,
    /// The platform sets `HOSTNAME` to the container's name, so the web must set `0.0.0.0`
    /// (BOOT-006).
    ContainerHostname,
    /// The platform reserves `PORT`: a container that sets it is refused (BOOT-010).
    ReservedPort,
    /// A deploy starts the new instance before the old one stops (ECS rolling deploys at
    /// 100 % / 200 %, a Container Apps revision swap), so one inline API is briefly two
    /// (BILL-004, a warning).
    OverlappingDeploys,
}
