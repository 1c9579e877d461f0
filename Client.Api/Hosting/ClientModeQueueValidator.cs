using Vsr.Queue;

namespace Vsr.Api.Hosting;

/// <summary>
/// In <c>Orleans:Mode=Client</c> the silos run in other processes, and an <c>InProcess</c> queue is read only by a
/// silo in this one: every job would stay PENDING. So a separate API must publish to the broker.
/// </summary>
public sealed class ClientModeQueueValidator : IValidateOptions<JobQueueOptions>
{
    public ValidateOptionsResult Validate(string? name, JobQueueOptions options) =>
        options.Kind == JobQueueKind.RabbitMq
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Orleans:Mode=Client needs {JobQueueOptions.SectionName}:Kind=RabbitMq (and {JobQueueOptions.SectionName}:RabbitMq:Uri), not {options.Kind}: " +
                "the silos run in other processes and cannot read this process's in-process queue, so every job would stay PENDING. " +
                "Set the queue, or run the API with Orleans:Mode=Embedded to co-host a silo.");
}
