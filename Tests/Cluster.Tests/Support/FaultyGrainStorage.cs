using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Vsr.Grains.Jobs;

namespace Vsr.Cluster.Tests.Support;

/// <summary>
/// The silos' job state storage with faults on demand: each rule spoils the writes of the job states it matches, a given
/// number of times, failing them as a database error would.
/// </summary>
public sealed class FaultyGrainStorage(IGrainStorage inner, FaultyGrainStorage.Faults faults) : IGrainStorage
{
    /// <summary>Replaces the job state storage with a wrapper around it that obeys <paramref name="faults"/>.</summary>
    public static void Install(IServiceCollection services, Faults faults)
    {
        var original = services.Last(d => d.ServiceType == typeof(IGrainStorage) && Equals(d.ServiceKey, JobGrain.StorageName));
        services.Remove(original);
        services.AddKeyedSingleton<IGrainStorage>(JobGrain.StorageName, (sp, key) => new FaultyGrainStorage(
            (IGrainStorage)(original.KeyedImplementationInstance
                ?? original.KeyedImplementationFactory?.Invoke(sp, key)
                ?? ActivatorUtilities.CreateInstance(sp, original.KeyedImplementationType!)),
            faults));
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        (grainState.State is JobState job ? faults.Take(job) : null) switch
        {
            Fault.Error => Task.FromException(new IOException($"Injected fault: the write of {grainId} failed; the database is unavailable.")),
            _ => inner.WriteStateAsync(stateName, grainId, grainState),
        };

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);

    public enum Fault
    {
        /// <summary>The write fails with an <see cref="IOException"/>, as when the database cannot be reached.</summary>
        Error,
    }

    /// <summary>The rules of one test's cluster, shared by its silos.</summary>
    public sealed class Faults
    {
        private readonly ConcurrentQueue<Rule> _rules = new();

        /// <summary>Spoils the next <paramref name="times"/> writes of a job state that matches <paramref name="when"/> (-1: every one).</summary>
        public Rule Spoil(Fault fault, Func<JobState, bool> when, int times = 1)
        {
            var rule = new Rule(fault, when, times);
            _rules.Enqueue(rule);
            return rule;
        }

        internal Fault? Take(JobState job) => _rules.FirstOrDefault(rule => rule.TryTake(job))?.Fault;
    }

    public sealed class Rule(Fault fault, Func<JobState, bool> when, int times)
    {
        private readonly Lock _lock = new();
        private int _left = times;
        private int _spoiled;

        public Fault Fault { get; } = fault;

        /// <summary>How many writes this rule spoiled.</summary>
        public int Spoiled
        {
            get
            {
                lock (_lock)
                {
                    return _spoiled;
                }
            }
        }

        internal bool TryTake(JobState job)
        {
            lock (_lock)
            {
                if (_left == 0 || !when(job))
                {
                    return false;
                }

                _left = _left < 0 ? _left : _left - 1;
                _spoiled++;
                return true;
            }
        }
    }
}
