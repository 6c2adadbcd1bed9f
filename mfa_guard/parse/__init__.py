"""Parsers that turn project text into located structures."""
