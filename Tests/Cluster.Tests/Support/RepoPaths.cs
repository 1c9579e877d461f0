namespace Vsr.Cluster.Tests.Support;

/// <summary>Locates the repository and its model cache, so tests use the same weights as ./run.sh.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string ModelsDirectory =>
        Environment.GetEnvironmentVariable("VSR_MODEL_DIR") ?? Path.Combine(Root, ".vsr", "models");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Orleans.sln not found above the test binaries.");
    }
}
