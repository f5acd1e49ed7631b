"""Moderation tables (decisions, rules, blocks, audit log) are defined by the moderation work."""

from __future__ import annotations
