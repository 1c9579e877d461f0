using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Vsr.Grains.Jobs;

namespace Vsr.Grains.Webhooks;

/// <summary>
/// POSTs a job's end to its callback URL as a Standard Webhooks event: headers <c>webhook-id</c> (the same on every
/// attempt, so a receiver can drop repeats), <c>webhook-timestamp</c> and, with a signing secret,
/// <c>webhook-signature</c>; a JSON body <c>{"type":"job.completed"|"job.failed"|"job.cancelled","timestamp",
/// "data":{…}}</c>. <see cref="CallbackPolicy"/> decides where it may connect; what went wrong is reported to the job
/// in a few words (a status code, "could not connect") and logged in full, so the job's JSON tells a client nothing
/// about the network beyond that.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    /// <summary>The counter of callback attempts (meter <c>Vsr.Jobs</c>), tagged <c>outcome</c>.</summary>
    public const string AttemptsInstrument = "vsr_callback_attempts";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;
    private readonly WebhookOptions _options;
    private readonly byte[]? _key;
    private readonly CallbackPolicy _policy;
    private readonly ILogger<WebhookSender> _logger;
    private readonly Meter _meter;
    private readonly Counter<long> _attempts;

    public WebhookSender(IOptions<WebhookOptions> options, ILogger<WebhookSender> logger)
    {
        (_options, _logger) = (options.Value, logger);
        _key = _options.SigningKey();
        _policy = new CallbackPolicy(_options);
        // Scoped to this instance, as the backlog gauge is, so that a reader can tell the silos of one process apart.
        _meter = new Meter(new MeterOptions(Jobs.ChunkBacklog.MeterName) { Scope = this });
        _attempts = _meter.CreateCounter<long>(AttemptsInstrument, unit: "{attempt}",
            description: "Job callback POSTs by outcome: delivered, refused (non-2xx), unreachable, timeout, not_sent (refused by the callback policy).");
        // Redirects are not followed: a receiver that moved says so with its status, and the POST is not re-sent
        // elsewhere. Connections go only to addresses the policy allows, checked after name resolution.
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            // No proxy from HTTP_PROXY and the like: the connection would go to the proxy, whose address is all that
            // ConnectAsync could check, and the proxy would reach whatever the callback host resolves to.
            UseProxy = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectCallback = ConnectAsync,
        })
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
        if (_policy.Refusal(url) is { } refusal)
        {
            return Counted("not_sent", $"not sent: {refusal}");
        }

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
                quality = job.Quality,
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
            // Headers only: the receiver's body is never read, so a large one costs nothing.
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return response.IsSuccessStatusCode ? Counted("delivered", null) : Counted("refused", $"HTTP {(int)response.StatusCode}");
        }
        catch (HttpRequestException e) when (e.InnerException is PrivateAddressException)
        {
            return Counted("not_sent", $"not sent: the host resolves to an internal address (allow it in {WebhookOptions.Section}:AllowedHosts)");
        }
        catch (HttpRequestException e)
        {
            _logger.LogInformation(e, "Callback of job {Job} to host {Host} could not connect", job.Id, new Uri(url).Authority);
            return Counted("unreachable", "could not connect");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Counted("timeout", $"no answer within {_options.Timeout.TotalSeconds:0.#} s ({WebhookOptions.Section}:Timeout)");
        }
    }

    /// <summary>Resolves the host and connects to the first address the policy allows; refuses when it allows none.</summary>
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var url = context.InitialRequestMessage.RequestUri!;
        var addresses = IPAddress.TryParse(context.DnsEndPoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
        var allowed = addresses.Where(a => _policy.MayConnect(url, a)).ToArray();
        if (allowed.Length == 0)
        {
            throw new PrivateAddressException();
        }

        // One address after the other, each with its share of the timeout, so one that drops packets leaves time for the next.
        var share = _options.Timeout / allowed.Length;
        for (var i = 0; ; i++)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(share);
            try
            {
                await socket.ConnectAsync(allowed[i], context.DnsEndPoint.Port, attempt.Token);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (Exception e) when (i < allowed.Length - 1 && !cancellationToken.IsCancellationRequested && e is SocketException or OperationCanceledException)
            {
                socket.Dispose();
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }

    private sealed class PrivateAddressException() : IOException("the callback host resolves only to internal addresses");

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

    /// <summary>Counts one attempt under <paramref name="outcome"/> and returns <paramref name="failure"/>.</summary>
    private string? Counted(string outcome, string? failure)
    {
        _attempts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        return failure;
    }

    public void Dispose()
    {
        _http.Dispose();
        _meter.Dispose();
    }
}
