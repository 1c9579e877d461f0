namespace Vsr.Api.Jobs;

/// <summary>
/// One gate per job id in this process. Requests that share an <c>Idempotency-Key</c> share a job id and its object
/// keys, so they store and publish one at a time, and each one after the first finds the job the first one made.
/// </summary>
public sealed class SubmissionLocks
{
    private readonly Dictionary<Guid, Gate> gates = [];

    /// <summary>Waits for the job id's gate; disposing the result opens it again.</summary>
    public async Task<IAsyncDisposable> EnterAsync(Guid id, CancellationToken cancellationToken)
    {
        Gate gate;
        lock (gates)
        {
            if (!gates.TryGetValue(id, out gate!))
            {
                gates[id] = gate = new Gate(this, id);
            }

            gate.Users++;
        }

        try
        {
            await gate.Semaphore.WaitAsync(cancellationToken);
        }
        catch
        {
            Leave(gate, entered: false);
            throw;
        }

        return gate;
    }

    private void Leave(Gate gate, bool entered)
    {
        if (entered)
        {
            gate.Semaphore.Release();
        }

        lock (gates)
        {
            // The last user removes the gate, so the table holds only ids with a request in flight.
            if (--gate.Users == 0)
            {
                gates.Remove(gate.Id);
                gate.Semaphore.Dispose();
            }
        }
    }

    private sealed class Gate(SubmissionLocks owner, Guid id) : IAsyncDisposable
    {
        public Guid Id { get; } = id;

        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }

        public ValueTask DisposeAsync()
        {
            owner.Leave(this, entered: true);
            return ValueTask.CompletedTask;
        }
    }
}
