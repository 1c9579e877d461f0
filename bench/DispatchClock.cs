using System.Diagnostics;
using Vsr.Grains.Inference;

namespace Vsr.Bench;

/// <summary>
/// Times the dispatch phase of a job as its job grain sees it: every chunk call it sends to an inference grain, from
/// the send to the reply. An outgoing grain-call filter in every silo feeds it; the job's probe, plan and final
/// assembly fall outside the span.
/// </summary>
public sealed class DispatchClock
{
    private readonly Lock _gate = new();
    private readonly List<(string Device, long Sent, long Replied)> _calls = [];
    private bool _sending;
    private TimeSpan _cpuAtFirstSend;
    private TimeSpan _cpuAtLastReply;

    public void Reset()
    {
        lock (_gate)
        {
            _calls.Clear();
            _sending = false;
        }
    }

    /// <summary>What the calls since <see cref="Reset"/> add up to.</summary>
    public DispatchSummary Summarize()
    {
        lock (_gate)
        {
            if (_calls.Count == 0)
            {
                return new DispatchSummary(0, 0, 0, 0, 0);
            }

            var seconds = Stopwatch.GetElapsedTime(_calls.Min(c => c.Sent), _calls.Max(c => c.Replied)).TotalSeconds;
            var callSeconds = _calls.Average(c => Stopwatch.GetElapsedTime(c.Sent, c.Replied).TotalSeconds);
            var idle = _calls.GroupBy(c => c.Device)
                .SelectMany(d => d.OrderBy(c => c.Sent).Zip(d.OrderBy(c => c.Sent).Skip(1), (a, b) => Stopwatch.GetElapsedTime(a.Replied, b.Sent).TotalSeconds))
                .DefaultIfEmpty(0)
                .Average();
            var cores = (_cpuAtLastReply - _cpuAtFirstSend).TotalSeconds / seconds;
            return new DispatchSummary(_calls.Count, seconds, callSeconds, idle, cores);
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
            if (!_sending)
            {
                _sending = true;
                _cpuAtFirstSend = Environment.CpuUsage.TotalTime;
            }
        }

        try
        {
            await call.Invoke();
        }
        finally
        {
            var replied = Stopwatch.GetTimestamp();
            var cpu = Environment.CpuUsage.TotalTime;
            lock (_gate)
            {
                _calls.Add((call.TargetId.ToString(), sent, replied));
                _cpuAtLastReply = cpu;
            }
        }
    }
}
