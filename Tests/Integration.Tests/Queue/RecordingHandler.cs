using System.Collections.Concurrent;
using Vsr.Queue;

namespace Vsr.Integration.Tests.Queue;

/// <summary>
/// A handler that records every call and behaves as told on each one (by its 1-based call number). Like the real
/// handler (IJobGrain.Submit) it is idempotent per job id: <see cref="Jobs"/> holds each job once however often it came.
/// </summary>
public sealed class RecordingHandler(Func<SubmitJob, int, Task>? behaviour = null) : ISubmitJobHandler
{
    private readonly ConcurrentQueue<SubmitJob> calls = new();
    private readonly ConcurrentDictionary<Guid, SubmitJob> jobs = new();
    private int count;
    private int returned;

    public IReadOnlyList<SubmitJob> Calls => calls.ToArray();

    public IReadOnlyCollection<SubmitJob> Jobs => jobs.Values.ToArray();

    /// <summary>Calls that returned (did not throw).</summary>
    public int Returned => Volatile.Read(ref returned);

    public static RecordingHandler FailingFirst(int failures) =>
        new((_, call) => call <= failures ? throw new IOException($"transient failure {call}") : Task.CompletedTask);

    public static RecordingHandler AlwaysFailing(string reason) => new((_, _) => throw new InvalidOperationException(reason));

    public async Task HandleAsync(SubmitJob message, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref count);
        calls.Enqueue(message);
        if (behaviour is not null)
        {
            await behaviour(message, call);
        }

        jobs.TryAdd(message.JobId, message);
        Interlocked.Increment(ref returned);
    }

    public Task WaitForCallsAsync(int expected, TimeSpan timeout) =>
        Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref count) >= expected), timeout,
            () => $"the handler was called {Volatile.Read(ref count)} times, not {expected}");
}
