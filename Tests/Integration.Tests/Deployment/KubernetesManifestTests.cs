using System.Collections.Concurrent;
using System.Diagnostics;
using k8s;
using k8s.Models;

namespace Vsr.Integration.Tests.Deployment;

/// <summary>
/// The kustomize layout under k8s/: each overlay is rendered offline with <c>kubectl kustomize</c> and parsed strictly
/// into the typed Kubernetes models (an unknown field is an error), then checked against what Orleans'
/// UseKubernetesHosting, the silo and the API need. No cluster is involved: scheduling, RBAC enforcement and the
/// images themselves are not exercised here.
/// </summary>
public sealed class KubernetesManifestTests
{
    public static TheoryData<string> Overlays => new() { "cpu", "gpu" };

    /// <summary>
    /// Every configuration key the manifests may set, in ':' form. From README "Configuration", "Job intake" and the S3
    /// options table (bound under Vsr:ObjectStore:S3), plus the durable-cluster switches read in
    /// Grains/Hosting (ClusteringRegistration, ObjectStoreRegistration, PostgresConnection). Array entries
    /// (<c>Vsr__Devices__0</c>) are checked without their index.
    /// </summary>
    private static readonly HashSet<string> KnownConfigurationKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "Orleans:Mode", "Orleans:ClusterId", "Orleans:ServiceId", "Orleans:SiloPort", "Orleans:GatewayPort",
        "Orleans:PrimarySilo", "Vsr:Clustering", "Orleans:ListenOnAnyAddress",
        "ConnectionStrings:Postgres",
        "Vsr:Devices", "Vsr:ModelsDirectory", "Vsr:WorkDirectory", "Vsr:ObjectStoreDirectory", "Vsr:GrainState",
        "Vsr:GrainStateDirectory",
        "Vsr:Jobs:ChunkSeconds", "Vsr:Jobs:MaxAttempts", "Vsr:Jobs:ChunksInFlightPerDevice", "Vsr:Jobs:Crf",
        "Vsr:Jobs:Preset", "Vsr:Jobs:NoDeviceTimeout", "Vsr:Jobs:ChunkTimeout",
        "Vsr:Inference:BatchSize", "Vsr:Inference:TileSize", "Vsr:Inference:TileOverlap", "Vsr:Inference:IntraOpThreads",
        "Vsr:Api:MaxUploadBytes", "Vsr:Api:ScratchDirectory", "Vsr:Api:RedirectDownloads", "Vsr:Api:DownloadUrlLifetime",
        "Vsr:Api:DirectUploads",
        "Vsr:ObjectStore:Kind",
        "Vsr:ObjectStore:S3:Endpoint", "Vsr:ObjectStore:S3:AccessKey", "Vsr:ObjectStore:S3:SecretKey",
        "Vsr:ObjectStore:S3:Bucket", "Vsr:ObjectStore:S3:UseSsl", "Vsr:ObjectStore:S3:Region",
        "Vsr:ObjectStore:S3:ScratchDirectory", "Vsr:ObjectStore:S3:PublicEndpoint",
        "Vsr:Queue:Kind", "Vsr:Queue:DepthSampleInterval",
        "Vsr:Queue:InProcess:Capacity", "Vsr:Queue:InProcess:MaxDeliveries", "Vsr:Queue:InProcess:Concurrency",
        "Vsr:Queue:InProcess:RetryDelay",
        "Vsr:Queue:RabbitMq:Uri", "Vsr:Queue:RabbitMq:QueueName", "Vsr:Queue:RabbitMq:DeadLetterQueueName",
        "Vsr:Queue:RabbitMq:MaxDeliveries", "Vsr:Queue:RabbitMq:Prefetch", "Vsr:Queue:RabbitMq:RedeliveryDelay",
        "Vsr:Queue:RabbitMq:PublishRetryLimit", "Vsr:Queue:RabbitMq:PublishRetryDelay",
        "Vsr:Queue:RabbitMq:PublishTimeout", "Vsr:Queue:RabbitMq:ReconnectInterval",
        "Vsr:Api:SubmissionLease",
        "Vsr:Webhooks:SigningSecret", "Vsr:Webhooks:PublicBaseUrl", "Vsr:Webhooks:Timeout", "Vsr:Webhooks:RetryDelays",
        "Vsr:Webhooks:AllowedHosts", "Vsr:Webhooks:AllowPrivateNetworks",
        "Vsr:Dashboard:Password", "Vsr:Dashboard:RequirePassword", "Vsr:Jobs:DeviceDrainTimeout", "Vsr:Api:MaxConcurrentUploads",
    };

    private static readonly string[] ConfigurationPrefixes = ["Vsr__", "Orleans__", "ConnectionStrings__"];

    private static readonly ConcurrentDictionary<string, Lazy<Rendered>> Cache = new();

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Overlay_renders_offline_with_kubectl_kustomize(string overlay)
    {
        var rendered = Render(overlay);

        Assert.True(rendered.ExitCode == 0, $"kubectl kustomize k8s/overlays/{overlay} exited {rendered.ExitCode}: {rendered.Stderr}");
        Assert.NotEmpty(rendered.Documents);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Overlay_contains_every_kind_the_cluster_needs(string overlay)
    {
        var docs = Docs(overlay);

        Assert.Single(docs.OfType<V1Namespace>());
        Assert.Single(docs.OfType<V1ServiceAccount>());
        Assert.Single(docs.OfType<V1Role>());
        Assert.Single(docs.OfType<V1RoleBinding>());
        Assert.Single(docs.OfType<V1Secret>());
        Assert.Single(docs.OfType<V2HorizontalPodAutoscaler>());
        Assert.Equal(["vsr-api", "vsr-silo"], docs.OfType<V1PodDisruptionBudget>().Select(p => p.Metadata.Name).Order());
        Assert.Single(docs.OfType<V1Job>());
        Assert.Single(docs.OfType<V1Service>());
        Assert.Equal(["vsr-api", "vsr-silo"], docs.OfType<V1Deployment>().Select(d => d.Metadata.Name).Order());
        Assert.Contains(docs.OfType<V1ConfigMap>(), c => c.Metadata.Name == "vsr-config");
        Assert.Contains(docs.OfType<V1ConfigMap>(), c => c.Data.Values.Any(v => v.Contains("kubernetes_sd_configs")));
        Assert.All(docs.OfType<IMetadata<V1ObjectMeta>>().Where(o => o is not V1Namespace),
            o => Assert.Equal("vsr", o.Metadata.NamespaceProperty));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Silo_pods_carry_the_orleans_labels_and_the_downward_api_env(string overlay)
    {
        var docs = Docs(overlay);
        var template = Silo(docs).Spec.Template;
        var env = Container(Silo(docs), "silo").Env.ToDictionary(e => e.Name);

        Assert.False(string.IsNullOrWhiteSpace(Lookup(template.Metadata.Labels, "orleans/serviceId")));
        Assert.False(string.IsNullOrWhiteSpace(Lookup(template.Metadata.Labels, "orleans/clusterId")));
        Assert.Equal("metadata.name", FieldPath(env, "POD_NAME"));
        Assert.Equal("metadata.namespace", FieldPath(env, "POD_NAMESPACE"));
        Assert.Equal("status.podIP", FieldPath(env, "POD_IP"));
        Assert.Equal("metadata.labels['orleans/serviceId']", FieldPath(env, "ORLEANS_SERVICE_ID"));
        Assert.Equal("metadata.labels['orleans/clusterId']", FieldPath(env, "ORLEANS_CLUSTER_ID"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Silo_exposes_the_silo_gateway_and_http_ports(string overlay)
    {
        var ports = Container(Silo(Docs(overlay)), "silo").Ports.Select(p => p.ContainerPort).ToHashSet();

        Assert.Contains(11111, ports);
        Assert.Contains(30000, ports);
        Assert.Contains(8080, ports);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Silo_gets_time_to_leave_the_cluster_before_it_is_killed(string overlay)
    {
        var silo = Silo(Docs(overlay));
        var shutdown = Container(silo, "silo").Env.Single(e => e.Name == "DOTNET_SHUTDOWNTIMEOUTSECONDS").Value;

        Assert.Equal("120", shutdown);
        Assert.True(silo.Spec.Template.Spec.TerminationGracePeriodSeconds >= 120,
            $"terminationGracePeriodSeconds is {silo.Spec.Template.Spec.TerminationGracePeriodSeconds}");
        Assert.True(silo.Spec.Template.Spec.TerminationGracePeriodSeconds > int.Parse(shutdown),
            "the kubelet must wait longer than the host's shutdown timeout");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Silo_and_api_probe_health_on_their_http_port_and_the_api_lives_without_its_cluster(string overlay)
    {
        var docs = Docs(overlay);
        foreach (var (container, liveness) in new[] { (Container(Silo(docs), "silo"), "/health"), (Container(Api(docs), "api"), "/health/live") })
        {
            foreach (var (probe, path) in new[] { (container.ReadinessProbe, "/health"), (container.LivenessProbe, liveness) })
            {
                Assert.NotNull(probe?.HttpGet);
                Assert.Equal(path, probe.HttpGet.Path);
                Assert.Equal(8080, ResolvePort(container, probe.HttpGet.Port));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Silo_rollout_adds_a_pod_before_it_removes_one_unless_that_pod_would_need_a_spare_gpu(string overlay)
    {
        var strategy = Silo(Docs(overlay)).Spec.Strategy;

        Assert.Equal("RollingUpdate", strategy.Type);
        var expected = overlay == "gpu" ? ("1", "0") : ("0", "1");
        Assert.Equal(expected, (strategy.RollingUpdate.MaxUnavailable.Value, strategy.RollingUpdate.MaxSurge.Value));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Api_replicas_wait_for_their_endpoints_to_go_before_they_stop_and_are_drained_one_at_a_time(string overlay)
    {
        var docs = Docs(overlay);
        var api = docs.OfType<V1Deployment>().Single(d => d.Metadata.Name == "vsr-api");
        var pdb = docs.OfType<V1PodDisruptionBudget>().Single(p => p.Metadata.Name == "vsr-api");

        var preStop = Assert.Single(api.Spec.Template.Spec.Containers).Lifecycle.PreStop;
        Assert.InRange(preStop.Sleep.Seconds, 3, 15);
        Assert.True(preStop.Sleep.Seconds < api.Spec.Template.Spec.TerminationGracePeriodSeconds);
        Assert.Equal("1", pdb.Spec.MaxUnavailable.Value);
        Assert.All(pdb.Spec.Selector.MatchLabels, l => Assert.Equal(l.Value, Lookup(api.Spec.Template.Metadata.Labels, l.Key)));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Silo_role_grants_exactly_the_pod_verbs_kubernetes_hosting_uses_to_the_silo_account(string overlay)
    {
        var docs = Docs(overlay);
        var role = docs.OfType<V1Role>().Single();
        var binding = docs.OfType<V1RoleBinding>().Single();
        var account = Silo(docs).Spec.Template.Spec.ServiceAccountName;

        var rule = Assert.Single(role.Rules);
        Assert.Equal([""], rule.ApiGroups);
        Assert.Equal(["pods"], rule.Resources);
        Assert.Equal(["delete", "get", "list", "patch", "watch"], rule.Verbs.Order());
        Assert.Equal(("Role", role.Metadata.Name), (binding.RoleRef.Kind, binding.RoleRef.Name));
        var subject = Assert.Single(binding.Subjects);
        Assert.Equal(("ServiceAccount", account, "vsr"), (subject.Kind, subject.Name, subject.NamespaceProperty));
        Assert.Equal(account, docs.OfType<V1ServiceAccount>().Single().Metadata.Name);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Api_is_an_orleans_client_of_the_silos_cluster_behind_a_service(string overlay)
    {
        var docs = Docs(overlay);
        var api = Api(docs);
        var apiEnv = EffectiveEnv(Container(api, "api"), docs);
        var siloLabels = Silo(docs).Spec.Template.Metadata.Labels;
        var service = docs.OfType<V1Service>().Single();

        Assert.Equal("Client", apiEnv["Orleans__Mode"]);
        Assert.Equal("AdoNet", apiEnv["Vsr__Clustering"]);
        Assert.Equal(siloLabels["orleans/serviceId"], apiEnv["Orleans__ServiceId"]);
        Assert.Equal(siloLabels["orleans/clusterId"], apiEnv["Orleans__ClusterId"]);
        Assert.Equal(2, api.Spec.Replicas);
        Assert.All(service.Spec.Selector, s => Assert.Equal(s.Value, Lookup(api.Spec.Template.Metadata.Labels, s.Key)));
        Assert.Contains(service.Spec.Ports, p => ResolvePort(Container(api, "api"), p.TargetPort) == 8080);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_configuration_env_key_names_a_real_setting(string overlay)
    {
        var docs = Docs(overlay);
        var keys = new List<string>();
        foreach (var container in PodSpecs(docs).SelectMany(p => p.Containers.Concat(p.InitContainers ?? [])))
        {
            keys.AddRange((container.Env ?? []).Select(e => e.Name));
            foreach (var source in container.EnvFrom ?? [])
            {
                // A reference to a ConfigMap or Secret that is not rendered would leave the pod unable to start.
                keys.AddRange(source.ConfigMapRef is { } c
                    ? Assert.Single(docs.OfType<V1ConfigMap>(), m => m.Metadata.Name == c.Name).Data.Keys
                    : Assert.Single(docs.OfType<V1Secret>(), s => s.Metadata.Name == source.SecretRef.Name).StringData.Keys);
            }
        }

        var configurationKeys = keys.Where(k => ConfigurationPrefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal))).Distinct().ToList();
        Assert.Contains("Vsr__Devices__0", configurationKeys);
        var unknown = configurationKeys.Where(k => !KnownConfigurationKeys.Contains(ToConfigurationKey(k))).ToList();
        Assert.True(unknown.Count == 0, "not configuration keys of the project: " + string.Join(", ", unknown));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Silos_settings_select_the_durable_providers_and_a_scratch_volume(string overlay)
    {
        var docs = Docs(overlay);
        var silo = Silo(docs);
        var container = Container(silo, "silo");
        var env = EffectiveEnv(container, docs);

        Assert.Equal("AdoNet", env["Vsr__Clustering"]);
        Assert.Equal("true", env["Orleans__ListenOnAnyAddress"]);
        Assert.Equal("AdoNet", env["Vsr__GrainState"]);
        Assert.Equal("S3", env["Vsr__ObjectStore__Kind"]);
        Assert.Equal("RabbitMq", env["Vsr__Queue__Kind"]);
        foreach (var secret in new[] { "ConnectionStrings__Postgres", "Vsr__ObjectStore__S3__AccessKey", "Vsr__ObjectStore__S3__SecretKey", "Vsr__Queue__RabbitMq__Uri" })
        {
            Assert.True(env.ContainsKey(secret), $"{secret} is not given to the silo");
        }

        var work = env["Vsr__WorkDirectory"];
        var mount = Assert.Single(container.VolumeMounts, m => work.StartsWith(m.MountPath.TrimEnd('/') + "/", StringComparison.Ordinal));
        Assert.NotNull(silo.Spec.Template.Spec.Volumes.Single(v => v.Name == mount.Name).EmptyDir);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Silos_scale_between_two_and_more_with_a_disruption_budget(string overlay)
    {
        var docs = Docs(overlay);
        var silo = Silo(docs);
        var hpa = docs.OfType<V2HorizontalPodAutoscaler>().Single();
        var pdb = docs.OfType<V1PodDisruptionBudget>().Single(p => p.Metadata.Name == "vsr-silo");

        Assert.Equal(("Deployment", silo.Metadata.Name), (hpa.Spec.ScaleTargetRef.Kind, hpa.Spec.ScaleTargetRef.Name));
        Assert.Equal(2, hpa.Spec.MinReplicas);
        Assert.True(hpa.Spec.MaxReplicas > hpa.Spec.MinReplicas);
        Assert.NotEmpty(hpa.Spec.Metrics);
        Assert.All(pdb.Spec.Selector.MatchLabels, l => Assert.Equal(l.Value, Lookup(silo.Spec.Template.Metadata.Labels, l.Key)));
        Assert.Equal("1", pdb.Spec.MaxUnavailable.Value);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Schema_job_runs_the_silo_image_with_init_db(string overlay)
    {
        var docs = Docs(overlay);
        var job = docs.OfType<V1Job>().Single();
        var container = Assert.Single(job.Spec.Template.Spec.Containers);

        Assert.Equal(Container(Silo(docs), "silo").Image, container.Image);
        Assert.Equal(["--init-db"], container.Args);
        Assert.Contains(container.Env, e => e.Name == "ConnectionStrings__Postgres" && e.ValueFrom?.SecretKeyRef is not null);
        Assert.Contains(job.Spec.Template.Spec.RestartPolicy, new[] { "OnFailure", "Never" });
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Pods_are_annotated_for_prometheus_and_secret_template_holds_only_placeholders(string overlay)
    {
        var docs = Docs(overlay);
        foreach (var deployment in new[] { Silo(docs), Api(docs) })
        {
            var annotations = deployment.Spec.Template.Metadata.Annotations;
            Assert.Equal("true", annotations["prometheus.io/scrape"]);
            Assert.Equal("/metrics", annotations["prometheus.io/path"]);
            Assert.Equal("8080", annotations["prometheus.io/port"]);
        }

        Assert.All(docs.OfType<V1Secret>().Single().StringData, kv => Assert.Contains("REPLACE_ME", kv.Value));
    }

    [Fact]
    public void Gpu_overlay_requests_one_gpu_for_cuda_0()
    {
        var container = Container(Silo(Docs("gpu")), "silo");

        Assert.Equal("cuda:0", container.Env.Single(e => e.Name == "Vsr__Devices__0").Value);
        Assert.Equal("1", container.Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.Equal("1", container.Resources.Requests["nvidia.com/gpu"].ToString());
        Assert.DoesNotContain(container.Env, e => e.Name.StartsWith("Vsr__Devices__", StringComparison.Ordinal) && e.Value.StartsWith("cpu", StringComparison.Ordinal));
    }

    [Fact]
    public void Cpu_overlay_requests_no_gpu_and_runs_on_cpu_0()
    {
        var docs = Docs("cpu");
        var container = Container(Silo(docs), "silo");

        Assert.Equal("cpu:0", container.Env.Single(e => e.Name == "Vsr__Devices__0").Value);
        Assert.DoesNotContain(container.Env, e => e.Name.StartsWith("Vsr__Devices__", StringComparison.Ordinal) && e.Value.StartsWith("cuda", StringComparison.Ordinal));
        foreach (var resources in PodSpecs(docs).SelectMany(p => p.Containers).Select(c => c.Resources))
        {
            Assert.False(resources?.Limits?.ContainsKey("nvidia.com/gpu") ?? false, "a container still has a GPU limit");
            Assert.False(resources?.Requests?.ContainsKey("nvidia.com/gpu") ?? false, "a container still requests a GPU");
        }
    }

    private static string? Lookup(IDictionary<string, string>? map, string key) =>
        map is not null && map.TryGetValue(key, out var value) ? value : null;

    private static string ToConfigurationKey(string environmentName) =>
        string.Join(':', environmentName.Split("__").Where(segment => !segment.All(char.IsAsciiDigit)));

    private static string? FieldPath(Dictionary<string, V1EnvVar> env, string name) =>
        env.TryGetValue(name, out var variable) ? variable.ValueFrom?.FieldRef?.FieldPath : null;

    private static int ResolvePort(V1Container container, IntOrString port) =>
        int.TryParse(port.Value, out var number) ? number : container.Ports.Single(p => p.Name == port.Value).ContainerPort;

    /// <summary>What the process sees: envFrom sources in order, then env (which wins). valueFrom entries count as set.</summary>
    private static Dictionary<string, string> EffectiveEnv(V1Container container, IReadOnlyList<object> docs)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in container.EnvFrom ?? [])
        {
            var data = source.ConfigMapRef is { } c
                ? docs.OfType<V1ConfigMap>().Single(m => m.Metadata.Name == c.Name).Data
                : docs.OfType<V1Secret>().Single(s => s.Metadata.Name == source.SecretRef.Name).StringData;
            foreach (var (key, value) in data)
            {
                env[key] = value;
            }
        }

        foreach (var variable in container.Env ?? [])
        {
            env[variable.Name] = variable.Value ?? $"<from {variable.ValueFrom?.FieldRef?.FieldPath ?? variable.ValueFrom?.SecretKeyRef?.Key}>";
        }

        return env;
    }

    private static V1Deployment Silo(IReadOnlyList<object> docs) => docs.OfType<V1Deployment>().Single(d => d.Metadata.Name == "vsr-silo");

    private static V1Deployment Api(IReadOnlyList<object> docs) => docs.OfType<V1Deployment>().Single(d => d.Metadata.Name == "vsr-api");

    private static V1Container Container(V1Deployment deployment, string name) =>
        deployment.Spec.Template.Spec.Containers.Single(c => c.Name == name);

    private static IEnumerable<V1PodSpec> PodSpecs(IReadOnlyList<object> docs) =>
        docs.OfType<V1Deployment>().Select(d => d.Spec.Template.Spec).Concat(docs.OfType<V1Job>().Select(j => j.Spec.Template.Spec));

    private static IReadOnlyList<object> Docs(string overlay)
    {
        var rendered = Render(overlay);
        Assert.True(rendered.ExitCode == 0, $"kubectl kustomize k8s/overlays/{overlay} exited {rendered.ExitCode}: {rendered.Stderr}");
        return rendered.Documents;
    }

    private static Rendered Render(string overlay) => Cache.GetOrAdd(overlay, o => new Lazy<Rendered>(() => RunKustomize(o))).Value;

    private static Rendered RunKustomize(string overlay)
    {
        var directory = Path.Combine(RepositoryRoot(), "k8s", "overlays", overlay);
        var start = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("kustomize");
        start.ArgumentList.Add(directory);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("kubectl did not start (is it on PATH?)");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl kustomize {directory} did not finish in 60 s");
        }

        var exitCode = process.ExitCode;
        // Strict: a misspelled or misplaced field in a manifest fails the parse instead of being dropped.
        var documents = exitCode == 0 ? KubernetesYaml.LoadAllFromString(stdout.Result, typeMap: null, strict: true) : [];
        return new Rendered(exitCode, stderr.Result, documents);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Orleans.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no Orleans.sln above {AppContext.BaseDirectory}");
    }

    private sealed record Rendered(int ExitCode, string Stderr, IReadOnlyList<object> Documents);
}
