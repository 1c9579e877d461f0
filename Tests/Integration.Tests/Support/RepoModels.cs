namespace Vsr.Integration.Tests.Support;

/// <summary>The model cache ./run.sh and ./test.sh fill (VSR_MODEL_DIR overrides it).</summary>
public static class RepoModels
{
    public static string Directory { get; } = Find();

    private static string Find()
    {
        if (Environment.GetEnvironmentVariable("VSR_MODEL_DIR") is { Length: > 0 } configured)
        {
            return configured;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.sln")))
            {
                return Path.Combine(dir.FullName, ".vsr", "models");
            }
        }

        throw new InvalidOperationException("Orleans.sln not found above the test binaries.");
    }
}
