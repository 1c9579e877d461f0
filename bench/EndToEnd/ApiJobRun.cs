using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Vsr.Bench.EndToEnd;

/// <summary>
/// One job through the HTTP API as a client sees it: multipart upload, wait for the end (Server-Sent Events, with
/// polling as the fallback), download of the output. <see cref="Elapsed"/> runs from the upload's start to the
/// output's last byte; the rest are the moments in between, on the client's clock and (from the job's final
/// snapshot) on the server's, which is the same machine's clock.
/// </summary>
public sealed record ApiJobRun(
    Guid Id,
    TimeSpan Elapsed,
    DateTimeOffset Submitted,
    DateTimeOffset CompletionSeen,
    DateTimeOffset Downloaded,
    DateTimeOffset CreatedAt,
    DateTimeOffset ProcessingStartedAt,
    DateTimeOffset CompletedAt,
    int FramesDone,
    string OutputFile)
{
    private static readonly string[] TerminalStatuses = ["COMPLETED", "FAILED", "CANCELLED"];

    public static async Task<ApiJobRun> RunAsync(HttpClient http, string clip, int scale, string model, string outputDirectory,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var submitted = DateTimeOffset.UtcNow;
        var id = await SubmitAsync(http, clip, scale, model, cancellationToken);
        var status = await WaitForEndAsync(http, id, cancellationToken);
        var seen = DateTimeOffset.UtcNow;
        if (status != "COMPLETED")
        {
            var failed = await http.GetFromJsonAsync<JsonElement>($"/v1/jobs/{id}", cancellationToken);
            throw new InvalidOperationException($"Job {id} ended {status}: {failed.GetProperty("error")}");
        }

        string outputFile;
        using (var output = await http.GetAsync($"/v1/jobs/{id}/output", HttpCompletionOption.ResponseHeadersRead, cancellationToken))
        {
            output.EnsureSuccessStatusCode();
            var extension = output.Content.Headers.ContentType?.MediaType == "video/x-matroska" ? ".mkv" : ".mp4";
            outputFile = Path.Combine(outputDirectory, $"{id:N}{extension}");
            await using var target = File.Create(outputFile);
            await output.Content.CopyToAsync(target, cancellationToken);
        }

        clock.Stop();
        var downloaded = DateTimeOffset.UtcNow;

        // After the clock: the server's own moments. Its fps is frames / (completed − processing start), so that start follows.
        var job = await http.GetFromJsonAsync<JsonElement>($"/v1/jobs/{id}", cancellationToken);
        var progress = job.GetProperty("progress");
        var framesDone = progress.GetProperty("framesDone").GetInt32();
        var completedAt = job.GetProperty("completedAt").GetDateTimeOffset();
        var processing = TimeSpan.FromSeconds(framesDone / progress.GetProperty("framesPerSecond").GetDouble());
        return new ApiJobRun(id, clock.Elapsed, submitted, seen, downloaded, job.GetProperty("createdAt").GetDateTimeOffset(),
            completedAt - processing, completedAt, framesDone, outputFile);
    }

    private static async Task<Guid> SubmitAsync(HttpClient http, string clip, int scale, string model, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(clip);
        using var form = new MultipartFormDataContent
        {
            { new StreamContent(file), "file", Path.GetFileName(clip) },
            { new StringContent(scale.ToString(CultureInfo.InvariantCulture)), "scale" },
            { new StringContent(model), "model" },
        };
        using var reply = await http.PostAsync("/v1/jobs", form, cancellationToken);
        if (reply.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"Upload refused ({(int)reply.StatusCode}): {await reply.Content.ReadAsStringAsync(cancellationToken)}");
        }

        return (await reply.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("id").GetGuid();
    }

    private static async Task<string> WaitForEndAsync(HttpClient http, Guid id, CancellationToken cancellationToken)
    {
        using (var events = await http.GetAsync($"/v1/jobs/{id}/events", HttpCompletionOption.ResponseHeadersRead, cancellationToken))
        {
            if (events.IsSuccessStatusCode)
            {
                using var reader = new StreamReader(await events.Content.ReadAsStreamAsync(cancellationToken));
                while (await reader.ReadLineAsync(cancellationToken) is { } line)
                {
                    if (line.StartsWith("data:", StringComparison.Ordinal) && StatusOf(line["data:".Length..]) is { } status
                        && TerminalStatuses.Contains(status))
                    {
                        return status;
                    }
                }
            }
        }

        // Progress events are best effort; a stream that ended early falls back to polling.
        while (true)
        {
            var job = await http.GetFromJsonAsync<JsonElement>($"/v1/jobs/{id}", cancellationToken);
            var status = job.GetProperty("status").GetString()!;
            if (TerminalStatuses.Contains(status))
            {
                return status;
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private static string? StatusOf(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("status").GetString();
    }
}
