using Vsr.Engine.Media;

namespace Vsr.Engine.Tests.Media;

/// <summary>
/// What a job does to a source, without the grains: probe, plan chunks, enhance each chunk with
/// <see cref="NearestNeighbourEnhancer"/> (2×) and assemble the output beside the chunks.
/// </summary>
public static class EnhancedJob
{
    private static readonly EncodeOptions Encode = new(Crf: 12, Preset: "veryfast");

    /// <summary>Short enough to cut the test clips into several chunks, so joins are exercised.</summary>
    private static readonly TimeSpan ChunkLength = TimeSpan.FromSeconds(0.4);

    /// <summary>Runs the whole job; the output's container is the one the assembler chooses for the source.</summary>
    public static async Task<(VideoInfo Video, string Output)> RunAsync(string source, ScratchDirectory scratch)
    {
        var video = await VideoProbe.ProbeAsync(source, CancellationToken.None);
        var chunks = await TranscodeChunksAsync(source, video, scratch);
        var output = scratch.File("enhanced" + VideoAssembler.ChooseExtension(video));
        await VideoAssembler.AssembleAsync(source, video, chunks, output, CancellationToken.None);
        return (video, output);
    }

    public static async Task<List<EncodedChunk>> TranscodeChunksAsync(string source, VideoInfo video, ScratchDirectory scratch)
    {
        var chunks = new List<EncodedChunk>();
        foreach (var chunk in ChunkPlanner.Plan(video, ChunkLength))
        {
            var path = scratch.File($"chunk-{chunk.Index:D3}{ChunkTranscoder.ChunkExtension}");
            await ChunkTranscoder.TranscodeAsync(source, video, chunk, new NearestNeighbourEnhancer(), Encode, path, null, CancellationToken.None);
            chunks.Add(new EncodedChunk(chunk, path));
        }

        return chunks;
    }
}
