using static TorchSharp.torch;

namespace Vsr.Train.Native;

/// <summary>Proves libtorch loads and computes: a tiny matrix product and the thread count.</summary>
public static class LibTorchCheck
{
    /// <returns>A one-line report, e.g. <c>libtorch ok: 2 threads, 2x2 @ 2x2 = 7</c>.</returns>
    public static string Run()
    {
        LibTorchRepair.Apply();
        using var a = tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
        using var product = a.matmul(a);
        var value = product[0, 0].item<float>();
        if (value != 7f)
        {
            throw new InvalidOperationException($"libtorch computed {value} for a known product (expected 7)");
        }

        return $"libtorch ok: {get_num_threads()} threads, [[1,2],[3,4]]^2 [0,0] = {value}";
    }
}
