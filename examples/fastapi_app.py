"""A FastAPI service in front of the order workflow: start, status, signals, result, cancel, health.

The engine is opened in the app's lifespan (not the deprecated startup/shutdown events) and
closed, draining its workers, when the app stops. Run it with any ASGI server, for example:

    TEMPORAL_ADDRESS=localhost:7233 uvicorn examples.fastapi_app:app

Connection and defaults come from the usual configuration (TEMPORAL_* variables, temporal.toml,
[tool.temporal-runtime]); set RUN_WORKER=0 when separate `temporal-runtime worker examples.orders`
processes serve the workflows.
"""

from __future__ import annotations

import os
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from examples.orders import Order, OrderProcessingWorkflow, OrderResult
from temporal_runtime import (
    TemporalEngine,
    WorkflowFailedError,
    WorkflowNotFoundError,
    WorkflowStatus,
)


class Started(BaseModel):
    workflow_id: str
    run_id: str | None


class SignalBody(BaseModel):
    args: list[Any] = []


def get_engine(request: Request) -> TemporalEngine:
    engine: TemporalEngine = request.app.state.engine
    return engine


EngineDep = Annotated[TemporalEngine, Depends(get_engine)]


def create_app(engine: TemporalEngine | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncGenerator[None]:
        eng = engine or TemporalEngine.from_config(start_worker=os.environ.get("RUN_WORKER", "1") != "0")
        async with eng:
            app.state.engine = eng
            yield

    app = FastAPI(title="orders", lifespan=lifespan)

    @app.exception_handler(WorkflowNotFoundError)
    async def not_found(request: Request, exc: WorkflowNotFoundError) -> JSONResponse:
        return JSONResponse(status_code=404, content={"detail": str(exc)})

    @app.post("/orders", status_code=status.HTTP_202_ACCEPTED)
    async def start_order(order: Order, engine: EngineDep) -> Started:
        handle = (
            await OrderProcessingWorkflow.client(engine)
            .with_options(workflow_id=f"order-{order.order_id}")
            .async_.process_order(order)
        )
        return Started(workflow_id=handle.id, run_id=handle.run_id)

    @app.get("/workflows/{workflow_id}")
    async def workflow_status(workflow_id: str, engine: EngineDep) -> WorkflowStatus:
        return await engine.get_status(workflow_id)

    @app.get("/workflows/{workflow_id}/progress")
    async def progress(workflow_id: str, engine: EngineDep) -> dict[str, Any]:
        answer: dict[str, Any] = await engine.query(workflow_id, "progress")
        return answer

    @app.post("/workflows/{workflow_id}/signals/{name}", status_code=status.HTTP_202_ACCEPTED)
    async def send_signal(workflow_id: str, name: str, body: SignalBody, engine: EngineDep) -> dict[str, str]:
        await engine.signal(workflow_id, name, *body.args)
        return {"sent": name}

    @app.get("/workflows/{workflow_id}/result")
    async def result(workflow_id: str, engine: EngineDep, wait: float = 30.0) -> OrderResult:
        try:
            value: OrderResult = await engine.get_result(workflow_id, timeout_seconds=wait)
        except TimeoutError as err:
            raise HTTPException(status.HTTP_504_GATEWAY_TIMEOUT, str(err)) from None
        except WorkflowFailedError as err:
            raise HTTPException(status.HTTP_409_CONFLICT, str(err)) from None
        return value

    @app.post("/workflows/{workflow_id}/cancel", status_code=status.HTTP_202_ACCEPTED)
    async def cancel(workflow_id: str, engine: EngineDep) -> dict[str, bool]:
        await engine.cancel(workflow_id)
        return {"cancel_requested": True}

    @app.get("/healthz")
    async def healthz(engine: EngineDep) -> JSONResponse:
        health = await engine.health_check()
        return JSONResponse(
            status_code=200 if health.healthy else 503, content=health.model_dump(mode="json")
        )

    return app


app = create_app()
