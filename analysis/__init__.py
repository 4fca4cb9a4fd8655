"""Motivation model, scoring, comparison, agreement, fairness and reports."""
