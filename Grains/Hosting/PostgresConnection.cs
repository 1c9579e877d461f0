using Microsoft.Extensions.Configuration;

namespace Vsr.Grains.Hosting;

/// <summary>The one PostgreSQL connection string that Orleans clustering, grain state and reminders share.</summary>
public static class PostgresConnection
{
    /// <summary>The ADO.NET invariant Orleans uses to load Npgsql.</summary>
    public const string Invariant = "Npgsql";

    public const string Name = "Postgres";

    public static string Require(IConfiguration configuration, string neededBy) =>
        configuration.GetConnectionString(Name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{neededBy} needs ConnectionStrings:{Name} (an Npgsql connection string).");
}
