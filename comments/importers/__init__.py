"""WordPress WXR and Disqus import, WXR export (an area: it writes through the shared modules)."""
