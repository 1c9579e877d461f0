using System.Reflection;

namespace Vsr.Database;

/// <summary>
/// The schema scripts embedded in this assembly (<c>Schema/*.sql</c>), ordered by their numeric prefix. Each is
/// idempotent, so the whole list may be applied to a database that already has the schema.
/// </summary>
public static class SchemaScripts
{
    private const string ResourcePrefix = "Vsr.Database.Schema.";

    public static IReadOnlyList<SchemaScript> All { get; } = Load();

    private static SchemaScript[] Load()
    {
        var assembly = typeof(SchemaScripts).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name => new SchemaScript(name[ResourcePrefix.Length..], Read(assembly, name)))
            .ToArray();
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded schema script '{resource}' is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
