using Microsoft.Extensions.Logging;

namespace Vsr.DeviceCheck;

/// <summary>One line a device logged, with its message template's values by name.</summary>
public sealed record LogEntry(LogLevel Level, string Message, IReadOnlyDictionary<string, string?> Values);
