"""Reform statistics: aggregate tables, public statistics and the supervisor dashboard."""
