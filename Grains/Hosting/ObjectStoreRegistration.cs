using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Vsr.Storage;

namespace Vsr.Grains.Hosting;

/// <summary>Chooses where bytes live: <c>Vsr:ObjectStore:Kind</c> = <c>FileSystem</c> (default) or <c>S3</c>.</summary>
public static class ObjectStoreRegistration
{
    public static IServiceCollection AddObjectStore(this IServiceCollection services, IConfiguration configuration)
    {
        var kind = configuration["Vsr:ObjectStore:Kind"] ?? "FileSystem";
        if (string.Equals(kind, "S3", StringComparison.OrdinalIgnoreCase))
        {
            var options = configuration.GetSection("Vsr:ObjectStore:S3").Get<S3ObjectStoreOptions>()
                ?? throw new InvalidOperationException("Vsr:ObjectStore:Kind=S3 needs the Vsr:ObjectStore:S3 section (Endpoint, AccessKey, SecretKey, Bucket).");
            services.TryAddSingleton(sp => new S3ObjectStore(options, sp.GetRequiredService<ILogger<S3ObjectStore>>()));
            services.TryAddSingleton<IObjectStore>(sp => sp.GetRequiredService<S3ObjectStore>());
        }
        else if (string.Equals(kind, "FileSystem", StringComparison.OrdinalIgnoreCase))
        {
            var node = configuration.GetSection(NodeOptions.Section).Get<NodeOptions>() ?? new NodeOptions();
            services.TryAddSingleton<IObjectStore>(new FileSystemObjectStore(node.ObjectStoreDirectory));
        }
        else
        {
            throw new InvalidOperationException($"Vsr:ObjectStore:Kind is '{kind}'; use FileSystem or S3.");
        }

        return services;
    }
}
