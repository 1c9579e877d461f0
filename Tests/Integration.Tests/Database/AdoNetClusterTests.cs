using Microsoft.Extensions.DependencyInjection;
using Vsr.Database;
using Vsr.Integration.Tests.Grains;
using Vsr.Integration.Tests.Support;

namespace Vsr.Integration.Tests.Database;

/// <summary>A real silo and client on the project's schema: membership, grain state and reminders in PostgreSQL.</summary>
public sealed class AdoNetClusterTests : IAsyncLifetime
{
    private readonly ScratchDatabase _database = new();

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        await new SchemaInitializer(_database.ConnectionString).ApplyAsync(CancellationToken.None);
    }

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task Grain_state_and_reminders_survive_a_silo_restart()
    {
        var silo = await AdoNetHosts.StartSiloAsync(_database.ConnectionString);
        var client = await AdoNetHosts.StartClientAsync(_database.ConnectionString);
        var tally = client.Services.GetRequiredService<IClusterClient>().GetGrain<ITallyGrain>("job-1");
        await tally.AddAsync(2);
        Assert.Equal(5, await tally.AddAsync(3));
        await tally.RemindEveryMinuteAsync();

        Assert.Equal(1L, await _database.ScalarAsync<long>("SELECT count(*) FROM orleansmembershiptable WHERE status = 3"));
        Assert.Equal(1L, await _database.ScalarAsync<long>("SELECT count(*) FROM orleansstorage WHERE graintypestring = 'tally'"));
        Assert.Equal(1L, await _database.ScalarAsync<long>("SELECT count(*) FROM orleansreminderstable WHERE remindername = 'tally-tick'"));

        await AdoNetHosts.StopAsync(client);
        await AdoNetHosts.StopAsync(silo);
        Assert.Equal(0L, await _database.ScalarAsync<long>("SELECT count(*) FROM orleansmembershiptable WHERE status = 3"));

        silo = await AdoNetHosts.StartSiloAsync(_database.ConnectionString);
        client = await AdoNetHosts.StartClientAsync(_database.ConnectionString);
        try
        {
            tally = client.Services.GetRequiredService<IClusterClient>().GetGrain<ITallyGrain>("job-1");
            Assert.Equal(5, await tally.GetAsync());
            Assert.True(await tally.HasReminderAsync());
            Assert.Equal(6, await tally.AddAsync(1));
            Assert.Equal(2L, await _database.ScalarAsync<long>("SELECT count(*) FROM orleansmembershiptable"));
        }
        finally
        {
            await AdoNetHosts.StopAsync(client);
            await AdoNetHosts.StopAsync(silo);
        }
    }
}
