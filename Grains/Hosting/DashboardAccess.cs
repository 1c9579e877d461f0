using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Vsr.Grains.Hosting;

/// <summary>
/// Who may open the Orleans Dashboard (<c>/dashboard</c>), which shows every grain's calls, the silos and a live log
/// trace. With <c>Vsr:Dashboard:Password</c> set it asks for HTTP Basic credentials with that password (any user name),
/// as a browser prompts for them. Without one it is open, as on one machine (<c>./run.sh</c>), unless
/// <c>Vsr:Dashboard:RequirePassword</c> is on (the Kubernetes manifests): then it is not served at all.
/// </summary>
public static class DashboardAccess
{
    public const string Path = "/dashboard";

    /// <summary>Puts the password check in front of the dashboard; returns whether the dashboard is to be mapped.</summary>
    public static bool ProtectDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var password = app.Configuration["Vsr:Dashboard:Password"];
        if (string.IsNullOrWhiteSpace(password))
        {
            if (app.Configuration.GetValue("Vsr:Dashboard:RequirePassword", false))
            {
                app.Logger.LogWarning("The Orleans Dashboard is off: Vsr:Dashboard:RequirePassword is on and Vsr:Dashboard:Password is not set");
                return false;
            }

            return true;
        }

        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(Path) && !Authorized(context.Request, password))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"Orleans Dashboard\", charset=\"UTF-8\"";
                return;
            }

            await next(context);
        });
        return true;
    }

    private static bool Authorized(HttpRequest request, string password)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string credentials;
        try
        {
            credentials = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
        }
        catch (FormatException)
        {
            return false;
        }

        var colon = credentials.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 && Secrets.Match(credentials[(colon + 1)..], password);
    }
}
