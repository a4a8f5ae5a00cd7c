namespace Steward.Agent.Tests;

/// <summary>
/// Tests that restart hosts and brokers many times: they run after the others, one at a time, so on a small machine
/// neither they nor the others miss a deadline for want of CPU.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAloneCollection
{
    public const string Name = "runs alone";
}
