using Vsr.Engine.Inference;

namespace Vsr.Engine.Tests.Inference;

public sealed class InferenceOptionsTests
{
    [Fact]
    public void By_default_the_cpu_devices_of_a_machine_share_its_logical_processors()
    {
        var options = new InferenceOptions();

        Assert.Equal(Environment.ProcessorCount, options.CpuThreads);
        Assert.Equal(Math.Max(1, Environment.ProcessorCount / 2), options.ForCpuDevices(2).CpuThreads);
        Assert.Equal(1, options.ForCpuDevices(Environment.ProcessorCount * 4).CpuThreads);
        Assert.Equal(1, options.CpuDevicesOnMachine); // the copy, not the original, was changed
    }

    [Fact]
    public void A_configured_thread_count_wins()
    {
        var options = new InferenceOptions { IntraOpThreads = 3 }.ForCpuDevices(8);

        Assert.Equal(3, options.CpuThreads);
    }
}
