using RabbitMQ.Client;

namespace Vsr.Queue.RabbitMq;

/// <summary>
/// One lazily opened, automatically recovering connection. Once open, the client itself reconnects after a broker
/// restart (and recovers queues and consumers); until it is first open, each call tries again.
/// </summary>
internal sealed class BrokerConnection(RabbitMqOptions options, string clientName) : IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private IConnection? connection;

    /// <summary>host:port, never the credentials.</summary>
    public string Address => $"{options.Uri!.Host}:{(options.Uri.IsDefaultPort ? 5672 : options.Uri.Port)}";

    public async Task<IConnection> GetAsync(CancellationToken cancellationToken)
    {
        if (connection is { } open)
        {
            return open;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (connection is null)
            {
                var factory = new ConnectionFactory
                {
                    Uri = options.Uri!,
                    AutomaticRecoveryEnabled = true,
                    TopologyRecoveryEnabled = true,
                    NetworkRecoveryInterval = options.ReconnectInterval,
                    RequestedConnectionTimeout = TimeSpan.FromSeconds(10),
                };
                connection = await factory.CreateConnectionAsync(clientName, cancellationToken);
            }

            return connection;
        }
        finally
        {
            gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (connection is { } open)
        {
            await open.DisposeAsync();
        }

        gate.Dispose();
    }
}
