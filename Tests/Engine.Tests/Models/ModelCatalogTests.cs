using Vsr.Engine.Models;

namespace Vsr.Engine.Tests.Models;

public sealed class ModelCatalogTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("vsr-catalog-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void List_reports_the_default_model_with_its_scales_and_licence()
    {
        var catalog = new ModelCatalog(new ModelCatalogOptions { Directory = TestModels.Directory });

        var model = Assert.Single(catalog.List(), m => m.Name == ModelCatalog.DefaultModel);

        Assert.Equal([2, 4], model.Scales);
        Assert.True(model.Available);
        Assert.Contains("BSD-3-Clause", model.License);
        Assert.Contains("Xintao Wang", model.License);
        Assert.Contains("anime", model.Description);
    }

    [Fact]
    public void List_reports_a_model_without_weights_as_unavailable()
    {
        var catalog = new ModelCatalog(new ModelCatalogOptions { Directory = _directory });

        Assert.False(Assert.Single(catalog.List(), m => m.Name == ModelCatalog.DefaultModel).Available);
    }

    [Theory]
    [InlineData("real-x2", 2)]
    [InlineData("real-x4", 4)]
    [InlineData("denoise-x1", 1)]
    [InlineData("deblock-x1", 1)]
    public void The_bundled_models_are_listed_with_the_projects_licence_and_resolve_to_their_onnx_file(string name, int scale)
    {
        var catalog = new ModelCatalog(new ModelCatalogOptions { Directory = _directory });

        var model = Assert.Single(catalog.List(), m => m.Name == name);

        Assert.Equal([scale], model.Scales);
        Assert.True(model.Available);
        Assert.Contains("project's own", model.License);
        Assert.True(File.Exists(catalog.GetOnnxPath(name, scale)));
        Assert.Throws<ModelUnavailableException>(() => catalog.GetOnnxPath(name, scale == 4 ? 2 : 4));
    }

    [Fact]
    public void A_missing_bundled_model_is_unavailable_and_the_message_says_where_it_was_expected()
    {
        var catalog = new ModelCatalog(new ModelCatalogOptions { Directory = _directory, BundledDirectory = _directory });

        Assert.False(Assert.Single(catalog.List(), m => m.Name == "real-x2").Available);
        var error = Assert.Throws<ModelUnavailableException>(() => catalog.GetOnnxPath("real-x2", 2));
        Assert.Contains(Path.Combine(_directory, "real-x2", "model.onnx"), error.Message);
    }

    [Fact]
    public void An_unknown_model_is_unavailable_and_the_message_lists_the_known_ones()
    {
        var catalog = new ModelCatalog(new ModelCatalogOptions { Directory = TestModels.Directory });

        var error = Assert.Throws<ModelUnavailableException>(() => catalog.GetOnnxPath("no-such-model", 4));

        Assert.Contains(ModelCatalog.DefaultModel, error.Message);
    }

    [Fact]
    public void An_unsupported_scale_is_unavailable()
    {
        var catalog = new ModelCatalog(new ModelCatalogOptions { Directory = TestModels.Directory });

        Assert.Throws<ModelUnavailableException>(() => catalog.GetOnnxPath(ModelCatalog.DefaultModel, 3));
    }

    [Fact]
    public void Missing_weights_are_unavailable_and_the_message_says_how_to_fetch_them()
    {
        var catalog = new ModelCatalog(new ModelCatalogOptions { Directory = _directory });

        var error = Assert.Throws<ModelUnavailableException>(() => catalog.GetOnnxPath(ModelCatalog.DefaultModel, 4));

        Assert.Contains("fetch-model.sh", error.Message);
    }

    [Fact]
    public void The_second_request_returns_the_cached_file_without_importing_again()
    {
        var catalog = new ModelCatalog(new ModelCatalogOptions { Directory = CopyOfTheSources() });

        var first = catalog.GetOnnxPath(ModelCatalog.DefaultModel, 2);
        var marker = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(first, marker);
        var second = catalog.GetOnnxPath(ModelCatalog.DefaultModel, 2);

        Assert.Equal(first, second);
        Assert.Equal(marker, File.GetLastWriteTimeUtc(second));
        Assert.Matches(@"realesr-animevideov3-x2-[0-9a-f]{16}\.onnx$", first);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(first)!, "*.tmp"));
    }

    [Fact]
    public void Concurrent_first_requests_all_get_one_complete_file()
    {
        var catalog = new ModelCatalog(new ModelCatalogOptions { Directory = CopyOfTheSources() });

        var paths = Enumerable.Range(0, 4).AsParallel().Select(_ => catalog.GetOnnxPath(ModelCatalog.DefaultModel, 4)).Distinct().ToArray();

        var path = Assert.Single(paths);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(path);
        Assert.Equal(["output"], session.OutputNames);
    }

    [Fact]
    public void A_relative_directory_resolves_against_the_current_directory()
    {
        var catalog = new ModelCatalog(new ModelCatalogOptions { Directory = Path.GetRelativePath(Environment.CurrentDirectory, CopyOfTheSources()) });

        var path = catalog.GetOnnxPath(ModelCatalog.DefaultModel, 4);

        Assert.True(Path.IsPathRooted(path));
        Assert.StartsWith(_directory, path);
    }

    [Fact]
    public void Rebuilding_a_converted_model_writes_it_whole_again_and_a_bundled_one_has_nothing_to_rebuild()
    {
        var catalog = new ModelCatalog(new ModelCatalogOptions { Directory = CopyOfTheSources() });
        var path = catalog.GetOnnxPath(ModelCatalog.DefaultModel, 4);
        var whole = File.ReadAllBytes(path);
        File.WriteAllBytes(path, []);

        Assert.Equal(path, catalog.GetOnnxPath(ModelCatalog.DefaultModel, 4));
        Assert.Equal(path, catalog.RebuildOnnx(ModelCatalog.DefaultModel, 4));
        Assert.Equal(whole, File.ReadAllBytes(path));
        Assert.True(catalog.IsConverted(ModelCatalog.DefaultModel));
        Assert.False(catalog.IsConverted("denoise-x1"));
        Assert.Throws<InvalidOperationException>(() => catalog.RebuildOnnx("denoise-x1", 1));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
    }

    private string CopyOfTheSources()
    {
        var source = Directory.CreateDirectory(Path.Combine(_directory, "source")).FullName;
        File.Copy(TestModels.ParamPath, Path.Combine(source, Path.GetFileName(TestModels.ParamPath)));
        File.Copy(TestModels.BinPath, Path.Combine(source, Path.GetFileName(TestModels.BinPath)));
        return _directory;
    }
}
