namespace Vsr.Bench.Peer;

/// <summary>How closely the peer's output matches ours: PSNR over the samples compared, and the share left out as the peer's wrap-around bug.</summary>
public sealed record PeerAgreement(double Psnr, double WrappedShare);
