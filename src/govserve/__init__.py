"""GovServe 一体化政务服务平台: one catalog, one window, lawful deadlines, supervision."""

from .celery import app as celery_app

__all__ = ["celery_app"]
