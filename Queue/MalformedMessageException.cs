namespace Vsr.Queue;

/// <summary>A message that no retry can fix (bad JSON, an unknown schema version); it goes straight to the dead letters.</summary>
public sealed class MalformedMessageException : Exception
{
    public MalformedMessageException(string message)
        : base(message)
    {
    }

    public MalformedMessageException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
