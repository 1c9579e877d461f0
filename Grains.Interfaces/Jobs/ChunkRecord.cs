namespace Vsr.Grains.Jobs;

/// <summary>One line of a job's chunk ledger: which frames, where they ran, and where the result is stored.</summary>
[GenerateSerializer]
public sealed record ChunkRecord
{
    [Id(0)] public int Index { get; init; }
    [Id(1)] public int StartFrame { get; init; }
    [Id(2)] public int FrameCount { get; init; }
    [Id(3)] public ChunkStatus Status { get; init; }
    [Id(4)] public int Attempts { get; init; }

    /// <summary>Inference grain key of the device that ran (or runs) the latest attempt.</summary>
    [Id(5)] public string? Device { get; init; }

    /// <summary>Silo address of that device.</summary>
    [Id(6)] public string? Silo { get; init; }

    [Id(7)] public string? OutputKey { get; init; }
    [Id(8)] public string? LastError { get; init; }

    /// <summary>Every device that attempted this chunk, in order, so moves after a failure are visible.</summary>
    [Id(9)] public IReadOnlyList<string> History { get; init; } = [];
}
