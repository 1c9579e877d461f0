namespace Vsr.Cluster.Tests.Api;

public sealed class ClientModeTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("InProcess")]
    public async Task An_api_in_client_mode_without_a_broker_queue_refuses_to_start_and_says_what_to_set(string? kind)
    {
        var settings = new Dictionary<string, string> { ["Orleans:Mode"] = "Client" };
        if (kind is not null)
        {
            settings["Vsr:Queue:Kind"] = kind;
        }

        await using var factory = new ApiFactory(settings);

        var refused = Record.Exception(() => factory.CreateClient().Dispose());

        Assert.NotNull(refused);
        var message = refused.ToString();
        Assert.Contains("Vsr:Queue:Kind=RabbitMq", message, StringComparison.Ordinal);
        Assert.Contains("Orleans:Mode=Embedded", message, StringComparison.Ordinal);
    }
}
