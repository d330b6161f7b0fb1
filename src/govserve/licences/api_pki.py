"""API routes: see licences/api_urls.py (owner module)."""

urlpatterns: list = []
