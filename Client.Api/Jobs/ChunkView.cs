using Vsr.Grains.Jobs;

namespace Vsr.Api.Jobs;

/// <summary>One ledger line as JSON.</summary>
public sealed record ChunkView(int Index, int StartFrame, int FrameCount, string Status, int Attempts, string? Device, string? Silo,
    IReadOnlyList<string> History, string? LastError)
{
    public static ChunkView From(ChunkRecord chunk) => new(chunk.Index, chunk.StartFrame, chunk.FrameCount,
        chunk.Status.ToString().ToUpperInvariant(), chunk.Attempts, chunk.Device, chunk.Silo, chunk.History, chunk.LastError);
}
