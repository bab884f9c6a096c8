"""Interactive API docs served from the swagger-ui-bundle package: nothing from the internet."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles


def install(api: FastAPI, mount_path: str) -> None:
    import swagger_ui_bundle  # the package ships Swagger UI's built files

    api.mount(
        "/docs-assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-assets"
    )

    @api.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=f"{mount_path}/openapi.json",
            title="Kasasu API",
            swagger_js_url=f"{mount_path}/docs-assets/swagger-ui-bundle.js",
            swagger_css_url=f"{mount_path}/docs-assets/swagger-ui.css",
            swagger_favicon_url=f"{mount_path}/docs-assets/favicon-32x32.png",
        )
