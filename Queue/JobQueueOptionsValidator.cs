using Microsoft.Extensions.Options;

namespace Vsr.Queue;

public sealed class JobQueueOptionsValidator : IValidateOptions<JobQueueOptions>
{
    public ValidateOptionsResult Validate(string? name, JobQueueOptions options)
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(options.Kind))
        {
            errors.Add($"{JobQueueOptions.SectionName}:Kind must be InProcess or RabbitMq, not '{options.Kind}'.");
        }

        if (options.DepthSampleInterval <= TimeSpan.Zero)
        {
            errors.Add($"{JobQueueOptions.SectionName}:DepthSampleInterval must be positive.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
