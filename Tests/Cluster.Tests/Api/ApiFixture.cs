namespace Vsr.Cluster.Tests.Api;

/// <summary>The API with its co-hosted silo and a client of it, shared by a test class; a subclass passes extra settings.</summary>
public class ApiFixture : IAsyncLifetime
{
    public ApiFixture()
        : this(null)
    {
    }

    // Protected: xUnit builds a class fixture through its one public constructor.
    protected ApiFixture(IReadOnlyDictionary<string, string>? settings)
    {
        Factory = new(settings);
    }

    public ApiFactory Factory { get; }

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
