namespace Vsr.Queue;

/// <summary>Waits that double after each failure: the queue's redeliveries, a job's internal retries, a chunk's retries.</summary>
public static class Backoff
{
    /// <summary><paramref name="first"/> doubled for each failure before the <paramref name="failure"/>th (from 1), at most <paramref name="longest"/>.</summary>
    public static TimeSpan Doubling(TimeSpan first, int failure, TimeSpan longest)
    {
        var doublings = Math.Clamp(failure - 1, 0, 30);
        var wait = first.Ticks * Math.Pow(2, doublings);
        return wait >= longest.Ticks ? longest : TimeSpan.FromTicks((long)wait);
    }
}
