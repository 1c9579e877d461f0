namespace Vsr.Engine.Tests;

/// <summary>
/// Finds the real model files the tests run against: <c>$VSR_MODEL_DIR</c> when set (the model root,
/// holding <c>source/</c>), otherwise <c>.vsr/models</c> beside <c>Orleans.sln</c>.
/// </summary>
internal static class TestModels
{
    public const string AnimeVideoV3 = "realesr-animevideov3";

    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>The model root, as <see cref="Vsr.Engine.Models.ModelCatalogOptions.Directory"/> expects it.</summary>
    public static string Directory => Root.Value;

    public static string SourceDirectory => Path.Combine(Directory, "source");

    public static string ParamPath => Path.Combine(SourceDirectory, $"{AnimeVideoV3}-x4.param");

    public static string BinPath => Path.Combine(SourceDirectory, $"{AnimeVideoV3}-x4.bin");

    private static string FindRoot()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("VSR_MODEL_DIR");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return Path.GetFullPath(fromEnvironment);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.sln")))
            {
                var root = Path.Combine(dir.FullName, ".vsr", "models");
                return File.Exists(Path.Combine(root, "source", $"{AnimeVideoV3}-x4.bin"))
                    ? root
                    : throw new InvalidOperationException($"The model is not at {root}/source; run ./scripts/fetch-model.sh first.");
            }
        }

        throw new InvalidOperationException("Orleans.sln not found above the test binaries; set VSR_MODEL_DIR to the model root.");
    }
}
