using System.Net;
using System.Net.Http.Headers;

namespace Vsr.Storage;

/// <summary>
/// The body of a GET of a presigned URL, readable from any position: after a seek, the next read asks the server for
/// the rest of the object from there with a <c>Range</c> header, so ASP.NET Core can answer a client's range request
/// from an object it streams. Disposing the stream releases the connection.
/// </summary>
internal sealed class HttpResponseBodyStream : Stream
{
    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly string _what;
    private readonly long _length;
    private HttpResponseMessage? _response;
    private Stream? _body;
    private long _position;

    private HttpResponseBodyStream(HttpClient http, Uri url, string what, HttpResponseMessage response, Stream body, long length)
    {
        (_http, _url, _what, _response, _body, _length) = (http, url, what, response, body, length);
    }

    /// <summary>Opens <paramref name="url"/>; null when the object does not exist. <paramref name="what"/> names it in errors.</summary>
    public static async Task<HttpResponseBodyStream?> OpenAsync(HttpClient http, Uri url, string what, CancellationToken cancellationToken)
    {
        var response = await SendAsync(http, url, from: null, what, cancellationToken);
        if (response is null)
        {
            return null;
        }

        var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        return new HttpResponseBodyStream(http, url, what, response, body, response.Content.Headers.ContentLength ?? -1);
    }

    public override bool CanRead => true;

    /// <summary>Seekable when the server said how long the object is.</summary>
    public override bool CanSeek => _length >= 0;

    public override bool CanWrite => false;

    public override long Length => CanSeek ? _length : throw new NotSupportedException("the server sent no Content-Length");

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (CanSeek && _position >= _length)
        {
            return 0;
        }

        if (_body is null)
        {
            // The last seek moved away from the open body: continue from the new position.
            _response = await SendAsync(_http, _url, _position, _what, cancellationToken)
                ?? throw new IOException($"Reading {_what} failed: it was deleted while being read.");
            _body = await _response.Content.ReadAsStreamAsync(cancellationToken);
        }

        var read = await _body.ReadAsync(buffer, cancellationToken);
        _position += read;
        return read;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        if (!CanSeek)
        {
            throw new NotSupportedException("the server sent no Content-Length");
        }

        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => _length + offset,
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        if (target != _position)
        {
            CloseBody();
            _position = target;
        }

        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            CloseBody();
        }

        base.Dispose(disposing);
    }

    private void CloseBody()
    {
        _body?.Dispose();
        _response?.Dispose();
        (_body, _response) = (null, null);
    }

    /// <summary>A GET of the whole object, or of everything from <paramref name="from"/> on; null on 404.</summary>
    private static async Task<HttpResponseMessage?> SendAsync(HttpClient http, Uri url, long? from, string what, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (from is { } start)
        {
            request.Headers.Range = new RangeHeaderValue(start, null);
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            response.Dispose();
            return null;
        }

        if (!response.IsSuccessStatusCode || (from is > 0 && response.StatusCode != HttpStatusCode.PartialContent))
        {
            var status = response.StatusCode;
            response.Dispose();
            throw new IOException($"Reading {what} failed: HTTP {(int)status} {status}.");
        }

        return response;
    }
}
