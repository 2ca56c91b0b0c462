"""The domain the seeds describe: containers, subgroups, motivations, reflections, exchange."""
