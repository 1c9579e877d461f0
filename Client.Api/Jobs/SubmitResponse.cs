namespace Vsr.Api.Jobs;

/// <summary>The 202 body of <c>POST /v1/jobs</c>.</summary>
public sealed record SubmitResponse(Guid Id, string Status);
