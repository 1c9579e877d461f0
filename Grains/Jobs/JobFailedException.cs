namespace Vsr.Grains.Jobs;

/// <summary>Ends a job as FAILED; the message is the reason shown to the user, so it says what to do.</summary>
public sealed class JobFailedException(string reason, Exception? inner = null) : Exception(reason, inner);
