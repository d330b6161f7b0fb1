"""Supervision and evaluation (监督评议): electronic oversight of deadlines (电子监察), escalation
and 督办, ratings (好差评), complaints (12345 closed loop) and live reform statistics.

One app in the layer table (tests/test_hierarchy.py) made of a base and four sub-apps, each
with its own models and migrations:

- `supervision` (this package): who supervises what (`scope`), the supervisor's workbench over
  open cases and its exports, the case drill-down with its full timeline, and the registries
  the sub-apps plug into (`registries`);
- `supervision.escalation` (label `supervision_escalation`): escalation ladders per region,
  escalation records, 督办 notices and their replies, red and yellow cards (红黄牌);
- `supervision.ratings` (label `supervision_ratings`): 好差评 ratings, rectification of bad
  ratings, appeals, public satisfaction pages;
- `supervision.tickets` (label `supervision_tickets`): consultations, suggestions, complaints
  and reports (12345): dispatch, handling, replies, reopening, call-back, close;
- `supervision.stats` (label `supervision_stats`): reform statistics from incrementally
  maintained aggregate tables, public statistics and the supervisor dashboard (ECharts).

The sub-apps meet through `registries` only (overdue work for the escalation ladder, entries
for a case's timeline, figures for the statistics), never by importing each other.
"""
