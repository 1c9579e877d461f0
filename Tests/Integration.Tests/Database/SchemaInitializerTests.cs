using Vsr.Database;
using Vsr.Integration.Tests.Support;

namespace Vsr.Integration.Tests.Database;

public sealed class SchemaInitializerTests : IAsyncLifetime
{
    private readonly ScratchDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public void The_scripts_are_embedded_in_order()
    {
        Assert.Equal(
            ["001-orleans-queries.sql", "002-orleans-clustering.sql", "003-orleans-persistence.sql", "004-orleans-reminders.sql"],
            SchemaScripts.All.Select(s => s.Name));
    }

    [Fact]
    public async Task Applying_the_schema_twice_succeeds_and_leaves_every_table_and_query_the_providers_need()
    {
        var initializer = new SchemaInitializer(_database.ConnectionString);

        await initializer.ApplyAsync(CancellationToken.None);
        await initializer.ApplyAsync(CancellationToken.None);

        var tables = await _database.ColumnAsync("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'");
        Assert.Equal(OrleansQueryContract.Tables.Order(), tables.Order());
        var keys = await _database.ColumnAsync("SELECT querykey FROM orleansquery");
        Assert.Equal(
            OrleansQueryContract.Clustering.Concat(OrleansQueryContract.Persistence).Concat(OrleansQueryContract.Reminders).Order(),
            keys.Order());
    }

    [Fact]
    public async Task Initializers_racing_on_one_database_all_succeed()
    {
        var racers = Enumerable.Range(0, 4).Select(_ => new SchemaInitializer(_database.ConnectionString).ApplyAsync(CancellationToken.None));

        await Task.WhenAll(racers);

        Assert.Equal(20L, await _database.ScalarAsync<long>("SELECT count(*) FROM orleansquery"));
    }
}
