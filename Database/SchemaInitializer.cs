using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Vsr.Database;

/// <summary>
/// Brings a PostgreSQL database up to the schema the Orleans ADO.NET providers (clustering, grain storage,
/// reminders) need. All scripts run in one transaction under an advisory lock, so several silos or a Kubernetes Job
/// may run it at once: one applies, the others wait and then re-apply harmlessly, and a failure leaves nothing half
/// done. The database itself must already exist.
/// </summary>
public sealed class SchemaInitializer(string connectionString, ILogger<SchemaInitializer>? logger = null)
{
    /// <summary>The key of the transaction-scoped advisory lock that serializes initializers ("vsr-schema").</summary>
    public const long AdvisoryLockKey = 0x7673722D736368;

    private readonly ILogger _logger = logger ?? NullLogger<SchemaInitializer>.Instance;

    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using (var takeLock = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            takeLock.Parameters.AddWithValue("key", AdvisoryLockKey);
            await takeLock.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var script in SchemaScripts.All)
        {
            await using var command = new NpgsqlCommand(script.Sql, connection, transaction);
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException ex)
            {
                throw new SchemaInitializationException(script.Name, ex);
            }

            _logger.LogInformation("Applied schema script {Script} to {Database}", script.Name, connection.Database);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
