"""Server processes under test: the support backend as ``portal serve`` runs it, and the bare peer.

``python -m bench.server portal DATA_DIR SITE_DIR PORTAL_DIR PORT`` runs ``support.server.serve`` (the code
path of ``portal serve`` after its build). ``python -m bench.server bare DB PORT`` runs the
baseline: FastAPI with one ``async def`` endpoint inserting a row with sqlite-utils through one
connection used on the event loop (the fastest arrangement in our field notes), WAL and
``synchronous=NORMAL`` like the backend, under the same uvicorn settings.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from fastapi import FastAPI
from pydantic import BaseModel

BARE_COLUMNS = ("subject", "description", "requester_email", "requester_name", "category", "priority")


class Ticket(BaseModel):
    """The bare endpoint's body: the same fields an anonymous filing sends."""

    subject: str
    description: str
    requester_email: str
    requester_name: str = ""
    category: str = "Question"
    priority: str = "P3"


def bare_app(db_path: Path) -> FastAPI:
    """The bare insert endpoint: validate the body with pydantic, insert it, return its id."""
    import sqlite_utils

    db = sqlite_utils.Database(sqlite3.connect(str(db_path)))
    db.execute("PRAGMA synchronous=NORMAL")
    db.enable_wal()
    db["tickets"].create({"id": int, **{c: str for c in BARE_COLUMNS}}, pk="id", if_not_exists=True)
    app = FastAPI()

    @app.post("/api/tickets", status_code=201)
    async def file_ticket(ticket: Ticket) -> dict[str, int]:
        with db.conn:
            row_id = db["tickets"].insert(ticket.model_dump()).last_pk
        return {"id": row_id}

    return app


def main() -> None:
    """Start the server named by the arguments and serve until interrupted."""
    kind = sys.argv[1]
    if kind == "portal":
        from support.server import serve

        data, site, portal, port = Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]), int(sys.argv[5])
        serve(portal_dir=portal, site_dir=site, host="127.0.0.1", port=port, data_dir=data)
        return
    import uvicorn

    from support.server import UVICORN_OPTIONS

    uvicorn.run(bare_app(Path(sys.argv[2])), host="127.0.0.1", port=int(sys.argv[3]), **UVICORN_OPTIONS)


if __name__ == "__main__":
    main()
