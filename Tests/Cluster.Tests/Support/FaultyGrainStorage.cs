using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Vsr.Grains.Jobs;

namespace Vsr.Cluster.Tests.Support;

/// <summary>
/// The silos' job state storage with faults on demand: each rule spoils the writes of the job states it matches, a given
/// number of times, either failing them as a database error would or by having another writer save the stored record
/// just before, so that the storage's own ETag check refuses them. It also counts each grain's reads, one per activation,
/// and the writes the storage refused as stale.
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

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        faults.CountRead(grainId);
        return inner.ReadStateAsync(stateName, grainId, grainState);
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        switch (grainState.State is JobState job ? faults.Take(job) : null)
        {
            case Fault.Error:
                throw new IOException($"Injected fault: the write of {grainId} failed; the database is unavailable.");
            case Fault.Hold:
                await faults.Held.Task;
                break;
            case Fault.HoldThenError:
                await faults.Held.Task;
                throw new IOException($"Injected fault: the write of {grainId} failed after a wait; the database went away.");
            case Fault.ChangedBehind:
                var other = new GrainState<T>();
                await inner.ReadStateAsync(stateName, grainId, other);
                await inner.WriteStateAsync(stateName, grainId, other);
                break;
        }

        try
        {
            await inner.WriteStateAsync(stateName, grainId, grainState);
        }
        catch (InconsistentStateException)
        {
            faults.CountStale();
            throw;
        }
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);

    public enum Fault
    {
        /// <summary>The write fails with an <see cref="IOException"/>, as when the database cannot be reached.</summary>
        Error,

        /// <summary>Another writer saves the stored record first, so the write carries a stale ETag.</summary>
        ChangedBehind,

        /// <summary>The write waits until <see cref="Faults.Release"/>, then goes through: a slow database.</summary>
        Hold,

        /// <summary>The write waits until <see cref="Faults.Release"/>, then fails: a database lost during the write.</summary>
        HoldThenError,
    }

    /// <summary>The rules and counts of one test's cluster, shared by its silos.</summary>
    public sealed class Faults
    {
        private readonly ConcurrentQueue<Rule> _rules = new();
        private readonly ConcurrentDictionary<GrainId, int> _reads = new();
        private int _stale;

        internal TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Lets every write held by a <see cref="Fault.Hold"/> rule go through.</summary>
        public void Release() => Held.TrySetResult();

        /// <summary>How many times <paramref name="grain"/>'s state was read: once per activation.</summary>
        public int Reads(GrainId grain) => _reads.GetValueOrDefault(grain);

        /// <summary>How many writes the storage refused because the record had changed since the writer read it.</summary>
        public int StaleWrites => Volatile.Read(ref _stale);

        /// <summary>Spoils the next <paramref name="times"/> writes of a job state that matches <paramref name="when"/> (-1: every one).</summary>
        public Rule Spoil(Fault fault, Func<JobState, bool> when, int times = 1)
        {
            var rule = new Rule(fault, when, times);
            _rules.Enqueue(rule);
            return rule;
        }

        internal void CountRead(GrainId grain) => _reads.AddOrUpdate(grain, 1, (_, n) => n + 1);

        internal void CountStale() => Interlocked.Increment(ref _stale);

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
