"""The JSON API under ``/api/v1``: parse, call one service, render."""

from kasasu.api.app import create_api

__all__ = ["create_api"]
