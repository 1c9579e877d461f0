using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Vsr.Queue.InProcess;
using Vsr.Queue.RabbitMq;

namespace Vsr.Queue;

public static class JobQueueServiceCollectionExtensions
{
    /// <summary>
    /// The publishing side of job intake: <see cref="IJobQueue"/> of the kind in <c>Vsr:Queue:Kind</c>
    /// (<c>InProcess</c> by default, or <c>RabbitMq</c> with <c>Vsr:Queue:RabbitMq</c>), its options validated at
    /// start-up, and the <see cref="QueueDepthSampler"/> behind the <c>vsr_queue_depth</c> gauge.
    /// </summary>
    public static IServiceCollection AddJobQueue(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(JobQueueOptions.SectionName);
        services.AddOptions<JobQueueOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JobQueueOptions>, JobQueueOptionsValidator>());
        var kind = section.GetValue(nameof(JobQueueOptions.Kind), JobQueueKind.InProcess);
        services.TryAddSingleton(new JobQueueSelection(kind));
        if (kind == JobQueueKind.RabbitMq)
        {
            services.AddOptions<RabbitMqOptions>().Bind(configuration.GetSection(RabbitMqOptions.SectionName)).ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RabbitMqOptions>, RabbitMqOptionsValidator>());
            services.TryAddSingleton<RabbitMqJobQueue>();
            services.TryAddSingleton<IJobQueue>(provider => provider.GetRequiredService<RabbitMqJobQueue>());
        }
        else
        {
            services.AddOptions<InProcessQueueOptions>().Bind(configuration.GetSection(InProcessQueueOptions.SectionName)).ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InProcessQueueOptions>, InProcessQueueOptionsValidator>());
            services.TryAddSingleton<InProcessJobQueue>();
            services.TryAddSingleton<IJobQueue>(provider => provider.GetRequiredService<InProcessJobQueue>());
        }

        services.AddHostedService<QueueDepthSampler>();
        return services;
    }

    /// <summary>
    /// The consuming side (in the silos): runs <typeparamref name="THandler"/> for every message of the queue that
    /// <see cref="AddJobQueue"/> chose. Call <see cref="AddJobQueue"/> first.
    /// </summary>
    public static IServiceCollection AddJobQueueConsumer<THandler>(this IServiceCollection services)
        where THandler : class, ISubmitJobHandler
    {
        services.TryAddSingleton<ISubmitJobHandler, THandler>();
        return services.AddJobQueueConsumerService();
    }

    /// <summary>The consuming side with the handler given as a delegate.</summary>
    public static IServiceCollection AddJobQueueConsumer(
        this IServiceCollection services, Func<IServiceProvider, Func<SubmitJob, CancellationToken, Task>> handler)
    {
        services.TryAddSingleton<ISubmitJobHandler>(provider => new SubmitJobHandler(handler(provider)));
        return services.AddJobQueueConsumerService();
    }

    private static IServiceCollection AddJobQueueConsumerService(this IServiceCollection services)
    {
        services.AddSingleton<IHostedService>(provider =>
        {
            var selection = provider.GetService<JobQueueSelection>()
                ?? throw new InvalidOperationException("Call AddJobQueue(configuration) before AddJobQueueConsumer.");
            return selection.Kind == JobQueueKind.RabbitMq
                ? ActivatorUtilities.CreateInstance<RabbitMqJobConsumer>(provider)
                : ActivatorUtilities.CreateInstance<InProcessJobConsumer>(provider);
        });
        return services;
    }
}
