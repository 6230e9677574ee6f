"""Voice benchmarks (`manage.py bench_voice`): the stack they run on, the stock pipecat bot they compare
against, the runs themselves and the figures they print."""
