using System.ComponentModel.DataAnnotations;

namespace Vsr.Grains.Webhooks;

/// <summary>How silos report a job's end to the callback URL it was submitted with (<c>Vsr:Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Vsr:Webhooks";

    /// <summary>
    /// The Standard Webhooks signing secret, <c>whsec_</c> and the base64 key. Each POST then carries
    /// <c>webhook-signature: v1,base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}"))</c>; without one the
    /// POSTs go unsigned and the silo says so at start.
    /// </summary>
    public string? SigningSecret { get; set; }

    /// <summary>The API's address as clients reach it; when set, the event's <c>outputUrl</c> is absolute.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>How long one POST may take, connection included.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The waits between attempts (<c>Vsr:Webhooks:RetryDelays:0</c>, <c>:1</c>, …): one attempt more than there are
    /// delays. Unset, <see cref="DefaultRetryDelays"/>: 5 s, 30 s, 2 min, 8 min, 30 min, about 40 minutes in all. The job's
    /// reminder stays held until the callback is delivered or given up, so a silo that stops meanwhile does not lose it.
    /// </summary>
    /// <remarks>Null by default: the configuration binder appends to a list it finds, so a default list could not be replaced.</remarks>
    public List<TimeSpan>? RetryDelays { get; set; }

    public static IReadOnlyList<TimeSpan> DefaultRetryDelays { get; } =
        [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(30)];

    /// <summary>The delays in force: the configured ones, or the defaults.</summary>
    public IReadOnlyList<TimeSpan> Delays => RetryDelays is { Count: > 0 } configured ? configured : DefaultRetryDelays;

    public int MaxAttempts => Delays.Count + 1;

    /// <summary>
    /// The only hosts a callback URL may name, as <c>host</c> (any port) or <c>host:port</c>, case-insensitive; empty
    /// allows any host. A listed host may also resolve to a private address.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>
    /// Lets callbacks reach loopback, private and link-local addresses on any host. Off, only hosts in
    /// <see cref="AllowedHosts"/> may: the silos make the request, from inside the operator's network.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>
    /// The HMAC key of <see cref="SigningSecret"/>; null when there is none; throws when it is not <c>whsec_</c> + base64
    /// of 24 to 64 bytes, the key sizes Standard Webhooks asks for (an empty key would let anyone sign).
    /// </summary>
    public byte[]? SigningKey()
    {
        if (string.IsNullOrWhiteSpace(SigningSecret))
        {
            return null;
        }

        const string prefix = "whsec_";
        try
        {
            var key = SigningSecret.StartsWith(prefix, StringComparison.Ordinal) ? Convert.FromBase64String(SigningSecret[prefix.Length..]) : throw new FormatException();
            return key.Length is >= 24 and <= 64 ? key : throw new FormatException();
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{Section}:SigningSecret must be 'whsec_' followed by the base64 of a 24 to 64 byte key.");
        }
    }
}
