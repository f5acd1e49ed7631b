"""Moderation: the live queue, rules that hold posts, decisions, blocks and the audit log."""
