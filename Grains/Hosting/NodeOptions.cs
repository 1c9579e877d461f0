using Vsr.Engine.Models;

namespace Vsr.Grains.Hosting;

/// <summary>What one silo process brings to the cluster. Bound from the <c>Vsr</c> section.</summary>
public sealed class NodeOptions
{
    public const string Section = "Vsr";

    /// <summary>
    /// Inference devices this silo owns: <c>cpu:N</c>, <c>cuda:N</c> or <c>tensorrt:N</c>, or <c>sim:N</c> for a SIMULATED
    /// device that runs no model (see <see cref="SimulationOptions"/>). One inference grain runs per entry.
    /// </summary>
    public List<string> Devices { get; set; } = [];

    /// <summary>Model cache (ncnn sources and converted ONNX files).</summary>
    public string ModelsDirectory { get; set; } = ".vsr/models";

    /// <summary>The project's own ONNX models (<c>NAME/model.onnx</c>); empty means the copy next to the binaries.</summary>
    public string BundledModelsDirectory { get; set; } = string.Empty;

    /// <summary>The model catalog's options for this node.</summary>
    public ModelCatalogOptions ToCatalogOptions()
    {
        var options = new ModelCatalogOptions { Directory = ModelsDirectory };
        if (BundledModelsDirectory.Length > 0)
        {
            options.BundledDirectory = BundledModelsDirectory;
        }

        return options;
    }

    /// <summary>Scratch space for chunk and assembly work; each job's files are removed when it ends.</summary>
    public string WorkDirectory { get; set; } = ".vsr/work";

    /// <summary>Root of the filesystem object store (the embedded default).</summary>
    public string ObjectStoreDirectory { get; set; } = ".vsr/objects";

    /// <summary><c>Memory</c> (embedded default) or <c>FileSystem</c> for job grain state.</summary>
    public string GrainState { get; set; } = "Memory";

    /// <summary>Where <c>FileSystem</c> grain state is kept.</summary>
    public string GrainStateDirectory { get; set; } = ".vsr/state";
}
