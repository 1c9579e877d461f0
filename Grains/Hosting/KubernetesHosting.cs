using Microsoft.Extensions.Configuration;

namespace Vsr.Grains.Hosting;

/// <summary>
/// Whether a silo joins Orleans' Kubernetes hosting (<c>UseKubernetesHosting</c>): <c>Vsr:Kubernetes:Hosting</c>
/// when set, else only inside a pod (<c>KUBERNETES_SERVICE_HOST</c> set), where its in-cluster API client can start;
/// outside one it throws at start-up. It needs the pod RBAC of <c>k8s/base/rbac.yaml</c>.
/// </summary>
public static class KubernetesHosting
{
    public const string Setting = "Vsr:Kubernetes:Hosting";

    public static bool IsWanted(IConfiguration configuration, Func<string, string?> environment) =>
        configuration.GetValue<bool?>(Setting) ?? !string.IsNullOrEmpty(environment("KUBERNETES_SERVICE_HOST"));
}
