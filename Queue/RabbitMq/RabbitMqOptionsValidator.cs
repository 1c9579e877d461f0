using Microsoft.Extensions.Options;

namespace Vsr.Queue.RabbitMq;

public sealed class RabbitMqOptionsValidator : IValidateOptions<RabbitMqOptions>
{
    public ValidateOptionsResult Validate(string? name, RabbitMqOptions options)
    {
        const string S = RabbitMqOptions.SectionName;
        var errors = new List<string>();
        if (options.Uri is null || !options.Uri.IsAbsoluteUri || options.Uri.Scheme is not ("amqp" or "amqps"))
        {
            errors.Add($"{S}:Uri must be an amqp:// or amqps:// URI, e.g. amqp://guest:guest@127.0.0.1:5672/.");
        }

        if (string.IsNullOrWhiteSpace(options.QueueName)) errors.Add($"{S}:QueueName is required.");
        if (string.IsNullOrWhiteSpace(options.DeadLetterQueueName)) errors.Add($"{S}:DeadLetterQueueName is required.");
        if (options.QueueName == options.DeadLetterQueueName) errors.Add($"{S}:DeadLetterQueueName must differ from QueueName.");
        if (options.MaxDeliveries < 1) errors.Add($"{S}:MaxDeliveries must be at least 1.");
        if (options.Prefetch is < 1 or > ushort.MaxValue) errors.Add($"{S}:Prefetch must be between 1 and {ushort.MaxValue}.");
        if (options.RedeliveryDelay < TimeSpan.Zero) errors.Add($"{S}:RedeliveryDelay must not be negative.");
        if (options.MaxRedeliveryDelay < options.RedeliveryDelay) errors.Add($"{S}:MaxRedeliveryDelay must be at least RedeliveryDelay.");
        if (options.PublishRetryLimit < 0) errors.Add($"{S}:PublishRetryLimit must not be negative.");
        if (options.PublishRetryDelay <= TimeSpan.Zero) errors.Add($"{S}:PublishRetryDelay must be positive.");
        if (options.PublishTimeout <= TimeSpan.Zero) errors.Add($"{S}:PublishTimeout must be positive.");
        if (options.ReconnectInterval <= TimeSpan.Zero) errors.Add($"{S}:ReconnectInterval must be positive.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
