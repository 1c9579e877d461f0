namespace Vsr.Engine.Models;

/// <summary>An ncnn network as read from its .param and .bin files.</summary>
/// <param name="Layers">Layers in file order, which ncnn guarantees is a valid execution order.</param>
/// <param name="BlobCount">Number of distinct blobs the .param declares.</param>
/// <param name="WeightBytes">Bytes of the .bin accounted for by the layers; equals the file size.</param>
public sealed record NcnnModel(IReadOnlyList<NcnnLayer> Layers, int BlobCount, long WeightBytes)
{
    public int CountLayers(string type) => Layers.Count(layer => layer.Type == type);
}
