"""Import from WordPress and Disqus, export as WordPress WXR (comments/importers/)."""
