using Microsoft.Extensions.Options;

namespace Vsr.Queue.InProcess;

public sealed class InProcessQueueOptionsValidator : IValidateOptions<InProcessQueueOptions>
{
    public ValidateOptionsResult Validate(string? name, InProcessQueueOptions options)
    {
        const string S = InProcessQueueOptions.SectionName;
        var errors = new List<string>();
        if (options.Capacity < 1) errors.Add($"{S}:Capacity must be at least 1.");
        if (options.MaxDeliveries < 1) errors.Add($"{S}:MaxDeliveries must be at least 1.");
        if (options.Concurrency < 1) errors.Add($"{S}:Concurrency must be at least 1.");
        if (options.PublishTimeout <= TimeSpan.Zero) errors.Add($"{S}:PublishTimeout must be positive.");
        if (options.RetryDelay < TimeSpan.Zero) errors.Add($"{S}:RetryDelay must not be negative.");
        if (options.MaxRetryDelay < options.RetryDelay) errors.Add($"{S}:MaxRetryDelay must be at least RetryDelay.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
