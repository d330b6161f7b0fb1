"""Escalation ladders, escalation records, 督办 notices and red/yellow cards (红黄牌)."""
