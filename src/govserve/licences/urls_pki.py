"""Pages: see licences/urls.py (owner module)."""

urlpatterns: list = []
