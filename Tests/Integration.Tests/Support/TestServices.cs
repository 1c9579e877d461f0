namespace Vsr.Integration.Tests.Support;

/// <summary>
/// The real services these tests run against. ./test.sh starts them (scripts/services.sh) and exports their
/// addresses; a missing address is a failure, never a skip, so a green run always means the services were exercised.
/// </summary>
public static class TestServices
{
    public static string PostgresConnectionString => Required("VSR_TEST_PG");

    public static string S3Endpoint => Required("VSR_TEST_S3");

    public static string PrometheusUrl => Required("VSR_TEST_PROMETHEUS");

    public static Uri AmqpUri => new(Required("VSR_TEST_AMQP"));

    private static string Required(string variable)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                $"{variable} is not set. These tests need the real services: run ./test.sh, or run " +
                "scripts/services.sh start and source .vsr/services/env before dotnet test.");
        }

        return value;
    }
}
