using Microsoft.Extensions.DependencyInjection;
using Vsr.Queue;

namespace Vsr.Cluster.Tests.Api;

/// <summary>
/// The API on a real Kestrel server (so request-size limits and framing errors are Kestrel's own), with a small upload
/// limit and a <see cref="ScriptedJobQueue"/> in front of the embedded queue.
/// </summary>
public sealed class EdgeApiFixture : IAsyncLifetime
{
    public const int MaxUploadBytes = 200_000;

    public ApiFactory Factory { get; } = new(
        new Dictionary<string, string> { ["Vsr:Api:MaxUploadBytes"] = MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        services =>
        {
            services.AddSingleton<ScriptedJobQueue>();
            services.AddSingleton<IJobQueue>(provider => provider.GetRequiredService<ScriptedJobQueue>());
        });

    public HttpClient Client { get; private set; } = null!;

    public ScriptedJobQueue Queue => Factory.Services.GetRequiredService<ScriptedJobQueue>();

    /// <inheritdoc cref="ApiFactory.StoredKeys"/>
    public IReadOnlyList<string> StoredKeys(Guid id) => Factory.StoredKeys(id);

    public Task InitializeAsync()
    {
        Factory.UseKestrel(0);
        Factory.StartServer();
        Client = Factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
    }
}
