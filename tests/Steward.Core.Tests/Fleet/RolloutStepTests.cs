using Steward.Core.Fleet;
using Steward.Core.State;

namespace Steward.Core.Tests.Fleet;

public sealed class RolloutStepTests
{
    private static readonly DateTime Now = new(2026, 11, 25, 18, 0, 0, DateTimeKind.Utc);

    private static BatchEntry Rollout(int concurrency, int? errorLimit = null, int sleep = 0, DateTime? nextWaveAt = null) => new()
    {
        Targets = "[]", Nodes = "[]", RolloutState = RolloutStates.Running, MaxConcurrency = $"{concurrency}", Concurrency = concurrency,
        MaxErrors = errorLimit?.ToString(System.Globalization.CultureInfo.InvariantCulture), ErrorLimit = errorLimit, BatchSleepSeconds = sleep,
        NextWaveAt = nextWaveAt,
    };

    [Fact]
    public void Without_a_sleep_it_keeps_the_concurrency_in_flight()
    {
        Assert.Equal(3, RolloutStep.Next(Rollout(3), new(Waiting: 12, InFlight: 0, Released: 0, Errors: 0), Now).Release);
        Assert.Equal(1, RolloutStep.Next(Rollout(3), new(Waiting: 9, InFlight: 2, Released: 3, Errors: 0), Now).Release);
        Assert.Equal(0, RolloutStep.Next(Rollout(3), new(Waiting: 9, InFlight: 3, Released: 3, Errors: 0), Now).Release);
        Assert.Equal(2, RolloutStep.Next(Rollout(3), new(Waiting: 2, InFlight: 0, Released: 10, Errors: 0), Now).Release);
    }

    [Fact]
    public void With_a_sleep_a_wave_waits_for_the_one_before_to_end_and_then_for_the_sleep()
    {
        Assert.Equal(0, RolloutStep.Next(Rollout(3, sleep: 5), new(Waiting: 9, InFlight: 1, Released: 3, Errors: 0), Now).Release);
        var ended = RolloutStep.Next(Rollout(3, sleep: 5), new(Waiting: 9, InFlight: 0, Released: 3, Errors: 0), Now);
        Assert.Equal((0, Now.AddSeconds(5)), (ended.Release, ended.NextWaveAt));
        Assert.Equal(0, RolloutStep.Next(Rollout(3, sleep: 5, nextWaveAt: Now.AddSeconds(1)), new(9, 0, 3, 0), Now).Release);
        var due = RolloutStep.Next(Rollout(3, sleep: 5, nextWaveAt: Now), new(9, 0, 3, 0), Now);
        Assert.Equal((3, null), (due.Release, due.NextWaveAt));
    }

    [Fact]
    public void Errors_that_reach_the_limit_stop_it_while_nodes_wait_and_it_says_why()
    {
        var stopped = RolloutStep.Next(Rollout(1, errorLimit: 2), new(Waiting: 4, InFlight: 0, Released: 4, Errors: 2), Now);
        var oneError = RolloutStep.Next(Rollout(1, errorLimit: 2), new(Waiting: 4, InFlight: 0, Released: 4, Errors: 1), Now);

        Assert.Equal((RolloutStates.Stopped, 0), (stopped.State, stopped.Release));
        Assert.Equal("rollout stopped: 2 errors reached maxErrors 2", stopped.StopReason);
        Assert.Equal((RolloutStates.Running, 1), (oneError.State, oneError.Release));
        Assert.Equal(RolloutStates.Done, RolloutStep.Next(Rollout(1, errorLimit: 2), new(Waiting: 0, InFlight: 0, Released: 8, Errors: 5), Now).State);
    }

    [Theory]
    [InlineData(0, 3, 1)]
    [InlineData(2, 3, 1)]
    [InlineData(3, 3, 2)]
    [InlineData(11, 3, 4)]
    public void The_i_th_message_released_is_in_wave_i_over_the_concurrency(int releasedBefore, int concurrency, int wave) =>
        Assert.Equal(wave, RolloutStep.WaveOf(releasedBefore, concurrency));
}
