namespace Vsr.Grains.Jobs;

public enum ChunkStatus
{
    Pending = 0,
    Running = 1,
    Done = 2,
    Failed = 3,
}
