namespace Vsr.Queue;

/// <summary>An <see cref="ISubmitJobHandler"/> made of a delegate, for hosts that wire the handler inline.</summary>
public sealed class SubmitJobHandler(Func<SubmitJob, CancellationToken, Task> handle) : ISubmitJobHandler
{
    public Task HandleAsync(SubmitJob message, CancellationToken cancellationToken) => handle(message, cancellationToken);
}
