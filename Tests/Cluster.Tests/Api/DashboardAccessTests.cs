using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Vsr.Cluster.Tests.Api;

/// <summary>The Orleans Dashboard shows every grain call and a live log trace: a password keeps it to operators.</summary>
public sealed class DashboardAccessTests
{
    [Fact]
    public async Task A_dashboard_with_a_password_asks_for_it_and_opens_with_it()
    {
        await using var factory = new ApiFactory(new Dictionary<string, string> { ["Vsr:Dashboard:Password"] = "s3cret-enough" });
        using var http = factory.CreateClient();

        using var anonymous = await http.GetAsync("/dashboard/");
        using var wrong = await SendAsync(http, "operator:guess");
        using var right = await SendAsync(http, "anyone:s3cret-enough");
        using var api = await http.GetAsync("/v1/models");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }

    [Fact]
    public async Task A_dashboard_that_requires_a_password_none_was_given_is_not_served()
    {
        await using var factory = new ApiFactory(new Dictionary<string, string> { ["Vsr:Dashboard:RequirePassword"] = "true" });
        using var http = factory.CreateClient();

        using var response = await http.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, string credentials)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        return http.SendAsync(request);
    }
}
