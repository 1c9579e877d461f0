using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vsr.Queue;

/// <summary>
/// The wire format of <see cref="SubmitJob"/>: a UTF-8 JSON object with a <c>schemaVersion</c> field. A reader accepts
/// only the versions it knows; anything else is a <see cref="MalformedMessageException"/> that says why.
/// </summary>
public static class SubmitJobCodec
{
    /// <summary>The version this code writes.</summary>
    public const int SchemaVersion = 1;

    public const string ContentType = "application/json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static byte[] Encode(SubmitJob message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var wire = new Wire(SchemaVersion, message.JobId, message.SourceKey, message.FileName, message.Scale, message.Model, message.SubmittedAt,
            message.Content, message.Denoise, message.Deblock, message.Sharpen, message.CallbackUrl, message.QualityReport,
            message.Codec, message.Crf, message.BitDepth);
        return JsonSerializer.SerializeToUtf8Bytes(wire, Json);
    }

    /// <exception cref="MalformedMessageException">The bytes are not a <see cref="SubmitJob"/> this code can read.</exception>
    public static SubmitJob Decode(ReadOnlySpan<byte> body)
    {
        Wire? wire;
        try
        {
            wire = JsonSerializer.Deserialize<Wire>(body, Json);
        }
        catch (JsonException bad)
        {
            throw new MalformedMessageException($"The body is not a SubmitJob JSON object: {bad.Message}", bad);
        }

        if (wire is null)
        {
            throw new MalformedMessageException("The body is JSON null, not a SubmitJob object.");
        }

        if (wire.SchemaVersion != SchemaVersion)
        {
            throw new MalformedMessageException(
                $"Unknown schemaVersion {wire.SchemaVersion?.ToString() ?? "(missing)"}; this consumer reads version {SchemaVersion}.");
        }

        var missing = new List<string>();
        if (wire.JobId is null || wire.JobId == Guid.Empty) missing.Add("jobId");
        if (string.IsNullOrWhiteSpace(wire.SourceKey)) missing.Add("sourceKey");
        if (string.IsNullOrWhiteSpace(wire.FileName)) missing.Add("fileName");
        if (wire.Scale is not (2 or 4)) missing.Add("scale (2 or 4)");
        if (wire.SubmittedAt is null) missing.Add("submittedAt");
        if (wire.Model is not null && string.IsNullOrWhiteSpace(wire.Model)) missing.Add("model");
        // Case-insensitive, as the API's form field is.
        var content = wire.Content?.Trim().ToLowerInvariant();
        if (content is not null && content is not ("auto" or "live" or "animation")) missing.Add("content (auto, live or animation)");
        if (wire.Sharpen is not null && !SubmitJob.IsSharpenStrength(wire.Sharpen.Value)) missing.Add("sharpen (0 to 1)");
        if (wire.CallbackUrl is not null && !SubmitJob.IsCallbackUrl(wire.CallbackUrl)) missing.Add("callbackUrl (absolute http or https)");
        if (wire.Codec is not null && string.IsNullOrWhiteSpace(wire.Codec)) missing.Add("codec");
        if (wire.Crf is < 0) missing.Add("crf (0 or more)");
        if (wire.BitDepth is not null and not (8 or 10)) missing.Add("bitDepth (8 or 10)");
        if (missing.Count > 0)
        {
            throw new MalformedMessageException($"SubmitJob v{SchemaVersion} lacks a valid {string.Join(", ", missing)}.");
        }

        return new SubmitJob(wire.JobId!.Value, wire.SourceKey!, wire.FileName!, wire.Scale!.Value, wire.Model, wire.SubmittedAt!.Value,
            content ?? "auto", wire.Denoise ?? false, wire.Deblock ?? false, wire.Sharpen ?? 0, wire.CallbackUrl, wire.QualityReport ?? false,
            wire.Codec, wire.Crf, wire.BitDepth ?? 8);
    }

    // Every field nullable, so that a missing one is reported by name rather than read as a default. The model may be
    // absent (the content option chooses); content, denoise, deblock, sharpen, callbackUrl, qualityReport, codec, crf and bitDepth came later and default when absent.
    private sealed record Wire(
        int? SchemaVersion, Guid? JobId, string? SourceKey, string? FileName, int? Scale, string? Model, DateTimeOffset? SubmittedAt,
        string? Content, bool? Denoise, bool? Deblock, double? Sharpen, string? CallbackUrl, bool? QualityReport,
        string? Codec, int? Crf, int? BitDepth);
}
