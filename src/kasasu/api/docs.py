"""Interactive API docs served from the swagger-ui-bundle package: nothing from the internet."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from kasasu.kit.security_headers import csp_nonce


def install(api: FastAPI, mount_path: str) -> None:
    import swagger_ui_bundle  # the package ships Swagger UI's built files

    api.mount(
        "/docs-assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-assets"
    )

    @api.get("/docs", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url=f"{mount_path}/openapi.json",
            title="Kasasu API",
            swagger_js_url=f"{mount_path}/docs-assets/swagger-ui-bundle.js",
            swagger_css_url=f"{mount_path}/docs-assets/swagger-ui.css",
            swagger_favicon_url=f"{mount_path}/docs-assets/favicon-32x32.png",
        )
        # Its one inline script (SwaggerUIBundle's set-up) runs under the CSP with the nonce.
        nonce = csp_nonce(request.scope)
        html = bytes(page.body).decode().replace("<script>", f'<script nonce="{nonce}">')
        return HTMLResponse(html, status_code=page.status_code)
