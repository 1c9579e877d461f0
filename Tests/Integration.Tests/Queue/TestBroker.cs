using System.Diagnostics;

namespace Vsr.Integration.Tests.Queue;

/// <summary>Restarts the test broker through scripts/services.sh, which finds it through the variables in .vsr/services/env.</summary>
public static class TestBroker
{
    public static async Task RestartAsync()
    {
        var script = Path.Combine(RepositoryRoot(), "scripts", "services.sh");
        var start = new ProcessStartInfo("bash", [script, "restart", "rabbitmq"]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"services.sh restart rabbitmq failed ({process.ExitCode}): {await output}{await errors}");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Orleans.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Orleans.sln above {AppContext.BaseDirectory}.");
    }
}
