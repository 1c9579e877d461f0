using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Vsr.Grains.Jobs;

namespace Vsr.Grains.Webhooks;

/// <summary>
/// POSTs a job's end to its callback URL as a Standard Webhooks event: headers <c>webhook-id</c> (the same on every
/// attempt, so a receiver can drop repeats), <c>webhook-timestamp</c> and, with a signing secret,
/// <c>webhook-signature</c>; a JSON body <c>{"type":"job.completed"|"job.failed"|"job.cancelled","timestamp",
/// "data":{…}}</c>.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;
    private readonly WebhookOptions _options;
    private readonly byte[]? _key;

    public WebhookSender(IOptions<WebhookOptions> options, ILogger<WebhookSender> logger)
    {
        _options = options.Value;
        _key = _options.SigningKey();
        // Redirects are not followed: a receiver that moved says so with its status, and the POST is not re-sent elsewhere.
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = _options.Timeout,
        };
        if (_key is null)
        {
            logger.LogWarning("{Section}:SigningSecret is not set: job callbacks are sent unsigned", WebhookOptions.Section);
        }
    }

    /// <summary>The event type of a job that ended in <paramref name="status"/>.</summary>
    public static string EventType(JobStatus status) => $"job.{status.ToString().ToLowerInvariant()}";

    /// <summary>Sends the event once; null when the receiver answered 2xx, else why not.</summary>
    public async Task<string?> SendAsync(JobSnapshot job, CancellationToken cancellationToken)
    {
        var url = job.Request?.CallbackUrl ?? throw new ArgumentException("The job has no callback URL.", nameof(job));
        var messageId = $"{job.Id:N}-{job.Status.ToString().ToLowerInvariant()}";
        var now = DateTimeOffset.UtcNow;
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            type = EventType(job.Status),
            timestamp = now,
            data = new
            {
                id = job.Id,
                status = job.Status.ToString().ToUpperInvariant(),
                fileName = job.Request.FileName,
                scale = job.Request.Scale,
                error = job.Error,
                outputUrl = job.Status == JobStatus.Completed ? OutputUrl(job.Id) : null,
                createdAt = job.CreatedAt,
                completedAt = job.CompletedAt,
                output = job.Output,
            },
        }, Json);

        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        request.Headers.Add("webhook-id", messageId);
        request.Headers.Add("webhook-timestamp", timestamp);
        if (_key is not null)
        {
            request.Headers.Add("webhook-signature", $"v1,{Sign(_key, messageId, timestamp, body)}");
        }

        try
        {
            using var response = await _http.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (HttpRequestException e)
        {
            return e.Message;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no answer within {_options.Timeout.TotalSeconds:0.#} s ({WebhookOptions.Section}:Timeout)";
        }
    }

    /// <summary>The Standard Webhooks signature: base64 of HMAC-SHA256 over "{id}.{timestamp}.{body}".</summary>
    public static string Sign(byte[] key, string messageId, string timestamp, ReadOnlySpan<byte> body)
    {
        var signed = new byte[Encoding.UTF8.GetByteCount(messageId) + timestamp.Length + body.Length + 2];
        var at = Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.", signed);
        body.CopyTo(signed.AsSpan(at));
        return Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }

    private string OutputUrl(Guid id) =>
        string.IsNullOrWhiteSpace(_options.PublicBaseUrl) ? $"/v1/jobs/{id}/output" : $"{_options.PublicBaseUrl.TrimEnd('/')}/v1/jobs/{id}/output";

    public void Dispose() => _http.Dispose();
}
