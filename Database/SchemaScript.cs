namespace Vsr.Database;

/// <summary>One of the project's PostgreSQL schema scripts, in the order it is applied.</summary>
public sealed record SchemaScript(string Name, string Sql);
