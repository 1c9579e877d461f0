namespace Vsr.Queue;

/// <summary>A message that was given up on, and why.</summary>
/// <param name="MessageId">The message id (the job id, when the message could be read that far).</param>
/// <param name="Reason">Why it was dead-lettered: the handler's last error, or what is wrong with the message.</param>
/// <param name="Attempts">How many times the handler was called with it (0 for a malformed message).</param>
/// <param name="Message">The message, when it could be read.</param>
/// <param name="DeadLetteredAt">When it was dead-lettered.</param>
public sealed record DeadLetter(string? MessageId, string Reason, int Attempts, SubmitJob? Message, DateTimeOffset DeadLetteredAt);
