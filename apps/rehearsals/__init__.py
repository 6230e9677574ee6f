"""Rehearsals, a staff feature and our test rig: the simulated telephone network, its lead personas, `rehearse`
and the voice benchmarks. Imports run one way: this app may import media_server and the other apps; none of
them imports it."""
