using Vsr.Tests.Shared;

namespace Vsr.Integration.Tests.Support;

public static class FreePorts
{
    /// <summary>A port nothing listens on right now (the OS picks it).</summary>
    public static int Next() => LoopbackPorts.Free(1)[0];
}
