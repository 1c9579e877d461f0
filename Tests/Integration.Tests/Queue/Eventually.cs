using System.Diagnostics;

namespace Vsr.Integration.Tests.Queue;

public static class Eventually
{
    /// <summary>Polls until <paramref name="condition"/> holds; fails with <paramref name="describe"/> after <paramref name="timeout"/>.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"Still not so after {timeout.TotalSeconds:0.#} s: {describe()}");
            }

            await Task.Delay(50);
        }
    }
}
