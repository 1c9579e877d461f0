using Vsr.Train.Training;

namespace Vsr.Train.Tests;

public sealed class TrainingSettingsTests
{
    [Fact]
    public void The_loss_is_L1_unless_L2_is_asked_for()
    {
        Assert.Equal("L1", TrainingSettings.From(TrainOptions.Parse(["--scale", "1"])).LossName);
        Assert.Equal("L2", TrainingSettings.From(TrainOptions.Parse(["--scale", "1", "--loss", "l2"])).LossName);
        var error = Assert.Throws<ArgumentException>(() => TrainingSettings.From(TrainOptions.Parse(["--loss", "huber"])));
        Assert.Contains("huber", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_schedule_decays_from_the_base_rate_to_a_tenth()
    {
        var settings = TrainingSettings.From(TrainOptions.Parse(["--steps", "1000", "--lr", "1e-3"]));

        Assert.Equal(1e-3, settings.LearningRateAt(0), 12);
        Assert.Equal(1e-4, settings.LearningRateAt(1000), 12);
        Assert.True(settings.LearningRateAt(400) > settings.LearningRateAt(600));
    }
}
