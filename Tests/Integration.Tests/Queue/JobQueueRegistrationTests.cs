using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Vsr.Integration.Tests.Support;
using Vsr.Queue;
using Vsr.Queue.InProcess;
using Vsr.Queue.RabbitMq;

namespace Vsr.Integration.Tests.Queue;

/// <summary>How a host wires job intake from configuration (<c>AddJobQueue</c>, <c>AddJobQueueConsumer</c>).</summary>
public sealed class JobQueueRegistrationTests
{
    [Fact]
    public async Task Without_configuration_the_in_process_queue_carries_jobs_to_the_handler()
    {
        var handler = new RecordingHandler();
        using var host = Build([], services => services.AddJobQueueConsumer(_ => handler.HandleAsync));
        await host.StartAsync();
        var queue = host.Services.GetRequiredService<IJobQueue>();
        var job = Jobs.New();

        await queue.PublishAsync(job, CancellationToken.None);
        await handler.WaitForCallsAsync(1, TimeSpan.FromSeconds(10));
        await host.StopAsync();

        Assert.IsType<InProcessJobQueue>(queue);
        Assert.Equal([job], handler.Calls);
    }

    [Fact]
    public async Task With_Kind_RabbitMq_jobs_go_through_the_broker_to_the_handler()
    {
        var queueName = $"vsr.test.{Guid.NewGuid():N}";
        var handler = new RecordingHandler();
        using var host = Build(
            new()
            {
                ["Vsr:Queue:Kind"] = "RabbitMq",
                ["Vsr:Queue:RabbitMq:Uri"] = TestServices.AmqpUri.ToString(),
                ["Vsr:Queue:RabbitMq:QueueName"] = queueName,
                ["Vsr:Queue:RabbitMq:DeadLetterQueueName"] = $"{queueName}.dead",
            },
            services => services.AddJobQueueConsumer(_ => handler.HandleAsync));
        await host.StartAsync();
        var queue = host.Services.GetRequiredService<IJobQueue>();
        var job = Jobs.New();

        await queue.PublishAsync(job, CancellationToken.None);
        await handler.WaitForCallsAsync(1, TimeSpan.FromSeconds(20));
        await host.StopAsync();

        Assert.IsType<RabbitMqJobQueue>(queue);
        Assert.Equal([job], handler.Calls);
    }

    [Fact]
    public async Task Invalid_RabbitMq_settings_stop_the_host_at_start_up_with_every_problem_named()
    {
        using var host = Build(new() { ["Vsr:Queue:Kind"] = "RabbitMq", ["Vsr:Queue:RabbitMq:Prefetch"] = "0" }, _ => { });

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Vsr:Queue:RabbitMq:Uri must be an amqp:// or amqps:// URI", failure.Message);
        Assert.Contains("Vsr:Queue:RabbitMq:Prefetch must be between 1 and 65535", failure.Message);
    }

    private static IHost Build(Dictionary<string, string?> settings, Action<IServiceCollection> more)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddJobQueue(configuration);
        more(builder.Services);
        return builder.Build();
    }
}
