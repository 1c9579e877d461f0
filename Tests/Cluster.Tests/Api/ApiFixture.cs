namespace Vsr.Cluster.Tests.Api;

/// <summary>The API with its co-hosted silo and a client of it, shared by a test class; a subclass passes extra settings.</summary>
public class ApiFixture(IReadOnlyDictionary<string, string>? settings) : IAsyncLifetime
{
    public ApiFixture()
        : this(null)
    {
    }

    public ApiFactory Factory { get; } = new(settings);

    public HttpClient Client { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Client = Factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
    }
}
