using System.Diagnostics;
using Vsr.Grains.Inference;

namespace Vsr.Bench;

/// <summary>
/// Times the dispatch phase of a job as its job grain sees it: from the first chunk call it sends to an inference
/// grain to the last reply it gets back. An outgoing grain-call filter in every silo feeds it; the job's probe, plan
/// and final assembly fall outside the span.
/// </summary>
public sealed class DispatchClock
{
    private readonly Lock _gate = new();
    private long _first;
    private long _last;
    private int _calls;

    /// <summary>Seconds from the first chunk call to the last reply since <see cref="Reset"/>.</summary>
    public double Seconds
    {
        get
        {
            lock (_gate)
            {
                return _calls == 0 ? 0 : Stopwatch.GetElapsedTime(_first, _last).TotalSeconds;
            }
        }
    }

    /// <summary>Chunk calls answered since <see cref="Reset"/>.</summary>
    public int Calls
    {
        get
        {
            lock (_gate)
            {
                return _calls;
            }
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            (_first, _last, _calls) = (0, 0, 0);
        }
    }

    /// <summary>The filter: passes every call on, and clocks those that run a chunk.</summary>
    public async Task ObserveAsync(IOutgoingGrainCallContext call)
    {
        if (call.InterfaceMethod is not { Name: nameof(IInferenceGrain.RunChunk) } method || method.DeclaringType != typeof(IInferenceGrain))
        {
            await call.Invoke();
            return;
        }

        var sent = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            if (_first == 0)
            {
                _first = sent;
            }
        }

        try
        {
            await call.Invoke();
        }
        finally
        {
            var replied = Stopwatch.GetTimestamp();
            lock (_gate)
            {
                _last = Math.Max(_last, replied);
                _calls++;
            }
        }
    }
}
