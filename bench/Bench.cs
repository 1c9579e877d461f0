using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Vsr.Engine.Inference;
using Vsr.Engine.Models;

namespace Vsr.Bench;

public static class Bench
{
    /// <summary>Three significant decimals, as every figure in the results is written.</summary>
    public static double Round(double value) => Math.Round(value, 3);

    public static string Text(double value, string format = "0.###") => value.ToString(format, CultureInfo.InvariantCulture);

    public static ModelCatalog Catalog(this BenchContext context) =>
        new(new ModelCatalogOptions { Directory = context.ModelsDirectory, BundledDirectory = context.BundledModelsDirectory });

    /// <summary>Device cpu:0 with the service's default inference options, as a CPU silo runs it.</summary>
    public static InferenceDevice CpuDevice(this BenchContext context) =>
        new(new DeviceId("cpu", 0), context.Catalog(), new InferenceOptions(), NullLoggerFactory.Instance);
}
