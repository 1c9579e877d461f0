using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Vsr.Cluster.Tests.Api;

/// <summary>Requests and assertions the API tests share.</summary>
public static class ApiProblems
{
    public static MultipartFormDataContent Upload(string path, string scale, string? fileName = null)
    {
        var file = new ByteArrayContent(File.ReadAllBytes(path));
        file.Headers.ContentType = MediaTypeHeaderValue.Parse("video/mp4");
        // Set by hand: HttpClient refuses a blank file name, which curl and browsers can still send.
        file.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"file\"", FileName = $"\"{fileName ?? Path.GetFileName(path)}\"" };
        return new MultipartFormDataContent { file, { new StringContent(scale), "scale" } };
    }

    /// <summary>Asserts an RFC 9457 problem+json answer with the given status, and returns its body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, int status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.True(problem.TryGetProperty("type", out _), "problem+json carries a type");
        return problem;
    }
}
