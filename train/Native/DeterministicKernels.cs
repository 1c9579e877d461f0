using System.Diagnostics;

namespace Vsr.Train.Native;

/// <summary>
/// Caps oneDNN, libtorch's CPU convolution library, at SSE4.1 so that a training run is repeatable bit for bit. On
/// this machine's EPYC, one-thread runs of the same 6–8 steps on the same data ended with different weights from
/// process to process: 2–3 distinct results in 6 runs with the AVX-512 kernels and still 2 in 6 with AVX2 (width 32),
/// but one result in every 6 with SSE4.1 (widths 12 and 32; denoise and x264 recipes). The gradients differ in the
/// last bits, and Adam's first steps turn a near-zero gradient's sign into a whole learning-rate step, so the runs
/// drift apart. The price is speed: denoise-x1 ran at 2.1–3.2 steps/s against 2.6–4.8 with AVX2 on one thread.
/// SSE4.1 is also what every x86-64 machine of the last 15 years has, so a retrain elsewhere runs the same kernels.
/// </summary>
public static class DeterministicKernels
{
    public const string Variable = "DNNL_MAX_CPU_ISA";
    public const string Isa = "SSE41";

    /// <summary>The ISA cap in force (an operator may set another one in the environment).</summary>
    public static string? Current => Environment.GetEnvironmentVariable(Variable);

    /// <summary>
    /// Runs this tool again as a child process with the cap set, when it is not set yet, and returns the child's exit
    /// code; null when the cap is already in force. Setting it from inside the process (libc setenv before libtorch
    /// loads) was not enough: 2 runs of 12 still came out with the uncapped weights.
    /// </summary>
    public static async Task<int?> RestartCappedAsync(string[] args)
    {
        if (!OperatingSystem.IsLinux() || Current is not null || Environment.ProcessPath is not { } host)
        {
            return null;
        }

        var start = new ProcessStartInfo(host) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(typeof(DeterministicKernels).Assembly.Location);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment[Variable] = Isa;
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"could not start {host} again");
        await child.WaitForExitAsync();
        return child.ExitCode;
    }
}
