namespace Vsr.Queue;

/// <summary>How a failure is written into a dead letter's reason.</summary>
internal static class DeliveryFailure
{
    // Broker headers are not the place for stack traces; the log has them.
    private const int MaxReasonLength = 1000;

    public static string Describe(Exception failure)
    {
        var reason = $"{failure.GetType().Name}: {failure.Message}";
        return reason.Length <= MaxReasonLength ? reason : reason[..MaxReasonLength];
    }
}
