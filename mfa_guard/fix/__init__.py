"""Fixes: text edits on exact spans, the fix loop, and the ordered plan of the guide."""
