namespace Vsr.Bench;

/// <summary>One part of the bench; sections run in order and each may read what earlier ones put in the context.</summary>
public interface IBenchSection
{
    /// <summary>The name <c>--only</c> selects it by.</summary>
    string Name { get; }

    Task<BenchTable> RunAsync(BenchContext context, CancellationToken cancellationToken);
}
