namespace Vsr.Integration.Tests.Grains;

[GenerateSerializer]
public sealed class TallyState
{
    [Id(0)]
    public int Total { get; set; }
}
