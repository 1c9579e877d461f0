using Vsr.Api.Hosting;

namespace Vsr.Api.Jobs;

/// <summary>The places for posted videos this replica receives at once (<see cref="ApiOptions.MaxConcurrentUploads"/>).</summary>
public sealed class UploadSlots(IOptions<ApiOptions> options) : IDisposable
{
    private readonly SemaphoreSlim? _slots = options.Value.MaxConcurrentUploads > 0
        ? new SemaphoreSlim(options.Value.MaxConcurrentUploads, options.Value.MaxConcurrentUploads)
        : null;

    /// <summary>A place, released on dispose; null when every place is taken.</summary>
    public IDisposable? TryTake()
    {
        if (_slots is null)
        {
            return new Slot(null);
        }

        return _slots.Wait(0) ? new Slot(_slots) : null;
    }

    public void Dispose() => _slots?.Dispose();

    private sealed class Slot(SemaphoreSlim? slots) : IDisposable
    {
        private SemaphoreSlim? _slots = slots;

        public void Dispose() => Interlocked.Exchange(ref _slots, null)?.Release();
    }
}
