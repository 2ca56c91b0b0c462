"""Network analytics with networkx: the shape of the learning network (pure functions).

Entry points (no database, no platform, no wall clock; the caller passes times and seeds):
- graph.build_graph(interactions, members, start=, end=) -> InteractionGraph
- health.compute_health(graph, rng=, expected_types=) -> HealthReport
- alerts.raise_alerts(report, Thresholds(...), previous_isolates=) -> list[Alert]
- weaving.suggest_introductions(graph, recent_counts=, per_person_cap=2) -> list[Introduction]
- matching.form_subgroups(candidates, size=, strategy=, seed=, history=, ties=) -> MatchResult
"""
