// The services are shared (one PostgreSQL, one moto_server) and the machine has 2 cores: one test class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
