using Npgsql;

namespace Vsr.Database;

/// <summary>A schema script was rejected by PostgreSQL; the transaction was rolled back, so nothing was applied.</summary>
public sealed class SchemaInitializationException(string script, PostgresException inner)
    : Exception($"Schema script '{script}' failed: {inner.MessageText} (SQLSTATE {inner.SqlState}). No change was applied.", inner)
{
    public string Script { get; } = script;
}
