"""Evaluation workbench: coding contributions with themes, offline input, opinion groups."""
