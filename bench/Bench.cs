using System.Globalization;
using Vsr.Engine.Models;

namespace Vsr.Bench;

public static class Bench
{
    /// <summary>Three significant decimals, as every figure in the results is written.</summary>
    public static double Round(double value) => Math.Round(value, 3);

    public static string Text(double value, string format = "0.###") => value.ToString(format, CultureInfo.InvariantCulture);

    public static ModelCatalog Catalog(this BenchContext context) =>
        new(new ModelCatalogOptions { Directory = context.ModelsDirectory, BundledDirectory = context.BundledModelsDirectory });
}
