using System.Globalization;
using Vsr.Engine.Content;
using Vsr.Engine.Media;
using Vsr.Engine.Models;
using Vsr.Grains.Hosting;

namespace Vsr.Grains.Jobs;

/// <summary>
/// Decides which models a job runs. A named model wins; otherwise <c>content</c> picks the family: <c>live</c> the
/// project's own <c>real-xN</c>, <c>animation</c> the Real-ESRGAN anime model, and <c>auto</c> measures the video's
/// flat share on a few sampled frames. Deblock and denoise add their x1 restorers in front, in that order: compression
/// came last when the video was made, so its artefacts come off first.
/// </summary>
public sealed class ModelChooser(ModelCatalog catalog, IOptions<JobOptions> options, ILogger<ModelChooser> logger)
{
    public const string DenoiseModel = "denoise-x1";

    public const string DeblockModel = "deblock-x1";

    /// <summary>The upscaler for live action at <paramref name="scale"/>.</summary>
    public static string LiveModel(int scale) => $"real-x{scale}";

    /// <exception cref="JobFailedException">The chosen model is not offered at the scale or its weights are missing.</exception>
    public async Task<ModelChoice> ChooseAsync(JobRequest request, string sourcePath, VideoInfo video, CancellationToken cancellationToken)
    {
        if (request.Scale is not (2 or 4))
        {
            // The API and the queue refuse it; a request from elsewhere is refused here, before a chunk is spent on it.
            throw new JobFailedException($"The scale must be 2 or 4, not {request.Scale}.");
        }

        string[] restore = [.. request.Deblock ? [DeblockModel] : Array.Empty<string>(), .. request.Denoise ? [DenoiseModel] : Array.Empty<string>()];
        ModelChoice choice;
        if (!string.IsNullOrWhiteSpace(request.Model))
        {
            choice = new ModelChoice(request.Model, request.Model == ModelCatalog.DefaultModel ? JobContent.Animation : JobContent.Live,
                "named in the request", restore);
        }
        else if (request.Content == JobContent.Live)
        {
            choice = new ModelChoice(LiveModel(request.Scale), JobContent.Live, "content: live", restore);
        }
        else if (request.Content == JobContent.Animation)
        {
            choice = new ModelChoice(ModelCatalog.DefaultModel, JobContent.Animation, "content: animation", restore);
        }
        else
        {
            var frames = await FrameSampler.SampleAsync(sourcePath, video, options.Value.ContentSampleFrames, cancellationToken);
            var threshold = options.Value.AnimationFlatThreshold;
            var analysis = ContentClassifier.Classify(frames, video.Width, video.Height, threshold);
            var animation = analysis.Kind == ContentKind.Animation;
            var reason = string.Create(CultureInfo.InvariantCulture,
                $"content: auto; flat share {analysis.FlatFraction:0.###} over {analysis.FramesSampled} frames {(animation ? "≥" : "<")} {threshold:0.###}, so {(animation ? "animation" : "live action")}");
            choice = new ModelChoice(animation ? ModelCatalog.DefaultModel : LiveModel(request.Scale), animation ? JobContent.Animation : JobContent.Live,
                reason, restore, analysis.FlatFraction);
        }

        Require(choice.Model, request.Scale);
        foreach (var restorer in choice.Restorers)
        {
            Require(restorer, 1);
        }

        logger.LogInformation("Models for {File}: {Model}{Restore} ({Reason})", request.FileName, choice.Model,
            choice.Restorers.Length == 0 ? "" : $" after {string.Join(" → ", choice.Restorers)}", choice.Reason);
        return choice;
    }

    private void Require(string model, int scale)
    {
        var descriptor = catalog.List().FirstOrDefault(m => m.Name == model);
        if (descriptor is null || !descriptor.Scales.Contains(scale))
        {
            throw new JobFailedException($"Model '{model}' is not offered at x{scale}; GET /v1/models lists the models and their scales.");
        }

        if (!descriptor.Available)
        {
            throw new JobFailedException($"The weights of model '{model}' are not installed on the silo; see the README's model section.");
        }
    }
}
