namespace Vsr.Train.Evaluation;

/// <summary>One clip's flat share and the verdict <c>content: auto</c> gives it at the default threshold.</summary>
public sealed record ContentRow(string Clip, double FlatFraction, string Verdict);
