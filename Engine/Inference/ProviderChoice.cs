namespace Vsr.Engine.Inference;

/// <summary>The provider a device runs on, and why each better one it asked for was passed over.</summary>
public sealed record ProviderChoice(ExecutionProviderKind Provider, IReadOnlyList<SkippedProvider> Skipped);

/// <summary>A provider that did not load, with ONNX Runtime's reason, and the provider tried next.</summary>
public sealed record SkippedProvider(ExecutionProviderKind Provider, string Reason, ExecutionProviderKind Next);
