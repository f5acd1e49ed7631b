"""The database's plan for a statement, to check that a query is answered from an index."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection


async def plan(conn: AsyncConnection, statement: str, parameters: Any) -> list[str]:
    """Lines of the plan of a driver-level statement (SQLite: EXPLAIN QUERY PLAN; PostgreSQL:
    EXPLAIN after ANALYZE, with sequential scans discouraged so a small table still shows
    which index would serve it). Roll the connection back afterwards."""
    if conn.dialect.name == "sqlite":
        rows = await conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        return [str(row[-1]) for row in rows]
    await conn.exec_driver_sql("ANALYZE comments")
    await conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
    rows = await conn.exec_driver_sql(f"EXPLAIN {statement}", parameters)
    return [str(row[0]) for row in rows]
