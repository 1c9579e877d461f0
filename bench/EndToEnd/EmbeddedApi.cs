using System.Diagnostics;
using Vsr.Tests.Shared;

namespace Vsr.Bench.EndToEnd;

/// <summary>
/// The API in its embedded mode, as <c>./run.sh</c> runs it (one co-hosted silo, one CPU device, localhost clustering,
/// in-memory grain state, a filesystem object store, the in-process queue), started as a child process on free ports
/// with all its data under one folder. Disposing kills it (and any ffmpeg it started) and removes the folder.
/// </summary>
public sealed class EmbeddedApi : IAsyncDisposable
{
    private const int KeptLogLines = 4000;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    private readonly Process _process;
    private readonly string _root;
    private readonly Queue<string> _log = new();

    private EmbeddedApi(Process process, string root, Uri baseAddress)
    {
        _process = process;
        _root = root;
        BaseAddress = baseAddress;
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    /// <summary>The newest lines the server printed (its Serilog console output).</summary>
    public IReadOnlyList<string> Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToArray();
            }
        }
    }

    /// <summary>Starts the built <c>Vsr.Client.Api.dll</c> with its data under <paramref name="root"/> and waits for <c>/health</c>.</summary>
    public static async Task<EmbeddedApi> StartAsync(BenchContext context, string root, CancellationToken cancellationToken)
    {
        var dll = Path.Combine(RepositoryRoot.Find(), "Client.Api", "bin", "Release", "net10.0", "Vsr.Client.Api.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing; build Client.Api in Release (bench.sh does)");
        }

        Directory.CreateDirectory(root);
        var ports = LoopbackPorts.Free(3);
        var baseAddress = new Uri($"http://127.0.0.1:{ports[0]}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["ASPNETCORE_ENVIRONMENT"] = "Production" },
        };
        string[] arguments =
        [
            dll, "--urls", baseAddress.ToString(), "--contentRoot", Path.GetDirectoryName(dll)!,
            "--Orleans:Mode=Embedded", $"--Orleans:ClusterId=vsr-bench-{Guid.NewGuid():N}",
            $"--Orleans:SiloPort={ports[1]}", $"--Orleans:GatewayPort={ports[2]}",
            "--Vsr:Devices:0=cpu:0", "--Vsr:GrainState=Memory", "--Vsr:Queue:Kind=InProcess",
            $"--Vsr:ModelsDirectory={context.ModelsDirectory}", $"--Vsr:BundledModelsDirectory={context.BundledModelsDirectory}",
            $"--Vsr:WorkDirectory={Path.Combine(root, "work")}", $"--Vsr:ObjectStoreDirectory={Path.Combine(root, "objects")}",
            $"--Vsr:Api:ScratchDirectory={Path.Combine(root, "api")}",
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var api = new EmbeddedApi(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"), root, baseAddress);
        try
        {
            await api.WaitUntilHealthyAsync(cancellationToken);
            return api;
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync();
        }
        finally
        {
            _process.Dispose();
            await RemoveAsync(_root);
        }
    }

    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The API exited with {_process.ExitCode} while starting: {LogTail()}");
            }

            try
            {
                using var health = await http.GetAsync("/health", cancellationToken);
                if (health.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A slow first answer; ask again.
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"The API did not answer /health within {StartTimeout.TotalSeconds} s: {LogTail()}");
    }

    // A killed ffmpeg child may still be closing a file in there for a moment.
    private static async Task RemoveAsync(string directory)
    {
        for (var attempt = 1; Directory.Exists(directory); attempt++)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException) when (attempt < 5)
            {
                await Task.Delay(200);
            }
        }
    }

    public string LogTail() => ToolRun.Tail(string.Join('\n', Log.TakeLast(20)));

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.Enqueue(line);
            if (_log.Count > KeptLogLines)
            {
                _log.Dequeue();
            }
        }
    }
}
