using Vsr.Engine.Inference;

namespace Vsr.DeviceCheck.Tests;

public sealed class CaseResultTests
{
    private static readonly DeviceId Cuda = DeviceId.Parse("cuda:0");
    private static readonly Measurement Reference = Measured("cpu:0", "CPU", InferencePrecision.Fp32, [[100, 100, 100, 100]]);

    [Fact]
    public void A_device_that_got_its_provider_and_matches_the_cpu_passes()
    {
        var result = CaseResult.Judge("real-x2", 2, Cuda, InferencePrecision.Fp32, Measured("cuda:0", "CUDA", InferencePrecision.Fp32, [[100, 100, 100, 101]]), Reference, null);

        Assert.True(result.Passed, string.Join("; ", result.Failures));
        Assert.Equal(1, result.Comparison!.MaxAbsDifference);
    }

    [Fact]
    public void A_silent_cpu_fallback_fails_even_though_its_output_is_identical()
    {
        var fellBack = Measured("cuda:0", "CPU", InferencePrecision.Fp32, [[100, 100, 100, 100]], "CUDA is not usable for cuda:0, falling back to the CPU provider: libcublasLt.so.13 missing");

        var result = CaseResult.Judge("real-x2", 2, Cuda, InferencePrecision.Fp32, fellBack, Reference, null);

        var failure = Assert.Single(result.Failures);
        Assert.Contains("asked for the CUDA provider but got CPU", failure);
        Assert.Contains("libcublasLt.so.13", failure);
    }

    [Fact]
    public void A_variant_that_fell_back_to_fp32_fails_the_fp16_case()
    {
        var result = CaseResult.Judge("real-x2", 2, Cuda, InferencePrecision.Fp16, Measured("cuda:0", "CUDA", InferencePrecision.Fp32, [[100, 100, 100, 100]]), Reference, null);

        Assert.Contains(result.Failures, f => f.Contains("Fp16 was asked for but the session runs Fp32"));
    }

    [Fact]
    public void Output_further_from_the_cpu_than_the_precision_allows_fails()
    {
        // One value in four off by 20 levels: 10 log10(255^2 / 100) = 28.1 dB, under fp16's 40 dB.
        var result = CaseResult.Judge("real-x2", 2, Cuda, InferencePrecision.Fp16, Measured("cuda:0", "CUDA", InferencePrecision.Fp16, [[120, 100, 100, 100]]), Reference, null);

        Assert.Contains(result.Failures, f => f.Contains("28.1 dB") && f.Contains("needs at least 40 dB"));
    }

    [Fact]
    public void A_case_that_did_not_run_fails_with_its_error()
    {
        var result = CaseResult.Judge("real-x2", 2, Cuda, InferencePrecision.Fp32, null, Reference, "cuda:0 Fp32 did not run: CUDA failure 100");

        Assert.Equal("cuda:0 Fp32 did not run: CUDA failure 100", Assert.Single(result.Failures));
        Assert.Null(result.Comparison);
    }

    private static Measurement Measured(string device, string provider, InferencePrecision precision, byte[][] outputs, params string[] warnings) =>
        new(DeviceId.Parse(device), provider, precision, LoadMs: 1, FirstPassMs: 1, MsPerFrame: 1, outputs, warnings);
}
